"""Progress at any date, rebuilt from the append-only history.

"As of day D" means what the tracker showed at the end of D: among the updates recorded by then, each side's
status is that of the one true as of the latest date (the rule the status service applies). An update recorded
later but back-dated before D is not part of D's picture; it shows from the day it was recorded. Schedules use the
commitment's present cadence and target date.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from commitments.cadence import DueState, Schedule, days_late, due_state, schedule
from commitments.models import CommitmentSide, StatusUpdate
from commitments.status import Status, least_advanced

LATE = {DueState.OVERDUE, DueState.STALE}


def end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min)) - timedelta(microseconds=1)


@dataclass
class SideState:
    """One side of one commitment as it stood on a day."""

    side: CommitmentSide
    status: str
    plan: Schedule | None
    day: date

    @property
    def commitment(self):
        return self.side.commitment

    @property
    def due_state(self) -> DueState:
        return due_state(self.plan, self.day)

    @property
    def days_late(self) -> int:
        return days_late(self.plan, self.day)

    @property
    def is_late(self) -> bool:
        return self.due_state in LATE


def _sides(partnership):
    return (
        CommitmentSide.objects.filter(commitment__paragraph__partnership=partnership)
        .select_related("party", "commitment__paragraph__area", "commitment__paragraph__partnership", "commitment__subparagraph")
        .prefetch_related("owners__organisation")
        .order_by("commitment__paragraph__number", "commitment__position", "party__code")
    )


def side_states(partnership, day: date | None = None, *, today: date | None = None) -> list[SideState]:
    """Every side's state now (from the stored status and schedule) or as it stood at the end of `day`."""
    today = today or timezone.localdate()
    if day is None or day >= today:
        return [SideState(side, side.status, side.plan, today) for side in _sides(partnership)]
    seen = StatusUpdate.objects.filter(side=OuterRef("pk"), created_at__lte=end_of(day))
    sides = _sides(partnership).annotate(
        status_then=Subquery(seen.order_by("-as_of", "-created_at", "-pk").values("status")[:1]),
        recorded_then=Subquery(seen.order_by("-created_at", "-pk").values("created_at")[:1]),
    )
    states = []
    for side in sides:
        status = side.status_then or Status.NOT_ASSESSED
        plan = schedule(
            cadence=side.commitment.cadence,
            last_update=timezone.localdate(side.recorded_then) if side.recorded_then else None,
            adopted_on=side.commitment.paragraph.partnership.adopted_on,
            status=status,
            target_date=side.commitment.target_date,
        )
        states.append(SideState(side, status, plan, day))
    return states


def statuses_at(partnership, day: date, *, today: date | None = None) -> dict[int, str]:
    """Each side's status at the end of a day."""
    return {s.side.pk: s.status for s in side_states(partnership, day, today=today)}


def overall_statuses(states: list[SideState]) -> dict[int, str]:
    """Each commitment's overall status: its less advanced side's."""
    by_commitment: dict[int, list[str]] = {}
    for state in states:
        by_commitment.setdefault(state.side.commitment_id, []).append(state.status)
    return {pk: least_advanced(statuses) for pk, statuses in by_commitment.items()}


@dataclass
class Change:
    state_before: SideState
    state_after: SideState

    @property
    def side(self):
        return self.state_after.side

    @property
    def status_changed(self) -> bool:
        return self.state_before.status != self.state_after.status

    @property
    def newly_late(self) -> bool:
        return self.state_after.is_late and not self.state_before.is_late

    @property
    def newly_achieved(self) -> bool:
        return self.state_after.status == Status.ACHIEVED and self.state_before.status != Status.ACHIEVED


@dataclass
class Comparison:
    since: date
    until: date
    changes: list[Change]
    updates: list[StatusUpdate]

    @property
    def status_changes(self):
        return [c for c in self.changes if c.status_changed]

    @property
    def newly_late(self):
        return [c for c in self.changes if c.newly_late]

    @property
    def newly_achieved(self):
        return [c for c in self.changes if c.newly_achieved]

    @property
    def counts_before(self) -> Counter:
        return Counter(c.state_before.status for c in self.changes)

    @property
    def counts_after(self) -> Counter:
        return Counter(c.state_after.status for c in self.changes)


def compare(partnership, since: date, until: date, *, today: date | None = None) -> Comparison:
    """What changed between the end of `since` and the end of `until`: updates recorded, status changes per side,
    sides newly overdue or stale, sides newly achieved."""
    before = {s.side.pk: s for s in side_states(partnership, since, today=today)}
    after = side_states(partnership, until, today=today)
    changes = [Change(before[s.side.pk], s) for s in after]
    updates = list(
        updates_between(partnership, since, until)
        .select_related("commitment__paragraph", "commitment__subparagraph", "side__party", "created_by")
    )
    return Comparison(since, until, changes, updates)


def updates_between(partnership, since: date, until: date):
    """The updates recorded after the end of `since` and by the end of `until`, oldest first."""
    return StatusUpdate.objects.filter(
        commitment__paragraph__partnership=partnership, created_at__gt=end_of(since), created_at__lte=end_of(until)
    ).order_by("created_at", "pk")
