from django.contrib import admin

from commitments.models import (
    Commitment, CommitmentCondition, CommitmentLink, CommitmentSide, Condition, EvidenceLink, Instrument, Ownership,
    StatusUpdate,
)
from commitments.services import commitment_edit
from common.admin import ReadOnly, ReadOnlyInline
from common.pagination import CappedPaginator


class OwnershipInline(admin.TabularInline):
    model = Ownership
    extra = 0
    autocomplete_fields = ["organisation"]


class SideInline(ReadOnlyInline):
    """Sides come from the curated encoding (fixtures), their status from the status service."""

    model = CommitmentSide
    fields = ["party", "status", "status_as_of", "last_update_at", "due_on"]
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

    # Commitments come from the curated encoding (fixtures/commitments.toml); a commitment with a history is never
    # deleted. What an administrator may change is saved by the service, which reschedules the sides.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        commitment_edit(commitment=obj, by=request.user, changed=form.changed_data)


@admin.register(CommitmentSide)
class CommitmentSideAdmin(admin.ModelAdmin):
    list_display = ["__str__", "party", "status", "status_as_of"]
    list_filter = ["party", "status"]
    list_select_related = ["commitment", "party"]
    # Every field is kept by the status service or derived from the commitment; the owners are edited here.
    readonly_fields = [f.name for f in CommitmentSide._meta.fields]
    search_fields = ["commitment__ref", "commitment__title"]
    inlines = [OwnershipInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EvidenceInline(ReadOnlyInline):
    model = EvidenceLink


@admin.register(StatusUpdate)
class StatusUpdateAdmin(ReadOnly, admin.ModelAdmin):
    """The history is append-only: readable here, written only through the status service."""

    list_display = ["commitment", "side_code", "status", "as_of", "created_by", "created_at", "marking", "illustrative"]
    list_filter = ["status", "marking", "illustrative", "side__party", ("created_at", admin.DateFieldListFilter)]
    # The side's commitment is the update's own: the side column shows the party, and the query joins what it shows.
    list_select_related = ["commitment", "side__party", "created_by"]
    search_fields = ["commitment__ref", "commitment__title", "note"]
    inlines = [EvidenceInline]
    # A history of millions of rows: newest first along the index, never counted in full (no date hierarchy
    # either: its year links are a scan of the whole table).
    ordering = ["-created_at", "-id"]
    show_full_result_count = False
    paginator = CappedPaginator
    list_per_page = 50

    @admin.display(description="side", ordering="side__party__code")
    def side_code(self, update: StatusUpdate) -> str:
        return update.side.party.code


# The encoding's references come from fixtures/commitments.toml (commitments.encoding) and change only with it.


@admin.register(CommitmentLink)
class CommitmentLinkAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["source", "kind", "target", "series"]
    list_filter = ["kind"]
    list_select_related = ["source", "target", "series"]
    search_fields = ["source__ref", "target__ref", "series__name"]


class ConditionUseInline(ReadOnlyInline):
    model = CommitmentCondition


@admin.register(Condition)
class ConditionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["label", "partnership", "whole_partnership"]
    list_filter = ["partnership", "whole_partnership"]
    inlines = [ConditionUseInline]


@admin.register(Instrument)
class InstrumentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["short_name", "name", "kind", "partnership"]
    list_filter = ["partnership", "kind"]
    search_fields = ["short_name", "name"]
