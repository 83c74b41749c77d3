"""Reads for the dialogue pages, the calendar and the dashboard; each runs a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from commitments.cadence import CLOSED, open_milestone
from commitments.history import Fact, end_of, facts
from commitments.models import Commitment, CommitmentSide, StatusUpdate
from commitments.status import Status, Verdict, review_disagrees
from agreement.models import Organisation
from dialogues.access import visible_meetings_filter
from dialogues.models import AgendaItem, Assessment, DialogueSeries, FollowUpAction, Meeting, Milestone


def meetings_for(user):
    return Meeting.objects.filter(visible_meetings_filter(user)).distinct()


def meeting_detail(pk: int) -> Meeting:
    return (
        Meeting.objects.select_related("series__partnership", "prepares__series")
        .prefetch_related(
            Prefetch("participants", queryset=Organisation.objects.select_related("party")),
            Prefetch("agenda", queryset=AgendaItem.objects.select_related("commitment__paragraph", "paragraph")),
            "guidance",
            Prefetch("actions", queryset=FollowUpAction.objects.select_related("owner__party", "guidance")),
            Prefetch("prepared_by", queryset=Meeting.objects.select_related("series").prefetch_related("guidance")),
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


@dataclass(frozen=True)
class Reason:
    key: str
    label: str  # what a group of proposals is headed with
    add: str  # its button: "Add every commitment {add}"


# Why the tracker proposes a commitment, most pressing first: a proposal is ranked by its first reason.
REASONS = [
    Reason("overdue", "Update overdue or stale", "whose update is overdue or stale"),
    Reason("at_risk", "At risk or delayed", "at risk or delayed"),
    Reason("disagreement", "Disagreement", "with a disagreement"),
    Reason("changed", "Changed since the last meeting", "changed since the last meeting"),
]
RANK = {reason.key: n for n, reason in enumerate(REASONS)}


@dataclass
class Proposal:
    commitment_id: int
    reference: str
    title: str
    reasons: list[str]  # why, in words, most pressing first
    kinds: list[str]  # the keys of REASONS they come under, most pressing first

    @property
    def reason_text(self) -> str:
        return "; ".join(self.reasons)

    @property
    def rank(self) -> int:
        return RANK[self.kinds[0]]


@dataclass
class ProposalGroup:
    reason: Reason
    proposals: list[Proposal]  # those this is the most pressing reason of
    count: int  # every proposal this is a reason of, here or in a group above

    @property
    def above(self) -> int:
        """Those of its reason listed in a group above, under a more pressing one."""
        return self.count - len(self.proposals)

    @property
    def button(self) -> str:
        return f"Add {'the one' if self.count == 1 else f'all {self.count}'} {self.reason.add}"


def proposal_groups(proposals: list[Proposal]) -> list[ProposalGroup]:
    """The proposals under their most pressing reason, a group per reason that has any."""
    groups = [ProposalGroup(reason, [p for p in proposals if p.kinds[0] == reason.key],
                            sum(reason.key in p.kinds for p in proposals)) for reason in REASONS]
    return [group for group in groups if group.count]


def proposed_agenda(meeting: Meeting, today: date) -> list[Proposal]:
    """Commitments the meeting should look at: a side overdue or stale, at risk or delayed, the two sides (or the
    independent review and the officials) disagreeing, or changed since the series' last held meeting; ranked by
    their most pressing reason, then in the agreement's order. The SDD and its consultations review all
    commitments; other series those of the paragraphs they serve."""
    last = previous_held(meeting)
    return proposals_since(meeting, last.date if last else meeting.series.partnership.adopted_on, today)


def proposals_since(meeting: Meeting, since: date, today: date) -> list[Proposal]:
    """proposed_agenda's proposals, given the day of the series' last meeting."""
    series = meeting.series
    commitments = Commitment.objects.filter(paragraph__partnership=series.partnership_id)
    if not series.monitors_everything:
        commitments = commitments.filter(paragraph__in=series.paragraphs.all())
    # One index seek per commitment (its latest update), however long its history.
    changed = Exists(StatusUpdate.objects.filter(commitment=OuterRef("pk"), created_at__gt=end_of(since)))
    rows = list(
        commitments.exclude(agenda_items__meeting=meeting).annotate(changed=changed)
        .order_by("paragraph__number", "position")
        .values_list("pk", "ref", "title", "paragraph__number", "subparagraph__label", "status", "changed")
    )
    sides = defaultdict(list)
    # The SDD's sides are every side: no list of commitments to send.
    for fact in facts(series.partnership, None, today=today,
                      commitments=None if series.monitors_everything else commitments.values("pk")):
        sides[fact.commitment_id].append(fact)
    verdicts = dict(Assessment.objects.filter(meeting=meeting).order_by().values_list("commitment_id", "verdict"))
    candidates = [Candidate(pk, Commitment.reference_of(number, label, ref), title, overall, changed)
                  for pk, ref, title, number, label, overall, changed in rows]
    return ranked_proposals(candidates, sides, verdicts, since)


@dataclass(frozen=True)
class Candidate:
    """A commitment that might be proposed, in the agreement's order: its overall status now, and whether an update
    was recorded since the series' last meeting."""

    commitment_id: int
    reference: str
    title: str
    overall: str
    changed: bool


def ranked_proposals(candidates: list[Candidate], sides: dict[int, list[Fact]], verdicts: dict[int, str],
                     since: date) -> list[Proposal]:
    """The candidates with a reason to be proposed, ranked by their most pressing one, given their sides' facts now
    and the independent review's verdicts (the briefing pack has read both already)."""
    proposals = []
    for candidate in candidates:
        pk = candidate.commitment_id
        found = _reasons(sides.get(pk, []), verdicts.get(pk), candidate.overall)
        if candidate.changed:
            found.append(("changed", f"changed since {since:%d %b %Y}"))
        if found:
            found.sort(key=lambda reason: RANK[reason[0]])
            proposals.append(Proposal(pk, candidate.reference, candidate.title,
                                      [text for _, text in found], list(dict.fromkeys(key for key, _ in found))))
    return sorted(proposals, key=lambda p: p.rank)  # stable: the agreement's order within a reason


def _reasons(sides: list[Fact], verdict: str | None, overall: str) -> list[tuple[str, str]]:
    """What the sides' state gives as reasons, each (its key in REASONS, in words)."""
    found = []
    for side in sides:
        if side.is_late:
            due = f", due {side.plan.due_on:%d %b %Y}" if side.plan else ""
            found.append(("overdue", f"{side.party} update {side.due_state.label.lower()}{due}"))
        if side.status in {Status.AT_RISK, Status.DELAYED}:
            found.append(("at_risk", f"{side.party} {Status(side.status).label.lower()}"))
    # Two sides that have both reported, with different statuses; a side not yet assessed has not disagreed.
    reported = [side for side in sides if side.status != Status.NOT_ASSESSED]
    if len(reported) > 1 and len({side.status for side in reported}) > 1:
        found.append(("disagreement", "sides disagree: " + ", ".join(
            f"{side.party} {Status(side.status).label.lower()}" for side in reported)))
    if verdict and review_disagrees(verdict, overall):
        found.append(("disagreement", f"independent review: {Verdict(verdict).label.lower()}"))
    return found


@dataclass
class NextMeeting:
    meeting: Meeting
    passed: bool  # its day has passed and it is still recorded as planned: its outcome is to be recorded


def next_planned(user, today: date) -> dict[int, NextMeeting]:
    """Per series, the next planned meeting the user may see; failing one, the latest planned meeting whose day has
    passed, so a series never reads "none planned" while a meeting awaits its outcome."""
    planned = meetings_for(user).filter(status=Meeting.Status.PLANNED).select_related("series")
    found = {}
    for meeting in planned.filter(date__lt=today).order_by("date", "pk"):
        found[meeting.series_id] = NextMeeting(meeting, passed=True)
    for meeting in planned.filter(date__gte=today).order_by("-date", "-pk"):
        found[meeting.series_id] = NextMeeting(meeting, passed=False)
    return found


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
    meeting = (
        Meeting.objects.filter(series__partnership=partnership, series__kind=DialogueSeries.Kind.SDD, assessments__isnull=False)
        .order_by("-date").first()
    )
    if meeting is None:
        return None, [], []
    assessments = list(Assessment.objects.filter(meeting=meeting).select_related("commitment__paragraph", "commitment__subparagraph"))
    return meeting, assessments, [a for a in assessments if review_disagrees(a.verdict, a.commitment.status)]


def milestones_of(meeting: Meeting, day: date) -> list[dict]:
    """The milestones a meeting set and where each stands on `day`, side by side: reported on, open, or overdue."""
    zone = timezone.get_current_timezone()
    set_here = list(meeting.milestones.filter(withdrawn_at=None).select_related(
        "commitment__paragraph", "commitment__subparagraph", "party"))
    sides = CommitmentSide.objects.filter(commitment__in=[m.commitment_id for m in set_here]).values_list(
        "commitment_id", "party__code", "last_update_at", "status")
    by_commitment: dict[int, list] = {}
    for commitment, code, last, status in sides:
        by_commitment.setdefault(commitment, []).append((code, last, status))
    return [{
        "id": m.pk, "commitment": m.commitment_id, "reference": m.commitment.reference, "title": m.commitment.title,
        "side": m.party.code if m.party else "", "due_on": m.due_on.isoformat(), "description": m.description,
        "sides": [{"code": code, "state": _state(m, last, status, day, zone)}
                  for code, last, status in by_commitment.get(m.commitment_id, []) if not m.party or m.party.code == code],
    } for m in set_here]


def _state(milestone: Milestone, last_update_at, status: str, day: date, zone) -> str:
    if open_milestone([(milestone.created_at, milestone.due_on)], last_update_at, zone) is None or status in CLOSED:
        return "reported"
    return "overdue" if day > milestone.due_on else "open"
