"""Reads for the dialogue pages, the calendar and the dashboard; each runs a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch

from commitments.history import Fact, end_of, facts
from commitments.models import Commitment, StatusUpdate
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
        .select_related("series").prefetch_related("guidance", Prefetch("actions", queryset=FollowUpAction.objects.select_related("owner")))
        .order_by("-date")
        .first()
    )


@dataclass
class Proposal:
    commitment_id: int
    reference: str
    title: str
    reasons: list[str]

    @property
    def reason_text(self) -> str:
        return "; ".join(self.reasons)


def proposed_agenda(meeting: Meeting, today: date) -> list[Proposal]:
    """Commitments the meeting should look at: overdue or stale, at risk or delayed on a side, or changed since
    the series' last held meeting. The SDD and its consultations review all commitments; other series those of
    the paragraphs they serve."""
    last = previous_held(meeting)
    return proposals_since(meeting, last.date if last else meeting.series.partnership.adopted_on, today)


def proposals_since(meeting: Meeting, since: date, today: date, now: list[Fact] | None = None) -> list[Proposal]:
    """proposed_agenda's proposals, given the day of the series' last meeting and, when the caller has read them
    already, the sides' facts now."""
    series = meeting.series
    commitments = Commitment.objects.filter(paragraph__partnership=series.partnership_id)
    if not series.monitors_everything:
        commitments = commitments.filter(paragraph__in=series.paragraphs.all())
    # One index seek per commitment (its latest update), however long its history.
    changed = Exists(StatusUpdate.objects.filter(commitment=OuterRef("pk"), created_at__gt=end_of(since)))
    rows = list(
        commitments.exclude(agenda_items__meeting=meeting).annotate(changed=changed)
        .order_by("paragraph__number", "position")
        .values_list("pk", "ref", "title", "paragraph__number", "subparagraph__label", "changed")
    )
    sides = defaultdict(list)
    for fact in now if now is not None else facts(series.partnership, None, today=today, commitments=[row[0] for row in rows]):
        sides[fact.commitment_id].append(fact)
    proposals = []
    for pk, ref, title, number, label, was_changed in rows:
        reasons = []
        for side in sides[pk]:
            if side.is_late:
                reasons.append(f"{side.party} update {side.due_state.label.lower()}")
            if side.status in {Status.AT_RISK, Status.DELAYED}:
                reasons.append(f"{side.party} {Status(side.status).label.lower()}")
        if was_changed:
            reasons.append(f"changed since {since:%d %b %Y}")
        if reasons:
            proposals.append(Proposal(pk, Commitment.reference_of(number, label, ref), title, reasons))
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
