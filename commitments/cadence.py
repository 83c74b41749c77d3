"""When each side's next status update is due, and how late it is. Pure functions of dates: no database, no clock.

A side's update is due one interval after its last update (or after the Partnership's adoption when it has none),
overdue after a grace period, and stale when nothing has come for twice the interval — Healthchecks' period +
grace model. A commitment fulfilled by a dialogue's meetings (12(c): the annual Dialogue takes place) counts its
interval from the last held meeting instead: holding the meeting is what moves it on. Dates set where they are
decided bring the due date forward: a one-off's target date, and a milestone set at a held meeting, due on its day
and overdue the day after until the side reports on it. Achieved and discontinued sides owe nothing more.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from commitments.status import Cadence, Status

# Months between status updates, by cadence.
INTERVAL_MONTHS = {
    Cadence.SIX_MONTHLY: 6,
    Cadence.ANNUAL: 12,
    Cadence.BIENNIAL: 24,
    Cadence.REGULAR: 6,
    Cadence.CONTINUOUS: 6,
    Cadence.AD_HOC: 12,
    Cadence.ONE_OFF: 6,
}
DUE_SOON_DAYS = 14
CLOSED = {Status.ACHIEVED, Status.DISCONTINUED}


class DueState(StrEnum):
    UP_TO_DATE = "up_to_date"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    STALE = "stale"

    @property
    def label(self) -> str:
        return {"up_to_date": "Up to date", "due_soon": "Due soon", "overdue": "Overdue", "stale": "Stale"}[self]


URGENCY = [DueState.STALE, DueState.OVERDUE, DueState.DUE_SOON, DueState.UP_TO_DATE]


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28 or 29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if day.day <= 28:  # every month has the day: no calendar needed (most days; facts compute thousands)
        return date(year, month, day.day)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def grace_days(cadence: str) -> int:
    return 30 if INTERVAL_MONTHS[cadence] >= 12 else 14


@dataclass(frozen=True)
class Schedule:
    due_on: date
    overdue_on: date  # the first day the side counts as overdue
    stale_on: date  # the first day the side counts as stale


def schedule(*, cadence: str, last_update: date | None, adopted_on: date, status: str,
             target_date: date | None = None, milestone: date | None = None, by_meetings: bool = False,
             last_held: date | None = None) -> Schedule | None:
    """The side's schedule, or None when it owes nothing more (achieved or discontinued). `milestone` is the
    side's open milestone (`open_milestone`); `by_meetings` says the commitment is fulfilled by the meetings of a
    series, the last held on `last_held`."""
    # Plain strings look up the enums' sets and keys as they are: no enum is built per call.
    if status in CLOSED:
        return None
    start = (last_held if by_meetings else last_update) or adopted_on
    months = INTERVAL_MONTHS[cadence]
    due_on = add_months(start, months)
    overdue_on = due_on + timedelta(days=grace_days(cadence) + 1)
    stale_on = add_months(start, 2 * months) + timedelta(days=1)
    deadline = min((d for d in (target_date if cadence == Cadence.ONE_OFF else None, milestone) if d), default=None)
    if deadline is not None:
        # Past its deadline and not reported on (or achieved): overdue whatever the updates say.
        overdue_on = min(overdue_on, deadline + timedelta(days=1))
        due_on = min(due_on, deadline)
    return Schedule(due_on=due_on, overdue_on=overdue_on, stale_on=max(stale_on, overdue_on))


def open_milestone(milestones, last_update_at: datetime | None, zone) -> date | None:
    """The earliest milestone a side has not reported on. `milestones` are (set_at, due_on) pairs; a side reports
    on one by an update recorded after it was set and no earlier than two weeks before its day (the update the
    milestone asks for; the latest update answers whichever it can)."""
    def answered(set_at: datetime, due_on: date) -> bool:
        return (last_update_at is not None and last_update_at > set_at
                and last_update_at.astimezone(zone).date() >= due_on - timedelta(days=DUE_SOON_DAYS))
    return min((due_on for set_at, due_on in milestones if not answered(set_at, due_on)), default=None)


def due_state(plan: Schedule | None, today: date) -> DueState:
    if plan is None:
        return DueState.UP_TO_DATE
    if today >= plan.stale_on:
        return DueState.STALE
    if today >= plan.overdue_on:
        return DueState.OVERDUE
    if today >= plan.due_on - timedelta(days=DUE_SOON_DAYS):
        return DueState.DUE_SOON
    return DueState.UP_TO_DATE


def days_late(plan: Schedule | None, today: date) -> int:
    """Days past the due date (0 when not yet due)."""
    return max((today - plan.due_on).days, 0) if plan else 0


def most_urgent(states) -> DueState:
    return min(states, key=URGENCY.index, default=DueState.UP_TO_DATE)
