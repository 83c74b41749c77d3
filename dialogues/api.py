import django_filters
from rest_framework import serializers, viewsets

from agreement.filters import partnership_filter

from dialogues.access import sees_all_meetings, user_may_read_outcome
from dialogues.models import DialogueSeries, FollowUpAction, Meeting
from dialogues.selectors import meetings_for


class SeriesSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    paragraphs = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    participants = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    organisers = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    prepares = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = DialogueSeries
        fields = ["id", "partnership", "slug", "name", "kind", "description", "cadence", "cadence_note", "next_due_on",
                  "paragraphs", "participants", "organisers", "prepares"]


class SeriesFilter(django_filters.FilterSet):
    partnership = partnership_filter("partnership")

    class Meta:
        model = DialogueSeries
        fields = {"kind": ["exact"], "partnership__slug": ["exact"]}


class MeetingFilter(django_filters.FilterSet):
    partnership = partnership_filter("series__partnership")

    class Meta:
        model = Meeting
        fields = {"status": ["exact"], "series__slug": ["exact"], "date": ["gte", "lte"]}


class ActionFilter(django_filters.FilterSet):
    partnership = partnership_filter("meeting__series__partnership")

    class Meta:
        model = FollowUpAction
        fields = {"status": ["exact"], "owner__slug": ["exact"], "due_on": ["gte", "lte"]}


class SeriesViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SeriesSerializer
    queryset = DialogueSeries.objects.select_related("partnership", "prepares").prefetch_related(
        "paragraphs", "participants", "organisers"
    ).order_by("kind", "name")
    filterset_class = SeriesFilter


class ActionSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    guidance = serializers.CharField(source="guidance.text", allow_null=True, default=None)

    class Meta:
        model = FollowUpAction
        fields = ["id", "meeting", "title", "owner", "due_on", "status", "note", "guidance"]


class MeetingSerializer(serializers.ModelSerializer):
    series = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    participants = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    outcome = serializers.SerializerMethodField()
    outcome_withheld = serializers.SerializerMethodField()
    guidance = serializers.SlugRelatedField(slug_field="text", many=True, read_only=True)
    agenda = serializers.SerializerMethodField()
    actions = ActionSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "series", "date", "place", "status", "participants", "prepares", "agenda", "outcome",
                  "outcome_withheld", "marking", "guidance", "actions", "illustrative"]

    def _readable(self, meeting) -> bool:
        return user_may_read_outcome(self.context["request"].user, meeting)

    def get_outcome(self, meeting) -> str | None:
        return meeting.outcome if self._readable(meeting) else None

    def get_outcome_withheld(self, meeting) -> bool:
        return not self._readable(meeting)

    def get_agenda(self, meeting) -> list[dict]:
        return [{"title": i.title, "commitment": i.commitment_id, "reason": i.reason} for i in meeting.agenda.all()]


class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    """The meetings you may see: all for analysts, reviewers and administrators; officials their organisation's."""

    serializer_class = MeetingSerializer
    queryset = Meeting.objects.none()  # the real one depends on the user
    filterset_class = MeetingFilter
    ordering_fields = ["date", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return (
            meetings_for(self.request.user).select_related("series")
            .prefetch_related("participants", "guidance", "agenda", "actions__owner", "actions__guidance")
            .order_by("-date", "pk")
        )


class ActionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ActionSerializer
    queryset = FollowUpAction.objects.none()
    filterset_class = ActionFilter
    ordering_fields = ["due_on", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        actions = FollowUpAction.objects.select_related("owner", "guidance").order_by("due_on", "pk")
        if sees_all_meetings(self.request.user):
            return actions
        return actions.filter(meeting__in=meetings_for(self.request.user).values("pk"))
