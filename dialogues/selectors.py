"""Reads for the dialogue pages, the calendar and the dashboard; each runs a fixed number of queries."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch

from commitments.cadence import DueState
from commitments.history import end_of
from commitments.models import Commitment, StatusUpdate
from commitments.selectors import sides_prefetch
from commitments.status import Status
from dialogues.access import visible_meetings_filter
from dialogues.models import AgendaItem, DialogueSeries, FollowUpAction, Meeting


def meetings_for(user):
    return Meeting.objects.filter(visible_meetings_filter(user)).distinct()


def meeting_detail(pk: int) -> Meeting:
    return (
        Meeting.objects.select_related("series__partnership", "series__prepares", "prepares__series", "created_by")
        .prefetch_related(
            "participants__party",
            Prefetch("agenda", queryset=AgendaItem.objects.select_related("commitment__paragraph", "paragraph")),
            "guidance__actions__owner",
            Prefetch("actions", queryset=FollowUpAction.objects.select_related("owner__party", "guidance")),
            Prefetch("prepared_by", queryset=Meeting.objects.select_related("series").prefetch_related("guidance", "actions__owner")),
        )
        .get(pk=pk)
    )


def previous_held(meeting: Meeting) -> Meeting | None:
    """The series' last meeting held before this one."""
    return (
        Meeting.objects.filter(series=meeting.series_id, status=Meeting.Status.HELD, date__lt=meeting.date)
        .prefetch_related("guidance", Prefetch("actions", queryset=FollowUpAction.objects.select_related("owner")))
        .order_by("-date")
        .first()
    )


@dataclass
class Proposal:
    commitment: Commitment
    reasons: list[str]

    @property
    def reason_text(self) -> str:
        return "; ".join(self.reasons)


def proposed_agenda(meeting: Meeting, today: date) -> list[Proposal]:
    """Commitments the meeting should look at: overdue or stale, at risk or delayed on a side, or changed since
    the series' last held meeting. The SDD and its consultations review all commitments; other series those of
    the paragraphs they serve."""
    series = meeting.series
    last = previous_held(meeting)
    since = last.date if last else series.partnership.adopted_on
    commitments = Commitment.objects.filter(paragraph__partnership=series.partnership_id)
    if not series.monitors_everything:
        commitments = commitments.filter(paragraph__in=series.paragraphs.all())
    # One index seek per commitment (its latest update), however long its history.
    changed = Exists(StatusUpdate.objects.filter(commitment=OuterRef("pk"), created_at__gt=end_of(since)))
    commitments = (
        commitments.exclude(agenda_items__meeting=meeting)
        .annotate(changed=changed)
        .select_related("paragraph", "subparagraph")
        .prefetch_related(sides_prefetch())
        .order_by("paragraph__number", "position")
    )
    proposals = []
    for commitment in commitments:
        reasons = []
        for side in commitment.sides.all():
            state = side.due_state(today)
            if state in {DueState.OVERDUE, DueState.STALE}:
                reasons.append(f"{side.party.code} update {state.label.lower()}")
            if side.status in {Status.AT_RISK, Status.DELAYED}:
                reasons.append(f"{side.party.code} {Status(side.status).label.lower()}")
        if commitment.changed:
            reasons.append(f"changed since {since:%d %b %Y}")
        if reasons:
            proposals.append(Proposal(commitment, reasons))
    return proposals


def upcoming(partnership, user, today: date, limit: int = 5):
    """The next planned meetings the user may see, and the series due with nothing planned."""
    meetings = (
        meetings_for(user).filter(series__partnership=partnership, status=Meeting.Status.PLANNED, date__gte=today)
        .select_related("series").order_by("date")[:limit]
    )
    unplanned = (
        DialogueSeries.objects.filter(partnership=partnership, next_due_on__isnull=False)
        .exclude(meetings__status=Meeting.Status.PLANNED, meetings__date__gte=today)
        .order_by("next_due_on")[:limit]
    )
    return list(meetings), list(unplanned)



def latest_review(partnership):
    """The latest SDD with independent assessments: (meeting, assessments, those that disagree with self-report)."""
    from commitments.status import review_disagrees
    from dialogues.models import Assessment

    meeting = (
        Meeting.objects.filter(series__partnership=partnership, series__kind=DialogueSeries.Kind.SDD, assessments__isnull=False)
        .order_by("-date").first()
    )
    if meeting is None:
        return None, [], []
    assessments = list(Assessment.objects.filter(meeting=meeting).select_related("commitment__paragraph", "commitment__subparagraph"))
    return meeting, assessments, [a for a in assessments if review_disagrees(a.verdict, a.commitment.status)]
