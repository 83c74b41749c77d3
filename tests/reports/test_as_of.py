"""Progress at any date: what the tracker showed at the end of a day, rebuilt from a known history."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from commitments.cadence import DueState
from commitments.history import compare, facts, with_sides
from commitments.models import Commitment
from commitments.services import commitment_update_status
from commitments.status import Status

BRUSSELS = ZoneInfo("Europe/Brussels")


def record(commitment, user, side, status, *, recorded: date, as_of: date, note="noted"):
    commitment.refresh_from_db()
    return commitment_update_status(
        commitment=commitment, party_code=side, status=status, note=note, as_of=as_of, by=user,
        expected_version=commitment.version, now=datetime.combine(recorded, time(10), tzinfo=BRUSSELS),
    )


@pytest.fixture
def history(partnership, eu_official, uk_official):
    """14.1 EU: in progress (Sep 2025), on track (Jan 2026), then on 1 Mar 2026 a back-dated 'delayed' as of
    15 Dec 2025, which does not override January's later as-of date. UK: at risk recorded 10 Feb 2026."""
    commitment = Commitment.objects.get(ref="14.1")
    record(commitment, eu_official, "EU", Status.IN_PROGRESS, recorded=date(2025, 9, 10), as_of=date(2025, 9, 10))
    record(commitment, eu_official, "EU", Status.ON_TRACK, recorded=date(2026, 1, 20), as_of=date(2026, 1, 20))
    record(commitment, uk_official, "UK", Status.AT_RISK, recorded=date(2026, 2, 10), as_of=date(2026, 2, 10))
    record(commitment, eu_official, "EU", Status.DELAYED, recorded=date(2026, 3, 1), as_of=date(2025, 12, 15),
           note="What we knew in December.")
    return commitment


def states_of(partnership, commitment, day):
    return {f.party: f for f in facts(partnership, day, today=date(2026, 6, 1)) if f.commitment_id == commitment.pk}


@pytest.mark.parametrize(
    ("day", "eu", "uk"),
    [
        (date(2025, 9, 9), Status.NOT_ASSESSED, Status.NOT_ASSESSED),
        (date(2025, 9, 10), Status.IN_PROGRESS, Status.NOT_ASSESSED),
        (date(2025, 12, 31), Status.IN_PROGRESS, Status.NOT_ASSESSED),  # the back-dated entry was not known yet
        (date(2026, 1, 20), Status.ON_TRACK, Status.NOT_ASSESSED),
        (date(2026, 2, 10), Status.ON_TRACK, Status.AT_RISK),
        (date(2026, 3, 1), Status.ON_TRACK, Status.AT_RISK),  # known now, but true as of an earlier day
    ],
)
def test_each_side_is_rebuilt_as_the_tracker_showed_it_that_day(partnership, history, day, eu, uk):
    states = states_of(partnership, history, day)
    assert (states["EU"].status, states["UK"].status) == (eu, uk)


def test_lateness_is_rebuilt_for_the_day_too(partnership, history):
    # The UK side had no update until 10 Feb 2026: overdue from 4 Dec 2025 (six-monthly from 19 May 2025 + grace).
    assert states_of(partnership, history, date(2025, 12, 3))["UK"].due_state == DueState.DUE_SOON
    assert states_of(partnership, history, date(2025, 12, 4))["UK"].due_state == DueState.OVERDUE
    assert states_of(partnership, history, date(2026, 2, 10))["UK"].due_state == DueState.UP_TO_DATE


def test_the_present_is_the_stored_status(partnership, history):
    now = states_of(partnership, history, None)
    assert (now["EU"].status, now["UK"].status) == (Status.ON_TRACK, Status.AT_RISK)


def test_comparing_two_days_lists_updates_status_changes_and_newly_late(partnership, history):
    comparison = compare(partnership, date(2025, 12, 1), date(2026, 2, 28), today=date(2026, 6, 1))
    assert [u.status for u in comparison.updates()] == [Status.ON_TRACK, Status.AT_RISK]
    assert comparison.update_count == 2
    changed = {(c.side.commitment.ref, c.side.party.code): (c.before.status, c.after.status)
               for c in with_sides(comparison.status_changes)}
    assert changed == {("14.1", "EU"): (Status.IN_PROGRESS, Status.ON_TRACK), ("14.1", "UK"): (Status.NOT_ASSESSED, Status.AT_RISK)}
    newly_late = {(c.side.commitment.ref, c.side.party.code) for c in with_sides(comparison.newly_late)}
    assert ("14.1", "UK") not in newly_late  # it reported in February
    assert ("19.1", "EU") in newly_late  # never reported: overdue from 4 December
    assert comparison.newly_achieved == []


def test_the_list_page_filters_on_the_rebuilt_picture(client, analyst, partnership, history):
    client.force_login(analyst)
    url = reverse("commitments:list")
    then = client.get(url, {"as_of": "2025-12-31", "side_status": "in_progress"})
    assert [r.commitment.ref for r in then.context["page"].object_list] == ["14.1"]
    assert "As the tracker showed it at the end of" in then.content.decode()
    now = client.get(url, {"side_status": "in_progress"})
    assert now.context["page"].paginator.count == 0
    assert client.get(url, {"as_of": "2026-02-15", "side": "UK", "side_status": "at_risk"}).context["page"].paginator.count == 1


def test_the_report_page_shows_the_day_and_the_comparison(client, analyst, partnership, history):
    client.force_login(analyst)
    response = client.get(reverse("reports:index"), {"as_of": "2026-01-31", "since": "2025-12-01", "until": "2026-02-28"})
    html = response.content.decode()
    assert "end of <strong>31 January 2026</strong>" in html
    assert response.context["comparison"].since == date(2025, 12, 1)
    assert "2</span> status changes" in html


def test_report_dates_are_checked(client, analyst, partnership):
    client.force_login(analyst)
    response = client.get(reverse("reports:index"), {"as_of": "2024-01-01", "since": "2026-03-01", "until": "2026-02-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "The Partnership was adopted on 19 May 2025." in html
    assert "The end must come after the start." in html
    assert client.get(reverse("reports:changes", args=["csv"]), {"since": "2024-01-01"}).status_code == 400


def test_each_update_keeps_the_status_it_left_in_force(history):
    # The back-dated "delayed" (as of 15 Dec 2025) came after January's "on track": on track stays in force.
    rows = list(history.updates.order_by("created_at").values_list("side__party__code", "status", "side_status_after"))
    assert rows == [("EU", "in_progress", "in_progress"), ("EU", "on_track", "on_track"),
                    ("UK", "at_risk", "at_risk"), ("EU", "delayed", "on_track")]


def test_the_migration_rebuilds_the_status_after_each_update_from_the_history(history):
    from importlib import import_module

    from django.apps import apps

    from commitments.models import StatusUpdate

    migration = import_module("commitments.migrations.0009_status_after_each_update")
    StatusUpdate.objects.update(side_status_after="")
    migration.status_after_each_update(apps, None)
    assert list(history.updates.order_by("created_at").values_list("side_status_after", flat=True)) == [
        "in_progress", "on_track", "at_risk", "on_track"]
