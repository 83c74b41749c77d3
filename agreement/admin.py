from django.contrib import admin

from agreement.models import Area, Footnote, Organisation, Paragraph, Part, Partnership, Party, SubParagraph


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


class PartInline(admin.TabularInline):
    model = Part
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["short_title", "slug", "adopted_on", "place"]
    readonly_fields = ["source_digest", "imported_at"]
    filter_horizontal = ["parties"]
    inlines = [PartInline]


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = ["title", "partnership", "position"]
    list_filter = ["partnership"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["title", "part", "position"]
    list_filter = ["part__partnership"]
    list_select_related = ["part"]
    search_fields = ["title"]


class SubParagraphInline(admin.StackedInline):
    model = SubParagraph
    extra = 0


class FootnoteInline(admin.StackedInline):
    model = Footnote
    extra = 0


@admin.register(Paragraph)
class ParagraphAdmin(admin.ModelAdmin):
    list_display = ["number", "partnership", "part", "area"]
    list_filter = ["partnership", "part__title"]
    list_select_related = ["partnership", "part", "area"]
    search_fields = ["text"]
    inlines = [SubParagraphInline, FootnoteInline]


@admin.register(SubParagraph)
class SubParagraphAdmin(admin.ModelAdmin):
    list_display = ["__str__", "label"]
    list_select_related = ["paragraph"]


@admin.register(Footnote)
class FootnoteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "paragraph"]
    list_select_related = ["paragraph"]
