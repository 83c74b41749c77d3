from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response

from commitments.access import may_read_note, sensitive_commitment_ids
from commitments.filters import CommitmentFilter, UpdateFilter
from commitments.models import Commitment, CommitmentSide, Marking, StatusUpdate
from commitments.selectors import commitment_history, commitment_list
from commitments.services import Evidence, StaleVersion, commitment_update_status
from commitments.status import Status
from partnership.api_errors import PreconditionFailed, PreconditionRequired, error_response
from partnership.api_pagination import CommitmentHistoryPagination, HistoryPagination


class SideSerializer(serializers.ModelSerializer):
    side = serializers.CharField(source="party.code")
    owners = serializers.SerializerMethodField()

    class Meta:
        model = CommitmentSide
        fields = ["side", "status", "status_as_of", "due_on", "overdue_on", "stale_on", "owners"]

    def get_owners(self, side) -> list[dict]:
        return [{"organisation": o.organisation.slug, "name": o.organisation.short_name, "role": o.role} for o in side.owners.all()]


class CommitmentSerializer(serializers.ModelSerializer):
    partnership = serializers.CharField(source="paragraph.partnership.slug")
    paragraph = serializers.IntegerField(source="paragraph.number")
    subparagraph = serializers.CharField(source="subparagraph.label", allow_null=True, default=None)
    area = serializers.CharField(source="paragraph.area.title", allow_null=True, default=None)
    sides = SideSerializer(many=True)
    owners = serializers.SerializerMethodField()

    class Meta:
        model = Commitment
        fields = [
            "id", "partnership", "ref", "paragraph", "subparagraph", "area", "title", "clause", "strength",
            "cadence", "cadence_note", "target_date", "status", "version", "sides", "owners",
        ]

    def get_owners(self, commitment) -> list[dict]:
        return [
            {"organisation": o.organisation.slug, "name": o.organisation.short_name, "side": side.party.code, "role": o.role}
            for side in commitment.sides.all()
            for o in side.owners.all()
        ]


class EvidenceSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    url = serializers.URLField(max_length=500)


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
        return may_read_note(update, self.context["readable_ids"])

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
    note = serializers.CharField(max_length=5000, allow_blank=True, default="")
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
    queryset = commitment_list()
    filterset_class = CommitmentFilter
    ordering_fields = ["paragraph__number", "ref", "status", "id"]
    extra_error_codes = {"POST": ["412", "428"]}

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = etag(self.get_object())
        return response

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
        parameters=[OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER,
                                     description="The commitment's current ETag (from GET /api/commitments/{id}/).")],
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

