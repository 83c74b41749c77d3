"""When a side's next status update is due, and how late it is: the cadence rules, date by date.

Every expected date in these tables was worked out by hand from the documented rules, never with the code under
test:

- the next update is due one interval after the last update (after adoption, 19 May 2025, when there is none);
- overdue from the day after due + grace (14 days under a 12-month interval, 30 days otherwise);
- stale from the day after twice the interval has passed since the last update;
- due soon from 14 days before the due date;
- a one-off with a target date is due no later than the target and overdue from the day after it;
- achieved and discontinued sides owe nothing (no schedule: up to date);
- month arithmetic clamps to the month's end (31 Jan + 1 month = 28 Feb, or 29 Feb in a leap year).
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from commitments.cadence import (
    DUE_SOON_DAYS,
    INTERVAL_MONTHS,
    DueState,
    Schedule,
    add_months,
    days_late,
    due_state,
    grace_days,
    most_urgent,
    schedule,
)
from commitments.status import Cadence, Status

ADOPTED = date(2025, 5, 19)  # London summit: the Partnership's adoption
OPEN = Status.IN_PROGRESS

UP_TO_DATE, DUE_SOON, OVERDUE, STALE = DueState.UP_TO_DATE, DueState.DUE_SOON, DueState.OVERDUE, DueState.STALE


def plan_for(cadence, last_update=None, *, status=OPEN, target_date=None):
    return schedule(cadence=cadence, last_update=last_update, adopted_on=ADOPTED, status=status,
                    target_date=target_date)


# --- constants ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "months", "grace"),
    [
        pytest.param(Cadence.SIX_MONTHLY, 6, 14, id="six-monthly"),
        pytest.param(Cadence.ANNUAL, 12, 30, id="annual"),
        pytest.param(Cadence.BIENNIAL, 24, 30, id="biennial"),
        pytest.param(Cadence.REGULAR, 6, 14, id="regular"),
        pytest.param(Cadence.CONTINUOUS, 6, 14, id="continuous"),
        pytest.param(Cadence.AD_HOC, 12, 30, id="ad-hoc"),
        pytest.param(Cadence.ONE_OFF, 6, 14, id="one-off"),
    ],
)
def test_interval_and_grace_by_cadence(cadence, months, grace):
    assert INTERVAL_MONTHS[cadence] == months
    assert grace_days(cadence) == grace
    assert grace_days(cadence.value) == grace  # the stored string works as well as the enum


def test_every_cadence_has_an_interval_and_due_soon_is_two_weeks():
    assert set(INTERVAL_MONTHS) == set(Cadence)
    assert DUE_SOON_DAYS == 14


@pytest.mark.parametrize(
    ("state", "label"),
    [
        pytest.param(UP_TO_DATE, "Up to date", id="up-to-date"),
        pytest.param(DUE_SOON, "Due soon", id="due-soon"),
        pytest.param(OVERDUE, "Overdue", id="overdue"),
        pytest.param(STALE, "Stale", id="stale"),
    ],
)
def test_due_state_labels(state, label):
    assert state.label == label


# --- add_months -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        pytest.param(date(2024, 1, 31), 1, date(2024, 2, 29), id="31-jan-2024+1=29-feb-leap"),
        pytest.param(date(2025, 1, 31), 1, date(2025, 2, 28), id="31-jan-2025+1=28-feb"),
        pytest.param(date(2024, 2, 29), 12, date(2025, 2, 28), id="29-feb-2024+12=28-feb-2025"),
        pytest.param(date(2024, 2, 29), 24, date(2026, 2, 28), id="29-feb-2024+24=28-feb-2026"),
        pytest.param(date(2024, 2, 29), 48, date(2028, 2, 29), id="29-feb-2024+48=29-feb-2028"),
        pytest.param(date(2025, 8, 31), 6, date(2026, 2, 28), id="31-aug-2025+6=28-feb-2026"),
        pytest.param(date(2027, 8, 31), 6, date(2028, 2, 29), id="31-aug-2027+6=29-feb-2028-leap"),
        pytest.param(date(2025, 11, 30), 3, date(2026, 2, 28), id="30-nov-2025+3=28-feb-2026"),
        pytest.param(date(2027, 11, 30), 3, date(2028, 2, 29), id="30-nov-2027+3=29-feb-2028-leap"),
        pytest.param(date(2025, 3, 31), 1, date(2025, 4, 30), id="31-mar+1=30-apr"),
        pytest.param(date(2025, 5, 31), 6, date(2025, 11, 30), id="31-may+6=30-nov"),
        pytest.param(date(2025, 10, 31), 4, date(2026, 2, 28), id="31-oct+4-crosses-year-to-feb"),
        pytest.param(date(2025, 12, 15), 1, date(2026, 1, 15), id="december+1=next-january"),
        pytest.param(date(2025, 12, 31), 2, date(2026, 2, 28), id="31-dec+2=28-feb-next-year"),
        pytest.param(date(2025, 12, 31), 12, date(2026, 12, 31), id="31-dec+12=31-dec-next-year"),
        pytest.param(date(2025, 7, 1), 6, date(2026, 1, 1), id="july+6=january-next-year"),
        pytest.param(date(2025, 5, 19), 24, date(2027, 5, 19), id="adoption+24"),
        pytest.param(date(2025, 12, 31), 24, date(2027, 12, 31), id="31-dec+24"),
        pytest.param(date(2025, 5, 19), 0, date(2025, 5, 19), id="plus-nothing"),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


# --- schedule -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "last_update", "due_on", "overdue_on", "stale_on"),
    [
        # From adoption, 19 May 2025.
        pytest.param(Cadence.SIX_MONTHLY, None,
                     date(2025, 11, 19), date(2025, 12, 4), date(2026, 5, 20), id="six-monthly-from-adoption"),
        pytest.param(Cadence.REGULAR, None,
                     date(2025, 11, 19), date(2025, 12, 4), date(2026, 5, 20), id="regular-from-adoption"),
        pytest.param(Cadence.CONTINUOUS, None,
                     date(2025, 11, 19), date(2025, 12, 4), date(2026, 5, 20), id="continuous-from-adoption"),
        pytest.param(Cadence.ONE_OFF, None,
                     date(2025, 11, 19), date(2025, 12, 4), date(2026, 5, 20), id="one-off-no-target-from-adoption"),
        pytest.param(Cadence.ANNUAL, None,
                     date(2026, 5, 19), date(2026, 6, 19), date(2027, 5, 20), id="annual-from-adoption"),
        pytest.param(Cadence.AD_HOC, None,
                     date(2026, 5, 19), date(2026, 6, 19), date(2027, 5, 20), id="ad-hoc-from-adoption"),
        pytest.param(Cadence.BIENNIAL, None,
                     date(2027, 5, 19), date(2027, 6, 19), date(2029, 5, 20), id="biennial-from-adoption"),
        # From a last update.
        pytest.param(Cadence.SIX_MONTHLY, date(2026, 3, 10),
                     date(2026, 9, 10), date(2026, 9, 25), date(2027, 3, 11), id="six-monthly-from-10-mar-2026"),
        pytest.param(Cadence.REGULAR, date(2025, 8, 31),
                     date(2026, 2, 28), date(2026, 3, 15), date(2026, 9, 1), id="regular-from-31-aug-2025"),
        pytest.param(Cadence.CONTINUOUS, date(2026, 1, 1),
                     date(2026, 7, 1), date(2026, 7, 16), date(2027, 1, 2), id="continuous-from-1-jan-2026"),
        pytest.param(Cadence.ONE_OFF, date(2025, 11, 30),
                     date(2026, 5, 30), date(2026, 6, 14), date(2026, 12, 1), id="one-off-no-target-from-30-nov-2025"),
        pytest.param(Cadence.ANNUAL, date(2026, 1, 31),
                     date(2027, 1, 31), date(2027, 3, 3), date(2028, 2, 1), id="annual-from-31-jan-2026"),
        pytest.param(Cadence.ANNUAL, date(2024, 2, 29),
                     date(2025, 2, 28), date(2025, 3, 31), date(2026, 3, 1), id="annual-from-leap-day"),
        pytest.param(Cadence.AD_HOC, date(2025, 12, 15),
                     date(2026, 12, 15), date(2027, 1, 15), date(2027, 12, 16), id="ad-hoc-from-15-dec-2025"),
        pytest.param(Cadence.BIENNIAL, date(2024, 2, 29),
                     date(2026, 2, 28), date(2026, 3, 31), date(2028, 3, 1), id="biennial-from-leap-day"),
        pytest.param(Cadence.SIX_MONTHLY, date(2027, 8, 31),
                     date(2028, 2, 29), date(2028, 3, 15), date(2028, 9, 1), id="six-monthly-from-31-aug-2027-leap"),
    ],
)
def test_schedule_dates(cadence, last_update, due_on, overdue_on, stale_on):
    assert plan_for(cadence, last_update) == Schedule(due_on=due_on, overdue_on=overdue_on, stale_on=stale_on)


def test_schedule_takes_the_stored_strings():
    plan = schedule(cadence="six_monthly", last_update=None, adopted_on=ADOPTED, status="on_track")
    assert plan == Schedule(due_on=date(2025, 11, 19), overdue_on=date(2025, 12, 4), stale_on=date(2026, 5, 20))


@pytest.mark.parametrize(
    ("last_update", "target_date", "due_on", "overdue_on", "stale_on"),
    [
        # Normal six-monthly dates from adoption: due 19 Nov 2025, overdue 4 Dec 2025, stale 20 May 2026.
        pytest.param(None, date(2025, 9, 30),
                     date(2025, 9, 30), date(2025, 10, 1), date(2026, 5, 20), id="target-before-due"),
        pytest.param(None, date(2025, 11, 19),
                     date(2025, 11, 19), date(2025, 11, 20), date(2026, 5, 20), id="target-on-due-date"),
        pytest.param(None, date(2025, 11, 25),
                     date(2025, 11, 19), date(2025, 11, 26), date(2026, 5, 20), id="target-inside-grace"),
        pytest.param(None, date(2025, 12, 3),
                     date(2025, 11, 19), date(2025, 12, 4), date(2026, 5, 20), id="target-last-day-of-grace"),
        pytest.param(None, date(2025, 12, 31),
                     date(2025, 11, 19), date(2025, 12, 4), date(2026, 5, 20), id="target-after-grace"),
        pytest.param(None, date(2027, 1, 1),
                     date(2025, 11, 19), date(2025, 12, 4), date(2026, 5, 20), id="target-after-stale"),
        # Updated on 1 Mar 2026 (normal: due 1 Sep 2026, overdue 16 Sep 2026, stale 2 Mar 2027).
        pytest.param(date(2026, 3, 1), date(2026, 6, 30),
                     date(2026, 6, 30), date(2026, 7, 1), date(2027, 3, 2), id="updated-target-before-due"),
        pytest.param(date(2026, 3, 1), date(2025, 12, 31),
                     date(2025, 12, 31), date(2026, 1, 1), date(2027, 3, 2), id="updated-after-target-already-passed"),
        pytest.param(date(2026, 3, 1), date(2026, 12, 31),
                     date(2026, 9, 1), date(2026, 9, 16), date(2027, 3, 2), id="updated-target-after-due"),
    ],
)
def test_one_off_target_date(last_update, target_date, due_on, overdue_on, stale_on):
    plan = plan_for(Cadence.ONE_OFF, last_update, target_date=target_date)
    assert plan == Schedule(due_on=due_on, overdue_on=overdue_on, stale_on=stale_on)
    assert plan.due_on <= target_date


@pytest.mark.parametrize(
    "cadence",
    [pytest.param(c, id=c.value) for c in Cadence if c != Cadence.ONE_OFF],
)
def test_a_target_date_only_moves_a_one_off(cadence):
    assert plan_for(cadence, target_date=date(2025, 6, 1)) == plan_for(cadence)


@pytest.mark.parametrize("status", [pytest.param(s, id=s.value) for s in (Status.ACHIEVED, Status.DISCONTINUED)])
@pytest.mark.parametrize(
    ("cadence", "last_update", "target_date"),
    [
        pytest.param(Cadence.SIX_MONTHLY, None, None, id="six-monthly-never-updated"),
        pytest.param(Cadence.ANNUAL, date(2025, 6, 1), None, id="annual-updated"),
        pytest.param(Cadence.BIENNIAL, None, None, id="biennial"),
        pytest.param(Cadence.ONE_OFF, None, date(2025, 9, 30), id="one-off-target-passed"),
        pytest.param(Cadence.ONE_OFF, date(2025, 6, 1), date(2025, 6, 30), id="one-off-updated-target-passed"),
    ],
)
def test_closed_sides_owe_nothing(status, cadence, last_update, target_date):
    plan = plan_for(cadence, last_update, status=status, target_date=target_date)
    assert plan is None
    # Long after any deadline, they are still up to date and not late.
    assert due_state(plan, date(2030, 1, 1)) == UP_TO_DATE
    assert days_late(plan, date(2030, 1, 1)) == 0


@pytest.mark.parametrize(
    "status",
    [pytest.param(s, id=s.value) for s in Status if s not in (Status.ACHIEVED, Status.DISCONTINUED)],
)
def test_every_open_status_has_a_schedule(status):
    assert plan_for(Cadence.SIX_MONTHLY, status=status) == Schedule(
        due_on=date(2025, 11, 19), overdue_on=date(2025, 12, 4), stale_on=date(2026, 5, 20)
    )


# --- due_state ------------------------------------------------------------------------------------------------

# (case, cadence, last update, target date, [(today, state), ...]) with the boundaries of each schedule.
BOUNDARIES = [
    # Due 19 Nov 2025; due soon from 5 Nov; grace to 3 Dec; overdue from 4 Dec; stale from 20 May 2026.
    ("six-monthly-from-adoption", Cadence.SIX_MONTHLY, None, None, [
        ("adoption-day", date(2025, 5, 19), UP_TO_DATE),
        ("day-before-due-soon", date(2025, 11, 4), UP_TO_DATE),
        ("first-due-soon-day", date(2025, 11, 5), DUE_SOON),
        ("due-date", date(2025, 11, 19), DUE_SOON),
        ("last-day-of-grace", date(2025, 12, 3), DUE_SOON),
        ("first-overdue-day", date(2025, 12, 4), OVERDUE),
        ("last-overdue-day", date(2026, 5, 19), OVERDUE),
        ("first-stale-day", date(2026, 5, 20), STALE),
        ("years-later", date(2030, 1, 1), STALE),
    ]),
    # Due 19 May 2026; due soon from 5 May; grace (30 days) to 18 Jun; overdue from 19 Jun; stale from 20 May 2027.
    ("annual-from-adoption", Cadence.ANNUAL, None, None, [
        ("day-before-due-soon", date(2026, 5, 4), UP_TO_DATE),
        ("first-due-soon-day", date(2026, 5, 5), DUE_SOON),
        ("due-date", date(2026, 5, 19), DUE_SOON),
        ("last-day-of-grace", date(2026, 6, 18), DUE_SOON),
        ("first-overdue-day", date(2026, 6, 19), OVERDUE),
        ("last-overdue-day", date(2027, 5, 19), OVERDUE),
        ("first-stale-day", date(2027, 5, 20), STALE),
    ]),
    # Due 19 May 2027; due soon from 5 May; grace to 18 Jun; overdue from 19 Jun 2027; stale from 20 May 2029.
    ("biennial-from-adoption", Cadence.BIENNIAL, None, None, [
        ("day-before-due-soon", date(2027, 5, 4), UP_TO_DATE),
        ("first-due-soon-day", date(2027, 5, 5), DUE_SOON),
        ("due-date", date(2027, 5, 19), DUE_SOON),
        ("last-day-of-grace", date(2027, 6, 18), DUE_SOON),
        ("first-overdue-day", date(2027, 6, 19), OVERDUE),
        ("last-overdue-day", date(2029, 5, 19), OVERDUE),
        ("first-stale-day", date(2029, 5, 20), STALE),
    ]),
    # Month end, not a leap year: 31 Aug 2025 + 6 months = 28 Feb 2026; due soon from 14 Feb; grace to 14 Mar;
    # overdue from 15 Mar; twice the interval is 31 Aug 2026, so stale from 1 Sep 2026.
    ("regular-from-31-aug-2025", Cadence.REGULAR, date(2025, 8, 31), None, [
        ("day-of-update", date(2025, 8, 31), UP_TO_DATE),
        ("day-before-due-soon", date(2026, 2, 13), UP_TO_DATE),
        ("first-due-soon-day", date(2026, 2, 14), DUE_SOON),
        ("due-date-28-feb", date(2026, 2, 28), DUE_SOON),
        ("last-day-of-grace", date(2026, 3, 14), DUE_SOON),
        ("first-overdue-day", date(2026, 3, 15), OVERDUE),
        ("last-overdue-day", date(2026, 8, 31), OVERDUE),
        ("first-stale-day", date(2026, 9, 1), STALE),
    ]),
    # Leap day: 31 Aug 2027 + 6 months = 29 Feb 2028; due soon from 15 Feb; grace to 14 Mar; overdue from 15 Mar;
    # stale from 1 Sep 2028.
    ("six-monthly-from-31-aug-2027-leap", Cadence.SIX_MONTHLY, date(2027, 8, 31), None, [
        ("day-before-due-soon", date(2028, 2, 14), UP_TO_DATE),
        ("first-due-soon-day", date(2028, 2, 15), DUE_SOON),
        ("due-date-29-feb", date(2028, 2, 29), DUE_SOON),
        ("last-day-of-grace", date(2028, 3, 14), DUE_SOON),
        ("first-overdue-day", date(2028, 3, 15), OVERDUE),
        ("last-overdue-day", date(2028, 8, 31), OVERDUE),
        ("first-stale-day", date(2028, 9, 1), STALE),
    ]),
    # From a leap day, biennial: due 28 Feb 2026; due soon from 14 Feb; grace to 30 Mar; overdue from 31 Mar;
    # 29 Feb 2024 + 48 months = 29 Feb 2028, so stale from 1 Mar 2028.
    ("biennial-from-29-feb-2024", Cadence.BIENNIAL, date(2024, 2, 29), None, [
        ("day-before-due-soon", date(2026, 2, 13), UP_TO_DATE),
        ("first-due-soon-day", date(2026, 2, 14), DUE_SOON),
        ("due-date", date(2026, 2, 28), DUE_SOON),
        ("last-day-of-grace", date(2026, 3, 30), DUE_SOON),
        ("first-overdue-day", date(2026, 3, 31), OVERDUE),
        ("last-overdue-day-leap-day", date(2028, 2, 29), OVERDUE),
        ("first-stale-day", date(2028, 3, 1), STALE),
    ]),
    # One-off, target 30 Sep 2025 (before the normal 19 Nov): due 30 Sep; due soon from 16 Sep; overdue from 1 Oct;
    # stale from 20 May 2026.
    ("one-off-target-30-sep-2025", Cadence.ONE_OFF, None, date(2025, 9, 30), [
        ("day-before-due-soon", date(2025, 9, 15), UP_TO_DATE),
        ("first-due-soon-day", date(2025, 9, 16), DUE_SOON),
        ("target-date", date(2025, 9, 30), DUE_SOON),
        ("day-after-target", date(2025, 10, 1), OVERDUE),
        ("last-overdue-day", date(2026, 5, 19), OVERDUE),
        ("first-stale-day", date(2026, 5, 20), STALE),
    ]),
    # One-off updated 1 Mar 2026 with its target already past (31 Dec 2025): overdue whatever the update says.
    ("one-off-updated-after-target", Cadence.ONE_OFF, date(2026, 3, 1), date(2025, 12, 31), [
        ("day-of-update", date(2026, 3, 1), OVERDUE),
        ("last-overdue-day", date(2027, 3, 1), OVERDUE),
        ("first-stale-day", date(2027, 3, 2), STALE),
    ]),
]


@pytest.mark.parametrize(
    ("cadence", "last_update", "target_date", "today", "expected"),
    [
        pytest.param(cadence, last_update, target_date, today, state, id=f"{case}:{moment}")
        for case, cadence, last_update, target_date, moments in BOUNDARIES
        for moment, today, state in moments
    ],
)
def test_due_state_at_the_boundaries(cadence, last_update, target_date, today, expected):
    assert due_state(plan_for(cadence, last_update, target_date=target_date), today) == expected


def test_no_schedule_is_up_to_date():
    assert due_state(None, date(2025, 5, 19)) == UP_TO_DATE


# --- frozen time ----------------------------------------------------------------------------------------------


def test_the_rules_run_against_a_frozen_clock():
    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=ZoneInfo("Europe/Brussels")), tick=False):
        today = timezone.localdate()
        assert today == date(2026, 3, 1)
        # Six-monthly, never updated: due 19 Nov 2025, overdue from 4 Dec 2025, stale from 20 May 2026.
        never_updated = plan_for(Cadence.SIX_MONTHLY)
        assert due_state(never_updated, today) == OVERDUE
        assert days_late(never_updated, today) == 102  # 11 days of Nov + 31 + 31 + 28 + 1
        # Regular, updated 31 Aug 2025: due 28 Feb 2026, a day ago, still in grace.
        assert due_state(plan_for(Cadence.REGULAR, date(2025, 8, 31)), today) == DUE_SOON
        assert days_late(plan_for(Cadence.REGULAR, date(2025, 8, 31)), today) == 1
        # Annual, never updated: due 19 May 2026, more than 14 days away.
        assert due_state(plan_for(Cadence.ANNUAL), today) == UP_TO_DATE
        # Six-monthly, updated 31 Aug 2024: stale from 1 Sep 2025 (31 Aug 2024 + 12 months, + 1 day).
        assert due_state(plan_for(Cadence.SIX_MONTHLY, date(2024, 8, 31)), today) == STALE
        # The clock does not move while frozen.
        assert timezone.localdate() == today


# --- days_late and most_urgent --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "last_update", "target_date", "today", "expected"),
    [
        # Six-monthly from adoption: due 19 Nov 2025.
        pytest.param(Cadence.SIX_MONTHLY, None, None, date(2025, 5, 19), 0, id="adoption-day"),
        pytest.param(Cadence.SIX_MONTHLY, None, None, date(2025, 11, 18), 0, id="day-before-due"),
        pytest.param(Cadence.SIX_MONTHLY, None, None, date(2025, 11, 19), 0, id="due-date"),
        pytest.param(Cadence.SIX_MONTHLY, None, None, date(2025, 11, 20), 1, id="day-after-due"),
        pytest.param(Cadence.SIX_MONTHLY, None, None, date(2025, 12, 3), 14, id="last-day-of-grace"),
        pytest.param(Cadence.SIX_MONTHLY, None, None, date(2025, 12, 4), 15, id="first-overdue-day"),
        pytest.param(Cadence.SIX_MONTHLY, None, None, date(2026, 5, 20), 182, id="first-stale-day"),
        # Annual from adoption: due 19 May 2026; first overdue day 19 Jun 2026.
        pytest.param(Cadence.ANNUAL, None, None, date(2026, 6, 19), 31, id="annual-first-overdue-day"),
        # Across the leap day: due 29 Feb 2028.
        pytest.param(Cadence.SIX_MONTHLY, date(2027, 8, 31), None, date(2028, 3, 1), 1, id="leap-day-due+1"),
        pytest.param(Cadence.SIX_MONTHLY, date(2027, 8, 31), None, date(2028, 3, 15), 15, id="leap-day-overdue"),
        # One-off counted from its target date (30 Sep 2025), not the normal 19 Nov.
        pytest.param(Cadence.ONE_OFF, None, date(2025, 9, 30), date(2025, 10, 1), 1, id="one-off-day-after-target"),
        pytest.param(Cadence.ONE_OFF, None, date(2025, 9, 30), date(2025, 11, 19), 50, id="one-off-50-days-late"),
    ],
)
def test_days_late(cadence, last_update, target_date, today, expected):
    assert days_late(plan_for(cadence, last_update, target_date=target_date), today) == expected


def test_days_late_without_a_schedule_is_zero():
    assert days_late(None, date(2030, 1, 1)) == 0


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        pytest.param([], UP_TO_DATE, id="nothing"),
        pytest.param([UP_TO_DATE], UP_TO_DATE, id="up-to-date"),
        pytest.param([UP_TO_DATE, UP_TO_DATE], UP_TO_DATE, id="all-up-to-date"),
        pytest.param([UP_TO_DATE, DUE_SOON], DUE_SOON, id="due-soon-beats-up-to-date"),
        pytest.param([DUE_SOON, OVERDUE], OVERDUE, id="overdue-beats-due-soon"),
        pytest.param([UP_TO_DATE, OVERDUE, DUE_SOON], OVERDUE, id="overdue-among-three"),
        pytest.param([OVERDUE, STALE], STALE, id="stale-beats-overdue"),
        pytest.param([STALE, UP_TO_DATE], STALE, id="stale-first"),
        pytest.param([UP_TO_DATE, DUE_SOON, OVERDUE, STALE], STALE, id="all-four"),
        pytest.param(iter([DUE_SOON, UP_TO_DATE]), DUE_SOON, id="from-an-iterator"),
    ],
)
def test_most_urgent(states, expected):
    assert most_urgent(states) == expected


def test_most_urgent_of_the_two_sides_of_a_commitment():
    """The EU side is overdue while the UK side has just reported: the commitment shows overdue."""
    today = date(2025, 12, 10)
    eu = plan_for(Cadence.SIX_MONTHLY)  # never updated: overdue from 4 Dec 2025
    uk = plan_for(Cadence.SIX_MONTHLY, date(2025, 11, 20))  # due 20 May 2026
    assert most_urgent(due_state(plan, today) for plan in (eu, uk)) == OVERDUE
    assert most_urgent(due_state(plan, today) for plan in (uk, None)) == UP_TO_DATE
