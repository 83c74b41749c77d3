"""The portfolio: every partnership on one line, for the EEAS desk that follows them all.

For each partnership: its commitments, the share on track, how many are overdue, its next dialogue and its last
Security and Defence Dialogue held. Everything is counted in SQL, in three queries whatever the number of
partnerships: the partnerships with their figures (one subquery per figure), their parties, and the meetings named."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from agreement.models import Partnership
from commitments.models import Commitment, CommitmentSide
from commitments.status import ADVANCEMENT, SELF_ON_TRACK
from dialogues.access import visible_meetings_filter
from dialogues.models import DialogueSeries, Meeting

# "On track": the overall statuses an independent review reads as on track (commitments.status), so the portfolio,
# the review and the pack agree on what the words mean.
ON_TRACK = [status for status in ADVANCEMENT if status in SELF_ON_TRACK]


@dataclass
class PortfolioRow:
    partnership: Partnership
    commitments: int
    on_track: int
    overdue: int  # commitments with a side whose update is overdue or stale
    next_meeting: Meeting | None  # the next planned meeting of any of its series
    next_due_on: date | None  # failing one, when its first series is due to meet
    last_sdd: Meeting | None  # its last Security and Defence Dialogue held

    @property
    def on_track_share(self) -> int | None:
        """Per cent of its commitments, rounded; None without commitments."""
        return round(100 * self.on_track / self.commitments) if self.commitments else None


def _count(commitments) -> Coalesce:
    """How many of `commitments` (filtered on OuterRef("pk"), the partnership) there are, as a subquery."""
    counted = commitments.order_by().values("paragraph__partnership").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def portfolio(user, today: date) -> list[PortfolioRow]:
    """Every partnership in order of adoption, with its figures today and the meetings `user` may see."""
    commitments = Commitment.objects.filter(paragraph__partnership=OuterRef("pk"))
    late = Exists(CommitmentSide.objects.filter(commitment=OuterRef("pk"), overdue_on__lte=today))
    meetings = Meeting.objects.filter(visible_meetings_filter(user), series__partnership=OuterRef("pk"))
    planned = meetings.filter(status=Meeting.Status.PLANNED, date__gte=today).order_by("date", "pk")
    held = meetings.filter(series__kind=DialogueSeries.Kind.SDD, status=Meeting.Status.HELD, date__lte=today)
    due = DialogueSeries.objects.filter(partnership=OuterRef("pk"), next_due_on__isnull=False).order_by("next_due_on")
    partnerships = list(
        Partnership.objects.prefetch_related("parties").order_by("adopted_on", "slug").annotate(
            commitment_count=_count(commitments),
            on_track_count=_count(commitments.filter(status__in=ON_TRACK)),
            overdue_count=_count(commitments.filter(late)),
            next_meeting_id=Subquery(planned.values("pk")[:1]),
            last_sdd_id=Subquery(held.order_by("-date", "-pk").values("pk")[:1]),
            next_due=Subquery(due.values("next_due_on")[:1]),
        )
    )
    named = {p.next_meeting_id for p in partnerships} | {p.last_sdd_id for p in partnerships}
    found = Meeting.objects.select_related("series").in_bulk(named - {None})
    return [
        PortfolioRow(p, p.commitment_count, p.on_track_count, p.overdue_count, found.get(p.next_meeting_id),
                     None if p.next_meeting_id else p.next_due, found.get(p.last_sdd_id))
        for p in partnerships
    ]
