from django.contrib import admin

from commitments.models import Commitment, CommitmentSide, EvidenceLink, Ownership, StatusUpdate
from common.pagination import CappedPaginator


class OwnershipInline(admin.TabularInline):
    model = Ownership
    extra = 0
    autocomplete_fields = ["organisation"]


class SideInline(admin.TabularInline):
    model = CommitmentSide
    extra = 0
    fields = ["party", "status", "status_as_of", "last_update_at"]
    # Status moves only through commitments.services, which keeps the history.
    readonly_fields = ["status", "status_as_of", "last_update_at"]
    show_change_link = True


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["ref", "title", "strength", "cadence", "status", "paragraph"]
    list_filter = ["paragraph__partnership", "strength", "cadence", "status", "paragraph__area"]
    list_select_related = ["paragraph"]
    search_fields = ["ref", "title", "clause"]
    readonly_fields = ["status", "version"]
    list_per_page = 50
    inlines = [SideInline]


@admin.register(CommitmentSide)
class CommitmentSideAdmin(admin.ModelAdmin):
    list_display = ["__str__", "party", "status", "status_as_of"]
    list_filter = ["party", "status"]
    list_select_related = ["commitment", "party"]
    readonly_fields = ["status", "status_as_of", "last_update_at"]
    search_fields = ["commitment__ref", "commitment__title"]
    inlines = [OwnershipInline]


class EvidenceInline(admin.TabularInline):
    model = EvidenceLink
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StatusUpdate)
class StatusUpdateAdmin(admin.ModelAdmin):
    """The history is append-only: readable here, written only through the status service."""

    list_display = ["commitment", "side", "status", "as_of", "created_by", "created_at", "marking", "illustrative"]
    list_filter = ["status", "marking", "illustrative", "side__party", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["commitment", "side__party", "side__commitment", "created_by"]
    search_fields = ["commitment__ref", "commitment__title", "note"]
    inlines = [EvidenceInline]
    # A history of millions of rows: newest first along the index, never counted in full (no date hierarchy
    # either: its year links are a scan of the whole table).
    ordering = ["-created_at", "-id"]
    show_full_result_count = False
    paginator = CappedPaginator
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
