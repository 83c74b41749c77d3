"""The numbers behind the dashboards. Each function runs a fixed number of queries, whatever the data size."""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Max, Q

from commitments.cadence import URGENCY, DueState, add_months, most_urgent
from commitments.models import CommitmentSide, Ownership, StatusUpdate
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


def _sides(partnership: Partnership):
    return list(
        CommitmentSide.objects.filter(commitment__paragraph__partnership=partnership)
        .select_related("party", "commitment__paragraph__area")
        .only(
            "status", "due_on", "overdue_on", "stale_on", "party__code", "party__name", "commitment__id",
            "commitment__status", "commitment__strength", "commitment__paragraph__area__title",
            "commitment__paragraph__area__slug", "commitment__paragraph__number",
        )
    )


def overview(partnership: Partnership, today: date) -> dict:
    sides = _sides(partnership)
    commitments = {}
    for side in sides:
        commitments.setdefault(side.commitment.pk, side.commitment)
    by_commitment = defaultdict(list)
    for side in sides:
        by_commitment[side.commitment.pk].append(side.due_state(today))
    commitment_due = {pk: most_urgent(states) for pk, states in by_commitment.items()}

    overall = Counter(c.status for c in commitments.values())
    per_side = defaultdict(Counter)
    for side in sides:
        per_side[side.party.code][side.status] += 1
    strength = {s: Counter(c.status for c in commitments.values() if c.strength == s) for s in Strength.values}
    due = Counter(commitment_due.values())

    areas = list(Area.objects.filter(part__partnership=partnership).order_by("part__position", "position"))
    heat = {area.pk: Counter() for area in areas}
    no_area = Counter()
    for commitment in commitments.values():
        target = heat.get(commitment.paragraph.area_id, no_area) if commitment.paragraph.area_id else no_area
        target[commitment.status] += 1

    latest = StatusUpdate.objects.filter(commitment__paragraph__partnership=partnership).aggregate(
        latest=Max("created_at"), illustrative=Count("pk", filter=Q(illustrative=True))
    )
    return {
        "commitment_count": len(commitments),
        "side_count": len(sides),
        "overall": overall,
        "per_side": dict(sorted(per_side.items())),
        "strength": strength,
        "due": due,
        "side_due": Counter(side.due_state(today) for side in sides),
        "heat_areas": [(area, heat[area.pk]) for area in areas],
        "heat_no_area": no_area,
        "data_as_of": latest["latest"],
        "illustrative": latest["illustrative"],
    }


def progress_over_time(partnership: Partnership, today: date) -> list[tuple[date, Counter]]:
    """The status of every side at each month's end since adoption, rebuilt from the history by as-of date."""
    side_ids = set(
        CommitmentSide.objects.filter(commitment__paragraph__partnership=partnership).values_list("pk", flat=True)
    )
    updates = (
        StatusUpdate.objects.filter(commitment__paragraph__partnership=partnership)
        .order_by("as_of", "created_at", "pk")
        .values_list("side_id", "as_of", "status")
        .iterator(chunk_size=5000)
    )
    points = []
    month_end = _month_end(partnership.adopted_on)
    current: dict[int, str] = {}
    pending = next(updates, None)
    while True:
        cut = min(month_end, today)
        while pending is not None and pending[1] <= cut:
            current[pending[0]] = pending[2]
            pending = next(updates, None)
        counts = Counter(current.values())
        counts[Status.NOT_ASSESSED] += len(side_ids) - len(current)
        points.append((cut, counts))
        if month_end >= today:
            return points
        month_end = _month_end(add_months(month_end.replace(day=1), 1))


def _month_end(day: date) -> date:
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


def breakdown(partnership: Partnership, today: date, *, by: str) -> list[Row]:
    """Rows by thematic area (`by="area"`) or by owning organisation (`by="owner"`)."""
    rows: dict[str, Row] = {}
    if by == "area":
        for area in Area.objects.filter(part__partnership=partnership).select_related("part"):
            rows[area.slug] = Row(key=area.slug, label=area.title)
        for side in _sides(partnership):
            area = side.commitment.paragraph.area
            row = rows.setdefault(area.slug if area else "", Row(key="", label="General framework and Way Forward"))
            _count(row, side, today)
        updates = (
            StatusUpdate.objects.filter(commitment__paragraph__partnership=partnership)
            .values("commitment__paragraph__area__slug")
            .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)))
        )
        for entry in updates:
            row = rows.get(entry["commitment__paragraph__area__slug"] or "")
            if row:
                row.updates, row.on_time = entry["n"], entry["on_time"]
    else:
        ownerships = Ownership.objects.filter(side__commitment__paragraph__partnership=partnership).select_related(
            "organisation__party", "side__party", "side__commitment__paragraph"
        )
        for ownership in ownerships:
            org = ownership.organisation
            row = rows.setdefault(org.slug, Row(key=org.slug, label=org.name, party=org.party.code))
            _count(row, ownership.side, today)
        updates = (
            StatusUpdate.objects.filter(commitment__paragraph__partnership=partnership)
            .values("side__owners__organisation__slug")
            .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)))
        )
        for entry in updates:
            row = rows.get(entry["side__owners__organisation__slug"])
            if row:
                row.updates, row.on_time = entry["n"], entry["on_time"]
    result = [row for row in rows.values() if row.sides]
    return sorted(result, key=lambda r: (-r.late, -(r.median_days_late or 0), r.label))


def _count(row: Row, side: CommitmentSide, today: date) -> None:
    row.commitments.add(side.commitment_id)
    row.statuses[side.status] += 1
    row.sides += 1
    state = side.due_state(today)
    if state == DueState.STALE:
        row.stale += 1
    elif state == DueState.OVERDUE:
        row.overdue += 1
    if state in {DueState.OVERDUE, DueState.STALE}:
        row.days_late.append(side.days_late(today))


def my_work(user, today: date) -> list[tuple[CommitmentSide, DueState]]:
    """The sides the official's organisation owns, most urgent first, then by due date."""
    sides = (
        CommitmentSide.objects.filter(owners__organisation=user.organisation_id)
        .select_related("party", "commitment__paragraph__area", "commitment__subparagraph")
        .distinct()
    )
    rows = [(side, side.due_state(today)) for side in sides]
    return sorted(rows, key=lambda r: (URGENCY.index(r[1]), r[0].due_on or date.max, r[0].commitment.paragraph.number, r[0].commitment.position))

