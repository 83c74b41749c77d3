from django.contrib import admin

from agreement.models import Area, Footnote, Organisation, Paragraph, Part, Partnership, Party, SubParagraph
from common.admin import ReadOnly, ReadOnlyInline

# The agreement's text is written by its importer (manage.py import_partnership), exactly as adopted: read here.


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "party", "parent"]
    list_filter = ["party"]
    search_fields = ["short_name", "name", "slug"]
    list_select_related = ["party", "parent"]
    autocomplete_fields = ["parent"]


class PartInline(ReadOnlyInline):
    model = Part


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    """Only the short title is ours to change: the rest is the text's (and every schedule counts from its adoption)."""

    list_display = ["short_title", "slug", "adopted_on", "place"]
    readonly_fields = ["slug", "title", "adopted_on", "place", "source_digest", "imported_at"]
    filter_horizontal = ["parties"]
    inlines = [PartInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Part)
class PartAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["title", "partnership", "position"]
    list_filter = ["partnership"]


@admin.register(Area)
class AreaAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["title", "part", "position"]
    list_filter = ["part__partnership"]
    list_select_related = ["part"]
    search_fields = ["title"]


class SubParagraphInline(ReadOnlyInline):
    model = SubParagraph


class FootnoteInline(ReadOnlyInline):
    model = Footnote


@admin.register(Paragraph)
class ParagraphAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["number", "partnership", "part", "area"]
    list_filter = ["partnership", "part__title"]
    list_select_related = ["partnership", "part", "area"]
    search_fields = ["text"]
    inlines = [SubParagraphInline, FootnoteInline]


@admin.register(SubParagraph)
class SubParagraphAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["__str__", "label"]
    list_select_related = ["paragraph"]


@admin.register(Footnote)
class FootnoteAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["__str__", "paragraph"]
    list_select_related = ["paragraph"]
