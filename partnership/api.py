from rest_framework import serializers, viewsets

from partnership.models import Footnote, Paragraph, SubParagraph


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
    filterset_fields = {"partnership__slug": ["exact"], "number": ["exact"]}
