"""The numbers behind the dashboards. Each function runs a fixed number of queries, whatever the data size."""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F, Max, Q

from commitments.cadence import URGENCY, DueState, add_months, most_urgent
from commitments.history import SideState, end_of, overall_statuses, side_states
from commitments.models import CommitmentSide, StatusUpdate
from commitments.status import ADVANCEMENT, Status, Strength
from partnership.models import Area, Partnership

# Dashboard order: the most advanced first, "not yet assessed" last.
STATUS_ORDER = list(reversed(ADVANCEMENT))


@dataclass
class Row:
    """One line of the by-area or by-organisation table."""

    key: str
    label: str
    party: str = ""
    commitments: set = field(default_factory=set)
    statuses: Counter = field(default_factory=Counter)
    sides: int = 0
    overdue: int = 0
    stale: int = 0
    days_late: list = field(default_factory=list)
    updates: int = 0
    on_time: int = 0

    @property
    def commitment_count(self) -> int:
        return len(self.commitments)

    @property
    def median_days_late(self):
        return round(statistics.median(self.days_late)) if self.days_late else None

    @property
    def on_time_share(self):
        return round(100 * self.on_time / self.updates) if self.updates else None

    @property
    def late(self) -> int:
        return self.overdue + self.stale


def overview(partnership: Partnership, today: date, *, as_of: date | None = None) -> dict:
    """The overview's figures, now or as they stood at the end of `as_of`."""
    states = side_states(partnership, as_of, today=today)
    day = states[0].day if states else today
    overall = overall_statuses(states)
    commitments = {}
    due_by_commitment = defaultdict(list)
    for state in states:
        commitments.setdefault(state.side.commitment_id, state.commitment)
        due_by_commitment[state.side.commitment_id].append(state.due_state)
    per_side = defaultdict(Counter)
    for state in states:
        per_side[state.side.party.code][state.status] += 1
    strength = {
        s: Counter(overall[pk] for pk, c in commitments.items() if c.strength == s) for s in Strength.values
    }
    areas = list(Area.objects.filter(part__partnership=partnership).order_by("part__position", "position"))
    heat = {area.pk: Counter() for area in areas}
    no_area = Counter()
    for pk, commitment in commitments.items():
        (heat[commitment.paragraph.area_id] if commitment.paragraph.area_id else no_area)[overall[pk]] += 1
    recorded = StatusUpdate.objects.filter(commitment__paragraph__partnership=partnership, created_at__lte=end_of(day))
    latest = {"latest": recorded.aggregate(latest=Max("created_at"))["latest"],
              "illustrative": recorded.filter(illustrative=True).exists()}
    return {
        "day": day,
        "commitment_count": len(commitments),
        "side_count": len(states),
        "overall": Counter(overall.values()),
        "per_side": dict(sorted(per_side.items())),
        "strength": strength,
        "due": Counter(most_urgent(v) for v in due_by_commitment.values()),
        "side_due": Counter(state.due_state for state in states),
        "heat_areas": [(area, heat[area.pk]) for area in areas],
        "heat_no_area": no_area,
        "data_as_of": latest["latest"],
        "illustrative": latest["illustrative"],
    }


def progress_over_time(partnership: Partnership, today: date) -> list[tuple[date, Counter]]:
    """Every side's status at each month's end since adoption, as the tracker showed it then (see
    commitments.history): updates count from when they were recorded; the latest as-of date wins."""
    side_count = CommitmentSide.objects.filter(commitment__paragraph__partnership=partnership).count()
    points, _ = _replay(partnership, side_count, today)
    return points


def _replay(partnership, side_count: int, until: date, checkpoint=None) -> tuple[list, dict]:
    """The month-end pictures from adoption, or on from a checkpoint (the pictures so far and each side's latest
    update then), to `until`."""
    points, current = checkpoint or ([], {})  # current: side -> (as_of, created_at, status)
    updates = StatusUpdate.objects.filter(commitment__paragraph__partnership=partnership)
    if points:
        updates = updates.filter(created_at__gt=end_of(points[-1][0]))
    updates = updates.order_by("created_at", "pk").values_list("side_id", "as_of", "created_at", "status").iterator(chunk_size=5000)
    month_end = _month_end(add_months(points[-1][0].replace(day=1), 1) if points else partnership.adopted_on)
    pending = next(updates, None)
    while True:
        cut = min(month_end, until)
        while pending is not None and pending[2] <= end_of(cut):
            side, as_of, created_at, status = pending
            if side not in current or (as_of, created_at) >= current[side][:2]:
                current[side] = (as_of, created_at, status)
            pending = next(updates, None)
        counts = Counter(entry[2] for entry in current.values())
        counts[Status.NOT_ASSESSED] += side_count - len(current)
        points.append((cut, counts))
        if month_end >= until:
            return points, current
        month_end = _month_end(add_months(month_end.replace(day=1), 1))


def _month_end(day: date) -> date:
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


def breakdown(partnership: Partnership, today: date, *, by: str, as_of: date | None = None) -> list[Row]:
    """Rows by thematic area (`by="area"`) or by owning organisation (`by="owner"`), now or as of a day."""
    states = side_states(partnership, as_of, today=today)
    day = states[0].day if states else today
    past = bool(states) and day < today
    rows: dict[str, Row] = {}
    updates = StatusUpdate.objects.filter(commitment__paragraph__partnership=partnership, created_at__lte=end_of(day))
    if by == "area":
        for area in Area.objects.filter(part__partnership=partnership).select_related("part"):
            rows[area.slug] = Row(key=area.slug, label=area.title)
        for state in states:
            area = state.commitment.paragraph.area
            _count(rows.setdefault(area.slug if area else "", Row(key="", label="General framework and Way Forward")), state)
        grouped = updates.values(key=F("commitment__paragraph__area__slug"))
    else:
        for state in states:
            for owner in state.side.owners.all():
                org = owner.organisation
                _count(rows.setdefault(org.slug, Row(key=org.slug, label=org.name, party=state.side.party.code)), state)
        grouped = updates.values(key=F("side__owners__organisation__slug"))
    if past:
        # Back then: count the history recorded by that day. Now: the counters the status service keeps.
        for row in rows.values():
            row.updates = row.on_time = 0
        for entry in grouped.annotate(n=Count("pk"), on_time=Count("pk", filter=Q(on_time=True))):
            if row := rows.get(entry["key"] or ""):
                row.updates, row.on_time = entry["n"], entry["on_time"]
    result = [row for row in rows.values() if row.sides]
    return sorted(result, key=lambda r: (-r.late, -(r.median_days_late or 0), r.label))


def _count(row: Row, state: SideState) -> None:
    row.commitments.add(state.side.commitment_id)
    row.statuses[state.status] += 1
    row.sides += 1
    if state.due_state == DueState.STALE:
        row.stale += 1
    elif state.due_state == DueState.OVERDUE:
        row.overdue += 1
    if state.is_late:
        row.days_late.append(state.days_late)
    row.updates += state.side.update_count
    row.on_time += state.side.on_time_count


def my_work(user, today: date) -> list[tuple[CommitmentSide, DueState]]:
    """The sides the official's organisation owns, most urgent first, then by due date."""
    sides = (
        CommitmentSide.objects.filter(owners__organisation=user.organisation_id)
        .select_related("party", "commitment__paragraph__area", "commitment__subparagraph")
        .distinct()
    )
    rows = [(side, side.due_state(today)) for side in sides]
    return sorted(rows, key=lambda r: (URGENCY.index(r[1]), r[0].due_on or date.max, r[0].commitment.paragraph.number, r[0].commitment.position))

