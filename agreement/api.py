from rest_framework import serializers, viewsets

from agreement.filters import AreaFilter, OrganisationFilter, ParagraphFilter, PartFilter
from agreement.models import Area, Footnote, Organisation, Paragraph, Part, Partnership, SubParagraph


class PartnershipSerializer(serializers.ModelSerializer):
    parties = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Partnership
        fields = ["id", "slug", "title", "short_title", "parties", "adopted_on", "place"]


class PartnershipViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PartnershipSerializer
    queryset = Partnership.objects.prefetch_related("parties").order_by("adopted_on", "slug")
    ordering_fields = ["adopted_on", "slug"]


class AreaSerializer(serializers.ModelSerializer):
    part = serializers.CharField(source="part.title", read_only=True)
    partnership = serializers.CharField(source="part.partnership.slug", read_only=True)

    class Meta:
        model = Area
        fields = ["id", "partnership", "part", "position", "slug", "title"]


class PartSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    areas = serializers.SlugRelatedField(slug_field="title", many=True, read_only=True)

    class Meta:
        model = Part
        fields = ["id", "partnership", "position", "title", "has_heading", "areas"]


class PartViewSet(viewsets.ReadOnlyModelViewSet):
    """The parts of each partnership, with the titles of their thematic areas."""

    serializer_class = PartSerializer
    queryset = Part.objects.select_related("partnership").prefetch_related("areas").order_by("partnership__adopted_on", "position")
    filterset_class = PartFilter


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AreaSerializer
    queryset = Area.objects.select_related("part__partnership").order_by("part__partnership__adopted_on", "part__position", "position")
    filterset_class = AreaFilter


class SubParagraphSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubParagraph
        fields = ["label", "text"]


class FootnoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Footnote
        fields = ["marker", "text"]


class ParagraphSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    part = serializers.CharField(source="part.title", read_only=True)
    area = serializers.CharField(source="area.title", read_only=True, allow_null=True, default=None)
    subparagraphs = SubParagraphSerializer(many=True, read_only=True)
    footnotes = FootnoteSerializer(many=True, read_only=True)

    class Meta:
        model = Paragraph
        fields = ["id", "partnership", "number", "part", "area", "text", "subparagraphs", "footnotes"]


class ParagraphViewSet(viewsets.ReadOnlyModelViewSet):
    """Every paragraph of every partnership, in document order."""

    serializer_class = ParagraphSerializer
    queryset = (
        Paragraph.objects.select_related("partnership", "part", "area")
        .prefetch_related("subparagraphs", "footnotes")
        .order_by("partnership__adopted_on", "partnership__slug", "number")
    )
    filterset_class = ParagraphFilter
    ordering_fields = ["number"]


class OrganisationSerializer(serializers.ModelSerializer):
    side = serializers.CharField(source="party.code", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Organisation
        fields = ["id", "slug", "short_name", "name", "side", "parent"]


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.select_related("party", "parent").order_by("party__code", "short_name")
    filterset_class = OrganisationFilter
