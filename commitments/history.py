"""Progress at any date, read from the append-only history through indexes that fit it, never replayed.

"As of day D" means what the tracker showed at the end of D: among the updates recorded by then, each side's
status is that of the one true as of the latest date (the rule the status service applies). An update recorded
later but back-dated before D is not part of D's picture; it shows from the day it was recorded. Schedules use the
commitment's present cadence and target date, the milestones recorded by then and, for a commitment fulfilled by
meetings, the last meeting held by then.

Each side's state on a past day costs one index seek, whatever the length of its history: its last update recorded
by D, which carries what the status service stored once it was applied (the side's status, its running totals) and
says when it last reported. Today's state is stored on the side itself by the status service.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import NamedTuple

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from commitments.cadence import DueState, Schedule, days_late, due_state, open_milestone, schedule
from commitments.models import Commitment, CommitmentLink, CommitmentSide, StatusUpdate
from commitments.status import Status, least_advanced

LATE = {DueState.OVERDUE, DueState.STALE}


def end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min)) - timedelta(microseconds=1)


def is_past(day: date | None, today: date) -> bool:
    return day is not None and day < today


def _recorded_by(moment: datetime) -> QuerySet[StatusUpdate]:
    """For a side (OuterRef "pk"), its updates recorded by `moment`."""
    return StatusUpdate.objects.filter(side=OuterRef("pk"), created_at__lte=moment)


def _last_recorded_by(moment: datetime) -> QuerySet[StatusUpdate]:
    return _recorded_by(moment).order_by("-created_at", "-pk")


def in_force(day: date) -> QuerySet[StatusUpdate]:
    """For a side (OuterRef "pk"), its updates recorded by the end of `day`, the one in force first."""
    # An update is never true as of a day after it was recorded, so every entry recorded by D is as of D or
    # earlier: saying so lets the as-of index start at D instead of at the side's latest entry.
    return _recorded_by(end_of(day)).filter(as_of__lte=day).order_by("-as_of", "-created_at", "-pk")


def updates_since(partnership, moment: datetime) -> int:
    """How many updates were recorded after `moment`: today's running totals less those of then."""
    then = Coalesce(Subquery(_last_recorded_by(moment).values("side_count_after")[:1]), 0)
    totals = CommitmentSide.objects.filter(commitment__paragraph__partnership=partnership).annotate(
        count_then=then).aggregate(now=Sum("update_count"), then=Sum("count_then"))
    return (totals["now"] or 0) - (totals["then"] or 0)


def as_of(sides: QuerySet, day: date, suffix: str = "") -> QuerySet:
    """The sides annotated with their state at the end of `day`: status_then, recorded_then (the last update
    recorded by then), count_then and on_time_then (the side's running totals then), each name ending in `suffix`
    (to read several days in one query)."""
    last = _last_recorded_by(end_of(day))
    return sides.annotate(**{
        f"status_then{suffix}": Subquery(last.values("side_status_after")[:1]),
        f"recorded_then{suffix}": Subquery(last.values("created_at")[:1]),
        f"count_then{suffix}": Subquery(last.values("side_count_after")[:1]),
        f"on_time_then{suffix}": Subquery(last.values("side_on_time_after")[:1]),
    })


class Lateness:
    """Whether an update is owed on the day, from the schedule then (`plan`) and the day (`day`)."""

    plan: Schedule | None
    day: date

    @cached_property
    def due_state(self) -> DueState:
        # Asked many times a page (lateness, summaries, the template) of a state that does not change once read.
        return due_state(self.plan, self.day)

    @property
    def days_late(self) -> int:
        return days_late(self.plan, self.day)

    @property
    def is_late(self) -> bool:
        return self.due_state in LATE


@dataclass(frozen=True)
class Fact(Lateness):
    """One side of one commitment as it stood on a day: the narrow row that figures are counted from."""

    side_id: int
    commitment_id: int
    party: str
    area_id: int | None
    strength: str
    status: str
    plan: Schedule | None
    updates: int
    on_time: int
    last_recorded: datetime | None
    day: date


FACT_FIELDS = ("pk", "commitment_id", "party__code", "commitment__paragraph__area_id", "commitment__strength",
               "commitment__cadence", "commitment__target_date")


def facts(partnership, day: date | None = None, *, today: date | None = None, commitments=None) -> list[Fact]:
    """Every side's state now (stored by the status service) or at the end of a past `day`, as narrow rows.
    `commitments` (ids) narrows it to some commitments."""
    today = today or timezone.localdate()
    if is_past(day, today):
        return facts_on(partnership, [day], today=today, commitments=commitments)[day]
    rows = _sides(partnership, commitments).values_list(
        *FACT_FIELDS, "status", "due_on", "overdue_on", "stale_on", "update_count", "on_time_count", "last_update_at")
    return [Fact(pk, c, party, area, strength, status, Schedule(due, overdue, stale) if due else None, n, on_time,
                 last, today)
            for pk, c, party, area, strength, _, _, status, due, overdue, stale, n, on_time, last in rows]


def facts_on(partnership, days: list[date], *, today: date | None = None, commitments=None) -> dict[date, list[Fact]]:
    """`facts` at the end of each of several past days, read in one query (and the meetings' part in two)."""
    today = today or timezone.localdate()
    days = sorted(set(days))
    sides = _sides(partnership, commitments)
    for n, day in enumerate(days):
        sides = as_of(sides, day, suffix=f"_{n}")
    per_day = [(f"status_then_{n}", f"recorded_then_{n}", f"count_then_{n}", f"on_time_then_{n}")
               for n in range(len(days))]
    rows = list(sides.values_list(*FACT_FIELDS, *(name for names in per_day for name in names)))
    adopted_on, zone = partnership.adopted_on, timezone.get_current_timezone()
    set_at = _set_at_meetings(partnership, days)
    found = {}
    for n, day in enumerate(days):
        milestones, held = set_at[day]
        result = found[day] = []
        for pk, c, party, area, strength, cadence, target, *then in rows:
            status, recorded, count, on_time = then[4 * n:4 * n + 4]
            status = status or Status.NOT_ASSESSED
            plan = schedule(cadence=cadence, last_update=recorded.astimezone(zone).date() if recorded else None,
                            adopted_on=adopted_on, status=status, target_date=target,
                            milestone=open_milestone(milestones.get((c, party), []) + milestones.get((c, None), []),
                                                     recorded, zone),
                            by_meetings=c in held, last_held=held.get(c))
            result.append(Fact(pk, c, party, area, strength, status, plan, count or 0, on_time or 0, recorded, day))
    return found


class Standing(NamedTuple):
    status: str
    updates: int


def standing_on(partnership, day: date, *, commitments=None) -> dict[int, Standing]:
    """Each side's status and number of updates at the end of a past day, by side id: the part of `facts` that
    needs no schedule (one index seek a side, no milestones or meetings read)."""
    last = _last_recorded_by(end_of(day))
    rows = _sides(partnership, commitments).order_by().annotate(
        status_then=Subquery(last.values("side_status_after")[:1]),
        count_then=Subquery(last.values("side_count_after")[:1]),
    ).values_list("pk", "status_then", "count_then")
    return {pk: Standing(status or Status.NOT_ASSESSED, count or 0) for pk, status, count in rows}


def _sides(partnership, commitments=None) -> QuerySet[CommitmentSide]:
    sides = CommitmentSide.objects.filter(commitment__paragraph__partnership=partnership).order_by(
        "commitment__paragraph__number", "commitment__position", "party__code")
    return sides if commitments is None else sides.filter(commitment__in=commitments)


def _set_at_meetings(partnership, days: list[date]) -> dict[date, tuple[dict, dict]]:
    """For each day, what meetings had set by its end: the milestones recorded by then, by (commitment, party code
    or None for every side), as (set_at, due_on); and for each commitment fulfilled by meetings, the last held by
    then (or None). Both are the dialogues app's, read through their relations to the commitments."""
    latest = end_of(max(days))
    recorded = list(Commitment.objects.filter(paragraph__partnership=partnership, milestones__created_at__lte=latest)
                    .order_by().values_list("pk", "milestones__party__code", "milestones__created_at", "milestones__due_on",
                                 "milestones__withdrawn_at"))
    held = CommitmentLink.objects.filter(
        kind=CommitmentLink.Kind.FULFILLED_BY, source__paragraph__partnership=partnership).order_by().values("source_id")
    held = held.annotate(**{f"last_{n}": Max("series__meetings__date", filter=Q(
        series__meetings__status="held", series__meetings__date__lte=day)) for n, day in enumerate(days)})
    held = list(held.values_list("source_id", *(f"last_{n}" for n in range(len(days)))))
    found = {}
    for n, day in enumerate(days):
        milestones: dict[tuple, list] = {}
        for commitment, party, set_at, due_on, withdrawn_at in recorded:
            if set_at <= end_of(day) and (withdrawn_at is None or withdrawn_at > end_of(day)):
                milestones.setdefault((commitment, party), []).append((set_at, due_on))
        found[day] = milestones, {row[0]: row[1 + n] for row in held}
    return found


def statuses_at(partnership, day: date, *, today: date | None = None) -> dict[int, str]:
    """Each side's status at the end of a day."""
    return {f.side_id: f.status for f in facts(partnership, day, today=today)}


def status_counts(partnership, day: date, *, today: date | None = None) -> Counter:
    """How many sides stood at each status at the end of `day` (now, when `day` is today)."""
    sides = CommitmentSide.objects.filter(commitment__paragraph__partnership=partnership)
    if is_past(day, today or timezone.localdate()):
        sides = as_of(sides, day).annotate(then=Coalesce("status_then", Value(Status.NOT_ASSESSED)))
        return Counter(dict(sides.values_list("then").annotate(n=Count("pk")).order_by()))
    return Counter(dict(sides.values_list("status").annotate(n=Count("pk")).order_by()))


def overall_statuses(rows) -> dict[int, str]:
    """Each commitment's overall status: its less advanced side's."""
    by_commitment: dict[int, list[str]] = {}
    for row in rows:
        by_commitment.setdefault(row.commitment_id, []).append(row.status)
    return {pk: least_advanced(statuses) for pk, statuses in by_commitment.items()}


@dataclass
class SideState(Lateness):
    """One side of one commitment as it stood on a day, with the side itself (for lists that show it)."""

    side: CommitmentSide
    status: str
    plan: Schedule | None
    day: date

    @property
    def commitment(self):
        return self.side.commitment

    @property
    def commitment_id(self) -> int:
        return self.side.commitment_id

    @classmethod
    def now(cls, side: CommitmentSide, today: date) -> "SideState":
        return cls(side, side.status, side.plan, today)


@dataclass
class Change:
    before: Fact
    after: Fact
    side: CommitmentSide | None = None  # loaded only for the changes shown

    @property
    def side_id(self) -> int:
        return self.after.side_id

    @property
    def status_changed(self) -> bool:
        return self.before.status != self.after.status

    @property
    def newly_late(self) -> bool:
        return self.after.is_late and not self.before.is_late

    @property
    def newly_achieved(self) -> bool:
        return self.after.status == Status.ACHIEVED and self.before.status != Status.ACHIEVED

    @property
    def updates(self) -> int:
        return self.after.updates - self.before.updates


@dataclass
class Comparison:
    since: date
    until: date
    changes: list[Change]
    partnership: object

    @property
    def update_count(self) -> int:
        return sum(c.updates for c in self.changes)

    @property
    def status_changes(self) -> list[Change]:
        return [c for c in self.changes if c.status_changed]

    @property
    def newly_late(self) -> list[Change]:
        return [c for c in self.changes if c.newly_late]

    @property
    def newly_achieved(self) -> list[Change]:
        return [c for c in self.changes if c.newly_achieved]

    @property
    def changed(self) -> list[Change]:
        return [c for c in self.changes if c.status_changed or c.newly_late or c.newly_achieved]

    def updates(self) -> QuerySet[StatusUpdate]:
        """The updates recorded in between, oldest first: a queryset, to page or stream."""
        return (
            StatusUpdate.objects.filter(commitment__paragraph__partnership=self.partnership,
                                        created_at__gt=end_of(self.since), created_at__lte=end_of(self.until))
            .select_related("commitment__paragraph", "commitment__subparagraph", "side__party", "created_by")
            .order_by("created_at", "pk")
        )


def compare(partnership, since: date, until: date, *, today: date | None = None) -> Comparison:
    """What changed between the end of `since` and the end of `until`: updates recorded, status changes per side,
    sides newly overdue or stale, sides newly achieved."""
    today = today or timezone.localdate()
    if is_past(until, today):
        found = facts_on(partnership, [since, until], today=today)
        before, after = found[since], found[until]
    else:
        before, after = facts(partnership, since, today=today), facts(partnership, until, today=today)
    before = {f.side_id: f for f in before}
    changes = [Change(before[f.side_id], f) for f in after]
    return Comparison(since, until, changes, partnership)


def with_sides(changes: list[Change]) -> list[Change]:
    """The changes with their sides loaded, to show them (a window of years can change every side)."""
    by_side = {c.side_id: c for c in changes}
    for side in CommitmentSide.objects.filter(pk__in=by_side).select_related(
            "party", "commitment__paragraph", "commitment__subparagraph"):
        by_side[side.pk].side = side
    return changes
