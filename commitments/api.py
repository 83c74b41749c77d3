from rest_framework import serializers, viewsets

from commitments.filters import CommitmentFilter
from commitments.models import Commitment, CommitmentSide, Ownership
from commitments.selectors import commitment_list


class OwnerSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.slug")
    name = serializers.CharField(source="organisation.short_name")
    side = serializers.CharField(source="organisation.party.code")

    class Meta:
        model = Ownership
        fields = ["organisation", "name", "side", "role"]


class SideSerializer(serializers.ModelSerializer):
    side = serializers.CharField(source="party.code")
    owners = serializers.SerializerMethodField()

    class Meta:
        model = CommitmentSide
        fields = ["side", "status", "status_as_of", "owners"]

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


class CommitmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Commitments with their status per side and owners; filter as on the commitment list page."""

    serializer_class = CommitmentSerializer
    queryset = commitment_list()
    filterset_class = CommitmentFilter
