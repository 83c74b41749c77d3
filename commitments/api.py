from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response

from commitments.access import may_read_note, sensitive_commitment_ids
from commitments.filters import CommitmentFilter, UpdateFilter
from commitments.models import Commitment, CommitmentSide, Marking, Ownership, StatusUpdate
from commitments.selectors import References, commitment_history, commitment_order, references
from commitments.services import (
    EVIDENCE_TITLE_MAX, EVIDENCE_URL_MAX, NOTE_MAX, Evidence, StaleVersion, commitment_update_status,
)
from commitments.status import Cadence, Status, Strength
from common.api_errors import PreconditionFailed, PreconditionRequired, error_response
from common.api_pagination import CommitmentHistoryPagination, HistoryPagination


class OwnerSerializer(serializers.Serializer):
    organisation = serializers.CharField(help_text="The organisation's slug.")
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=Ownership.Role.choices)


class CommitmentOwnerSerializer(OwnerSerializer):
    side = serializers.CharField()


class SideSerializer(serializers.Serializer):
    side = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_as_of = serializers.DateField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    overdue_on = serializers.DateField(allow_null=True)
    stale_on = serializers.DateField(allow_null=True)
    owners = OwnerSerializer(many=True)


class LinkSerializer(serializers.Serializer):
    relation = serializers.ChoiceField(
        choices=["related_to", "depends_on", "needed_by", "reviewed_by", "reviews", "carried_by", "fulfilled_by", "establishes"],
        help_text="As this commitment reads the link: the other end of a depends_on link reads needed_by, of "
                  "reviewed_by reviews.")
    commitment = serializers.IntegerField(allow_null=True, help_text="The other commitment's id (null for a series).")
    ref = serializers.CharField(allow_null=True)
    series = serializers.CharField(allow_null=True, help_text="The dialogue series' slug (null for a commitment).")
    note = serializers.CharField(allow_blank=True)


class ConditionSerializer(serializers.Serializer):
    condition = serializers.CharField(help_text="The condition's slug.")
    label = serializers.CharField()
    words = serializers.CharField(help_text="The text's own words stating it.")
    whole_partnership = serializers.BooleanField(help_text="Whether it governs every commitment (footnote 1).")


class InstrumentSerializer(serializers.Serializer):
    instrument = serializers.CharField(help_text="The instrument's slug.")
    short_name = serializers.CharField()
    name = serializers.CharField()


class MilestoneSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    description = serializers.CharField()
    side = serializers.CharField(allow_null=True, help_text="The side it is set for (null: every side).")
    meeting = serializers.IntegerField(help_text="The held meeting that set it: its source.")
    set_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)


class CommitmentSerializer(serializers.Serializer):
    """The fields say what a commitment looks like (the schema); the rows themselves are read narrow by
    `commitment_rows`, already in this shape: a page of a hundred costs three small queries."""

    id = serializers.IntegerField()
    partnership = serializers.CharField()
    ref = serializers.CharField()
    paragraph = serializers.IntegerField()
    subparagraph = serializers.CharField(allow_null=True)
    area = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    clause = serializers.CharField()
    strength = serializers.ChoiceField(choices=Strength.choices)
    cadence = serializers.ChoiceField(choices=Cadence.choices)
    cadence_note = serializers.CharField(allow_blank=True)
    target_date = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=Status.choices)
    version = serializers.IntegerField()
    sides = SideSerializer(many=True)
    owners = CommitmentOwnerSerializer(many=True)
    lead_reason = serializers.CharField(allow_blank=True, help_text="Why these owners lead, where it is not obvious.")
    links = LinkSerializer(many=True)
    conditions = ConditionSerializer(many=True)
    instruments = InstrumentSerializer(many=True)
    milestones = MilestoneSerializer(many=True, help_text="Dates set at held meetings; an open one may be a side's "
                                     "next due date.")

    def to_representation(self, row: dict) -> dict:
        return row


def commitment_rows(ids: list[int]) -> list[dict]:
    """The commitments of `ids`, in that order, as the API gives them."""
    rows = {}
    for (pk, partnership, ref, number, label, area, title, clause, strength, cadence, note, target, state,
         version, reason) in Commitment.objects.filter(pk__in=ids).values_list(
            "pk", "paragraph__partnership__slug", "ref", "paragraph__number", "subparagraph__label",
            "paragraph__area__title", "title", "clause", "strength", "cadence", "cadence_note", "target_date", "status",
            "version", "lead_reason"):
        rows[pk] = {"id": pk, "partnership": partnership, "ref": ref, "paragraph": number, "subparagraph": label,
                    "area": area, "title": title, "clause": clause, "strength": strength, "cadence": cadence,
                    "cadence_note": note, "target_date": target, "status": state, "version": version, "sides": [],
                    "owners": [], "lead_reason": reason, "milestones": []}
    sides = {}
    for pk, commitment, code, state, as_of, due, overdue, stale in CommitmentSide.objects.filter(
            commitment__in=ids).order_by("commitment", "party__code").values_list(
            "pk", "commitment", "party__code", "status", "status_as_of", "due_on", "overdue_on", "stale_on"):
        sides[pk] = {"side": code, "status": state, "status_as_of": as_of, "due_on": due, "overdue_on": overdue,
                     "stale_on": stale, "owners": []}
        rows[commitment]["sides"].append(sides[pk])
    for side, commitment, code, slug, name, role in Ownership.objects.filter(side__commitment__in=ids).order_by(
            "side__commitment", "side__party__code", "role", "organisation__short_name").values_list(
            "side", "side__commitment", "side__party__code", "organisation__slug", "organisation__short_name", "role"):
        sides[side]["owners"].append({"organisation": slug, "name": name, "role": role})
        rows[commitment]["owners"].append({"organisation": slug, "name": name, "side": code, "role": role})
    for pk, found in references(ids).items():
        rows[pk].update(_references_row(found))
    # The milestones are the dialogues app's, read through their relation to the commitment.
    for pk, due, description, side, meeting, set_at, withdrawn in Commitment.objects.filter(
            pk__in=ids, milestones__isnull=False).order_by("pk", "milestones__due_on", "milestones__pk").values_list(
            "pk", "milestones__due_on", "milestones__description", "milestones__party__code", "milestones__meeting",
            "milestones__created_at", "milestones__withdrawn_at"):
        rows[pk]["milestones"].append({"due_on": due, "description": description, "side": side, "meeting": meeting,
                                       "set_at": set_at, "withdrawn_at": withdrawn})
    return [rows[pk] for pk in ids]


def _references_row(found: References) -> dict:
    return {
        "links": [{"relation": link.relation, "commitment": link.commitment_id, "ref": link.ref,
                   "series": link.series_slug, "note": link.note} for link in found.links],
        "conditions": [{"condition": c.slug, "label": c.label, "words": c.words, "whole_partnership": c.whole_partnership}
                       for c in found.conditions],
        "instruments": [{"instrument": i.slug, "short_name": i.short_name, "name": i.name} for i in found.instruments],
    }


class EvidenceSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=EVIDENCE_TITLE_MAX)
    url = serializers.URLField(max_length=EVIDENCE_URL_MAX)


class StatusUpdateSerializer(serializers.ModelSerializer):
    commitment = serializers.IntegerField(source="commitment_id")
    ref = serializers.CharField(source="commitment.ref")
    side = serializers.CharField(source="side.party.code")
    note = serializers.SerializerMethodField()
    note_withheld = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    corrects = serializers.IntegerField(source="corrects_id", allow_null=True)

    class Meta:
        model = StatusUpdate
        fields = [
            "id", "commitment", "ref", "side", "status", "previous_status", "note", "note_withheld", "evidence",
            "as_of", "marking", "corrects", "created_by", "created_at", "on_time", "illustrative",
        ]

    def _readable(self, update) -> bool:
        return may_read_note(update.marking, update.commitment_id, self.context["readable_ids"])

    def get_note(self, update) -> str | None:
        return update.note if self._readable(update) else None

    def get_note_withheld(self, update) -> bool:
        return not self._readable(update)

    def get_evidence(self, update) -> list[dict]:
        if not self._readable(update):
            return []
        return [{"title": e.title, "url": e.url} for e in update.evidence.all()]


class StatusUpdateInSerializer(serializers.Serializer):
    side = serializers.CharField(max_length=8, help_text="The party code of the side reporting, e.g. EU or UK.")
    status = serializers.ChoiceField(choices=[c for c in Status.choices if c[0] != Status.NOT_ASSESSED])
    note = serializers.CharField(max_length=NOTE_MAX, allow_blank=True, default="")
    as_of = serializers.DateField()
    marking = serializers.ChoiceField(choices=Marking.choices, default=Marking.OFFICIAL)
    evidence = EvidenceSerializer(many=True, default=list, max_length=10)
    corrects = serializers.IntegerField(required=False, allow_null=True, min_value=1)


def etag(commitment: Commitment) -> str:
    return f'"c{commitment.pk}-v{commitment.version}"'


def parse_etag(value: str, commitment: Commitment) -> int | None:
    value = value.strip().removeprefix("W/").strip('"')
    prefix = f"c{commitment.pk}-v"
    return int(value[len(prefix):]) if value.startswith(prefix) and value[len(prefix):].isdigit() else None


@extend_schema_view(
    list=extend_schema(summary="Commitments, filtered as on the commitment list page"),
    retrieve=extend_schema(summary="One commitment; its ETag header is what a status update sends in If-Match"),
)
class CommitmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CommitmentSerializer
    queryset = commitment_order()
    filterset_class = CommitmentFilter
    ordering_fields = ["paragraph__number", "ref", "status", "id"]
    extra_error_codes = {"POST": ["412", "428"]}

    def list(self, request, *args, **kwargs):
        ids = self.filter_queryset(self.get_queryset()).values_list("pk", flat=True)
        page = self.paginate_queryset(ids)
        return self.get_paginated_response(commitment_rows(list(page)))

    def retrieve(self, request, *args, **kwargs):
        commitment = self.get_object()
        return Response(commitment_rows([commitment.pk])[0], headers={"ETag": etag(commitment)})

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "readable_ids": sensitive_commitment_ids(self.request.user)}

    def get_serializer_class(self):
        if self.action == "updates":
            return StatusUpdateSerializer if self.request.method == "GET" else StatusUpdateInSerializer
        return super().get_serializer_class()

    @extend_schema(
        methods=["GET"], summary="The commitment's status history, newest first by the date each is true as of",
        responses=StatusUpdateSerializer(many=True), filters=False,
        parameters=[OpenApiParameter("cursor", OpenApiTypes.STR, description="The page, as the `next` link gives it."),
                    OpenApiParameter("page_size", OpenApiTypes.INT, description="Entries a page (at most 1000).")],
    )
    @extend_schema(
        methods=["POST"],
        summary="Record a status update for one side (same rules as the form)",
        request=StatusUpdateInSerializer,
        responses={201: StatusUpdateSerializer},
        parameters=[OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                                     description="The commitment's current ETag (from GET /api/commitments/{id}/); "
                                                 "without it the answer is 428, with an old one 412.")],
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=CommitmentHistoryPagination)
    def updates(self, request, pk=None):
        commitment = self.get_object()
        if request.method == "GET":
            history = self.paginate_queryset(commitment_history(commitment).select_related("commitment", "created_by"))
            context = self.get_serializer_context()
            return self.get_paginated_response(StatusUpdateSerializer(history, many=True, context=context).data)
        if not request.user.is_official:
            raise ApiPermissionDenied("Only officials of an organisation that owns a side may record its status.")
        if_match = request.headers.get("If-Match")
        if not if_match:
            return error_response(PreconditionRequired())
        expected = parse_etag(if_match, commitment)
        if expected is None or expected != commitment.version:
            response = error_response(PreconditionFailed())
            response["ETag"] = etag(commitment)
            return response
        data = StatusUpdateInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        corrects = None
        if values.get("corrects"):
            corrects = StatusUpdate.objects.filter(pk=values["corrects"], commitment=commitment).first()
            if corrects is None:
                raise ValidationError({"corrects": "No update of this commitment has that id."})
        try:
            update = commitment_update_status(
                commitment=commitment, party_code=values["side"], status=values["status"], note=values["note"],
                as_of=values["as_of"], marking=values["marking"], by=request.user, expected_version=expected,
                evidence=[Evidence(e["title"], e["url"]) for e in values["evidence"]], corrects=corrects,
            )
        except StaleVersion:
            commitment.refresh_from_db()
            response = error_response(PreconditionFailed())
            response["ETag"] = etag(commitment)
            return response
        created = StatusUpdateSerializer(update, context=self.get_serializer_context()).data
        return Response(created, status=status.HTTP_201_CREATED, headers={"ETag": etag(commitment)})


class UpdateViewSet(viewsets.ReadOnlyModelViewSet):
    """The status history of every commitment (OFFICIAL-SENSITIVE notes withheld as on the pages)."""

    serializer_class = StatusUpdateSerializer
    filterset_class = UpdateFilter
    pagination_class = HistoryPagination
    ordering_fields = ["created_at", "as_of", "id"]
    queryset = (
        StatusUpdate.objects.select_related("commitment", "side__party", "created_by")
        .prefetch_related("evidence").order_by("-created_at", "-pk")
    )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "readable_ids": sensitive_commitment_ids(self.request.user)}

