"""The numbers behind the dashboards and reports. They are counted from one narrow row per side, now or as of a
past day (commitments.history), and from the stored month-ends (commitments.month_ends): the cost follows the
number of sides, never the length of the history, and each function runs a fixed number of queries."""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.urls import reverse

from commitments import history, month_ends
from commitments.cadence import URGENCY, DueState, Schedule, due_state, most_urgent
from commitments.history import Fact, end_of, overall_statuses
from commitments.models import Commitment, CommitmentSide, Ownership, StatusUpdate
from commitments.status import ADVANCEMENT, Status, Strength
from agreement.models import Area, Organisation, Partnership

# Dashboard order: the most advanced first, "not yet assessed" last.
STATUS_ORDER = list(reversed(ADVANCEMENT))
NO_AREA = "General framework and Way Forward"
ALL_MONTHS, MONTHLY = 36, 24  # progress over time: every month-end up to three years, then two years monthly


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

    def count(self, fact: Fact) -> None:
        self.commitments.add(fact.commitment_id)
        self.statuses[fact.status] += 1
        self.sides += 1
        if fact.due_state == DueState.STALE:
            self.stale += 1
        elif fact.due_state == DueState.OVERDUE:
            self.overdue += 1
        if fact.is_late:
            self.days_late.append(fact.days_late)
        self.updates += fact.updates
        self.on_time += fact.on_time


def overview(partnership: Partnership, today: date, *, as_of: date | None = None, facts=None) -> dict:
    """The overview's figures, now or as they stood at the end of `as_of`."""
    facts = facts if facts is not None else history.facts(partnership, as_of, today=today)
    day = facts[0].day if facts else today
    overall = overall_statuses(facts)
    first_side = {}  # commitment -> a fact of it, for what the commitment itself carries (strength, area)
    due_by_commitment, per_side = defaultdict(list), defaultdict(Counter)
    for fact in facts:
        first_side.setdefault(fact.commitment_id, fact)
        due_by_commitment[fact.commitment_id].append(fact.due_state)
        per_side[fact.party][fact.status] += 1
    strength = {s: Counter(overall[pk] for pk, f in first_side.items() if f.strength == s) for s in Strength.values}
    areas = list(Area.objects.filter(part__partnership=partnership).order_by("part__position", "position"))
    heat, no_area = {area.pk: Counter() for area in areas}, Counter()
    for pk, fact in first_side.items():
        (heat[fact.area_id] if fact.area_id else no_area)[overall[pk]] += 1
    demo = StatusUpdate.objects.filter(illustrative=True, commitment__paragraph__partnership=partnership,
                                       created_at__lte=end_of(day))
    return {
        "day": day,
        "commitment_count": len(first_side),
        "side_count": len(facts),
        "overall": Counter(overall.values()),
        "per_side": dict(sorted(per_side.items())),
        "strength": strength,
        "due": Counter(most_urgent(v) for v in due_by_commitment.values()),
        "side_due": Counter(fact.due_state for fact in facts),
        "heat_areas": [(area, heat[area.pk]) for area in areas],
        "heat_no_area": no_area,
        "data_as_of": data_as_of(facts),
        "illustrative": demo.exists(),
    }


def data_as_of(facts: list[Fact]):
    """When the last update among these sides was recorded (None before the first)."""
    return max((f.last_recorded for f in facts if f.last_recorded), default=None)


def progress_over_time(partnership: Partnership, today: date) -> list[tuple[date, Counter]]:
    """Every side's status at the end of each checkpoint since adoption (`checkpoints`), as the tracker showed it
    then, and today's.

    Closed months come from their stored pictures; a month not stored yet (the day after it ended, or while the
    daily task has not run) is read from the history as of its last day, one query for the month."""
    side_count = CommitmentSide.objects.filter(commitment__paragraph__partnership=partnership).count()
    days = checkpoints(partnership.adopted_on, today)
    stored = month_ends.stored(partnership, days)
    points = [(day, stored[day] if day in stored else history.status_counts(partnership, day, today=today))
              for day in days]
    points.append((today, history.status_counts(partnership, today, today=today)))
    for _, counts in points:
        counts[Status.NOT_ASSESSED] += side_count - sum(counts.values())
    return points


def checkpoints(adopted_on: date, today: date) -> list[date]:
    """The month-ends before today: all of them for the first three years; after that the last two years' month
    by month and, before them, the first month's end and each year's end (a chart of 120 columns says less)."""
    days, day = [], month_ends.month_end(adopted_on)
    while day < today:
        days.append(day)
        day = month_ends.next_month_end(day)
    if len(days) <= ALL_MONTHS:
        return days
    earlier = days[:-MONTHLY]
    return [earlier[0], *(d for d in earlier[1:] if d.month == 12), *days[-MONTHLY:]]


def breakdown(partnership: Partnership, today: date, *, by: str, as_of: date | None = None, facts=None) -> list[Row]:
    """Rows by thematic area (`by="area"`) or by owning organisation (`by="owner"`), now or as of a day."""
    facts = facts if facts is not None else history.facts(partnership, as_of, today=today)
    rows = _area_rows(partnership, facts) if by == "area" else _owner_rows(partnership, facts)
    result = [row for row in rows if row.sides]
    return sorted(result, key=lambda r: (-r.late, -(r.median_days_late or 0), r.label))


def _area_rows(partnership, facts) -> list[Row]:
    rows = {area.pk: Row(key=area.slug, label=area.title)
            for area in Area.objects.filter(part__partnership=partnership).order_by("part__position", "position")}
    rows[None] = Row(key="", label=NO_AREA)
    for fact in facts:
        rows[fact.area_id].count(fact)
    return list(rows.values())


def _owner_rows(partnership, facts) -> list[Row]:
    owners = defaultdict(list)
    for side_id, organisation_id in Ownership.objects.filter(
            side__commitment__paragraph__partnership=partnership).order_by().values_list("side_id", "organisation_id"):
        owners[side_id].append(organisation_id)
    organisations = Organisation.objects.filter(pk__in={o for ids in owners.values() for o in ids}).values_list(
        "pk", "slug", "name", "party__code")
    rows = {pk: Row(key=slug, label=name, party=party) for pk, slug, name, party in organisations}
    for fact in facts:
        for organisation_id in owners[fact.side_id]:
            rows[organisation_id].count(fact)
    return list(rows.values())


@dataclass(frozen=True)
class Owed:
    """A side the official's organisation owns, as "my work" lists it (a narrow row)."""

    commitment_id: int
    party: str
    reference: str
    title: str
    area: str | None
    status: str
    plan: Schedule | None
    url: str
    update_url: str
    document_order: tuple[int, int] = (0, 0)  # its paragraph's number and its position in it

    @property
    def due_on(self) -> date | None:
        return self.plan.due_on if self.plan else None


def my_work(user, today: date, partnership: Partnership) -> list[tuple[Owed, DueState]]:
    """The sides of the partnership the official's organisation owns, most urgent first, then by due date."""
    sides = CommitmentSide.objects.filter(
        owners__organisation=user.organisation_id, commitment__paragraph__partnership=partnership).values_list(
        "commitment", "party__code", "commitment__ref", "commitment__title", "commitment__paragraph__number",
        "commitment__subparagraph__label", "commitment__paragraph__area__title", "commitment__position", "status",
        "due_on", "overdue_on", "stale_on")
    rows = []
    for pk, party, ref, title, number, label, area, position, status, due, overdue, stale in sides:
        plan = Schedule(due, overdue, stale) if due else None
        owed = Owed(pk, party, Commitment.reference_of(number, label, ref), title, area, status, plan,
                    reverse("commitments:detail", args=[pk]), reverse("commitments:update", args=[pk, party]),
                    (number, position))
        rows.append(((URGENCY.index(due_state(plan, today)), due or date.max, number, position), owed))
    rows.sort(key=lambda row: row[0])
    return [(owed, due_state(owed.plan, today)) for _, owed in rows]


def owed_elsewhere(user, partnership: Partnership) -> list[tuple[str, str, int]]:
    """The other partnerships in which the official's organisation owns sides: (slug, short title, sides), one
    grouped query. An EU body owns work in several partnerships; "my work" shows one at a time and names the rest."""
    return list(
        CommitmentSide.objects.filter(owners__organisation=user.organisation_id)
        .exclude(commitment__paragraph__partnership=partnership)
        .values_list("commitment__paragraph__partnership__slug", "commitment__paragraph__partnership__short_title")
        .annotate(sides=Count("pk")).order_by("commitment__paragraph__partnership__adopted_on",
                                              "commitment__paragraph__partnership__slug")
    )
