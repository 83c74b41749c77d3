"""Dashboards and "my work": the numbers match the data, and pages stay within a fixed number of queries."""

import os
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports import dashboard
from commitments.cadence import DueState
from commitments.history import end_of, statuses_at
from commitments.models import Commitment, CommitmentSide, MonthEnd, MonthEndStatus, StatusUpdate
from commitments.month_ends import close_months
from commitments.services import commitment_update_status
from commitments.status import Status
from tests.conftest import make_user

BRUSSELS = ZoneInfo("Europe/Brussels")


def record(commitment, user, side, status, when: datetime, note="noted"):
    commitment.refresh_from_db()
    return commitment_update_status(commitment=commitment, party_code=side, status=status, note=note,
                                    as_of=when.date(), by=user, expected_version=commitment.version, now=when)


@pytest.fixture
def history(partnership, eu_official, uk_official):
    """14.1: both sides report in August 2025; 20.1: the EU reports delayed in January 2026."""
    a, b = Commitment.objects.get(ref="14.1"), Commitment.objects.get(ref="20.1")
    record(a, eu_official, "EU", Status.ON_TRACK, datetime(2025, 8, 10, 10, tzinfo=BRUSSELS))
    record(a, uk_official, "UK", Status.IN_PROGRESS, datetime(2025, 8, 20, 10, tzinfo=BRUSSELS))
    record(b, eu_official, "EU", Status.DELAYED, datetime(2026, 1, 15, 10, tzinfo=BRUSSELS))
    return a, b


def test_the_overview_counts_statuses_overall_and_per_side(history, partnership):
    data = dashboard.overview(partnership, date(2026, 2, 1))
    total = Commitment.objects.count()
    assert data["commitment_count"] == total
    assert data["overall"][Status.IN_PROGRESS] == 1  # 14.1: on track (EU) and in progress (UK)
    assert data["overall"][Status.NOT_ASSESSED] == total - 1  # 20.1's UK side has not reported
    assert data["per_side"]["EU"][Status.ON_TRACK] == 1
    assert data["per_side"]["EU"][Status.DELAYED] == 1
    assert data["per_side"]["UK"][Status.IN_PROGRESS] == 1
    assert data["data_as_of"] == datetime(2026, 1, 15, 10, tzinfo=BRUSSELS)


def test_overdue_and_stale_counts_follow_the_cadence_rules(history, partnership):
    # By 1 Feb 2026 every side never updated since adoption (19 May 2025) is past a six-monthly due date.
    data = dashboard.overview(partnership, date(2026, 2, 1))
    sides = CommitmentSide.objects.all()
    expected = {state: 0 for state in DueState}
    for side in sides:
        expected[side.due_state(date(2026, 2, 1))] += 1
    assert data["side_due"] == {k: v for k, v in expected.items() if v}
    assert data["side_due"][DueState.OVERDUE] > 0


def test_progress_over_time_rebuilds_each_month_end_from_the_history(history, partnership):
    points = dict(dashboard.progress_over_time(partnership, date(2026, 2, 10)))
    sides = CommitmentSide.objects.count()
    assert list(points)[0] == date(2025, 5, 31)
    assert points[date(2025, 7, 31)][Status.NOT_ASSESSED] == sides
    assert points[date(2025, 8, 31)][Status.ON_TRACK] == 1
    assert points[date(2025, 8, 31)][Status.IN_PROGRESS] == 1
    assert points[date(2025, 12, 31)][Status.DELAYED] == 0
    assert points[date(2026, 1, 31)][Status.DELAYED] == 1
    assert list(points)[-1] == date(2026, 2, 10)  # the current month stops today
    assert all(sum(counts.values()) == sides for counts in points.values())


def replay(partnership, day: date) -> Counter:
    """The reference the stored pictures must equal: every update recorded by the end of `day`, replayed in the
    order it was recorded; the latest as-of date (then the latest recorded) wins."""
    current = {}
    recorded = StatusUpdate.objects.filter(commitment__paragraph__partnership=partnership, created_at__lte=end_of(day))
    for u in recorded.order_by("created_at", "pk"):
        if u.side_id not in current or (u.as_of, u.created_at, u.pk) > current[u.side_id][0]:
            current[u.side_id] = ((u.as_of, u.created_at, u.pk), u.status)
    counts = Counter(status for _, status in current.values())
    counts[Status.NOT_ASSESSED] += CommitmentSide.objects.count() - len(current)
    return counts


@pytest.fixture
def late_news(history, eu_official):
    """After the history: an update back-dated to December but recorded in February (so not part of December's
    picture), and one recorded in a month already closed (as demo data and imports write)."""
    commitment = Commitment.objects.get(ref="20.1")
    commitment_update_status(commitment=commitment, party_code="EU", status=Status.AT_RISK, note="late news",
                             as_of=date(2025, 12, 1), by=eu_official, expected_version=commitment.version,
                             now=datetime(2026, 2, 10, 11, tzinfo=BRUSSELS))
    record(Commitment.objects.get(ref="14.1"), eu_official, "EU", Status.DELAYED, datetime(2026, 3, 5, 9, tzinfo=BRUSSELS))


def test_stored_month_ends_equal_a_full_replay_of_the_history(late_news, partnership):
    today = timezone.localdate()
    points = dashboard.progress_over_time(partnership, today)
    stored = MonthEnd.objects.filter(partnership=partnership).count()
    assert stored >= 17  # May 2025 to October 2026 at least were closed when the test database was seeded
    assert [counts for _, counts in points[:-1]] == [replay(partnership, day) for day, _ in points[:-1]]
    points = dict(points)
    assert points[date(2025, 12, 31)][Status.DELAYED] == 0 and points[date(2025, 12, 31)][Status.ON_TRACK] == 1
    assert points[date(2026, 2, 28)][Status.AT_RISK] == 0  # the late news is older than January's update
    assert points[date(2026, 2, 28)][Status.DELAYED] == 1  # 20.1 EU keeps January's later as-of date
    assert points[date(2026, 3, 31)][Status.DELAYED] == 2


def test_rebuilding_the_month_ends_stores_the_same_pictures(late_news, partnership):
    today = timezone.localdate()
    before = dashboard.progress_over_time(partnership, today)
    rows = set(MonthEndStatus.objects.values_list("month_end__day", "side_id", "update_id", "status"))
    call_command("rebuild_month_ends", stdout=open(os.devnull, "w"))
    assert set(MonthEndStatus.objects.values_list("month_end__day", "side_id", "update_id", "status")) == rows
    assert dashboard.progress_over_time(partnership, today) == before


def test_months_not_stored_yet_are_read_from_the_history_with_the_same_result(late_news, partnership):
    today = timezone.localdate()
    before = dashboard.progress_over_time(partnership, today)
    MonthEnd.objects.filter(partnership=partnership, day__gte=date(2026, 1, 1)).delete()  # say beat has not run
    assert dashboard.progress_over_time(partnership, today) == before
    assert close_months() >= 10 and dashboard.progress_over_time(partnership, today) == before


def test_a_month_is_stored_once_it_has_been_over_for_an_hour(partnership):
    MonthEnd.objects.filter(partnership=partnership, day__gte=date(2026, 10, 1)).delete()
    assert close_months(now=datetime(2026, 11, 1, 0, 30, tzinfo=BRUSSELS)) == 0  # 31 October ended half an hour ago
    assert close_months(now=datetime(2026, 11, 1, 1, 30, tzinfo=BRUSSELS)) == 1
    assert MonthEnd.objects.filter(partnership=partnership).latest("day").day == date(2026, 10, 31)


def test_a_past_days_statuses_stay_those_the_history_gives(history, partnership, eu_official):
    today = date(2026, 2, 10)
    december = statuses_at(partnership, date(2025, 12, 31), today=today)
    # Recorded later, even back-dated to December: not part of the picture at the end of December.
    commitment = Commitment.objects.get(ref="14.1")
    commitment_update_status(commitment=commitment, party_code="EU", status=Status.DELAYED, note="late news",
                             as_of=date(2025, 12, 1), by=eu_official, expected_version=commitment.version,
                             now=datetime(2026, 2, 10, 9, tzinfo=BRUSSELS))
    assert statuses_at(partnership, date(2025, 12, 31), today=today) == december
    eu_side = commitment.sides.get(party__code="EU").pk
    assert december[eu_side] == Status.ON_TRACK
    assert statuses_at(partnership, today, today=today)[eu_side] == Status.DELAYED


def test_by_owner_shows_overdue_median_days_late_and_updates_on_time(history, partnership):
    rows = {row.key: row for row in dashboard.breakdown(partnership, date(2026, 2, 1), by="owner")}
    eeas = rows["eeas"]
    # 14.1 in August 2025 came before it fell due; 20.1 on 15 January 2026 came after 4 December 2025 (overdue).
    assert (eeas.updates, eeas.on_time, eeas.on_time_share) == (2, 1, 50)
    assert eeas.sides == CommitmentSide.objects.filter(owners__organisation__slug="eeas").count()
    late = [s for s in CommitmentSide.objects.filter(owners__organisation__slug="eeas")
            if s.due_state(date(2026, 2, 1)) in {DueState.OVERDUE, DueState.STALE}]
    assert eeas.overdue + eeas.stale == len(late)
    if late:
        days = sorted((date(2026, 2, 1) - s.due_on).days for s in late)
        assert eeas.median_days_late == round((days[(len(days) - 1) // 2] + days[len(days) // 2]) / 2)


def test_an_update_made_after_its_side_fell_overdue_counts_as_late(partnership, eu_official):
    commitment = Commitment.objects.get(ref="14.1")
    made = record(commitment, eu_official, "EU", Status.ON_TRACK, datetime(2026, 3, 1, 10, tzinfo=BRUSSELS))
    assert made.on_time is False  # due 19 Nov 2025, overdue from 4 Dec 2025
    again = record(commitment, eu_official, "EU", Status.ON_TRACK, datetime(2026, 3, 2, 10, tzinfo=BRUSSELS))
    assert again.on_time is True


def test_the_by_area_page_lists_every_area_with_sides(client, history, analyst):
    client.force_login(analyst)
    response = client.get(reverse("dashboards:areas"))
    labels = [row.label for row in response.context["rows"]]
    assert "Maritime Security" in labels and "Global Health Security" in labels
    assert "General framework and Way Forward" in labels


def test_every_chart_segment_links_to_the_matching_filtered_list(client, history, analyst, partnership):
    from django.utils import timezone

    from reports.dashboard_views import _overview_figures

    client.force_login(analyst)
    html = client.get(reverse("dashboards:overview")).content.decode()
    for label, segments in _overview_figures(partnership, timezone.localdate())["bars"]:
        for segment in segments:
            assert segment.href.replace("&", "&amp;") in html
            listed = client.get(segment.href).context["page"].paginator.count
            assert listed == segment.count, (label, segment.status, segment.href)


@time_machine.travel(datetime(2026, 2, 1, 9, tzinfo=BRUSSELS), tick=False)
def test_my_work_lists_what_the_organisation_owns_most_urgent_first(client, history, eu_official):
    client.force_login(eu_official)
    rows = client.get(reverse("my_work")).context["rows"]
    owned = CommitmentSide.objects.filter(owners__organisation__slug="eeas").count()
    assert len(rows) == owned
    order = [DueState.STALE, DueState.OVERDUE, DueState.DUE_SOON, DueState.UP_TO_DATE]
    ranks = [order.index(state) for _, state in rows]
    assert ranks == sorted(ranks)
    assert rows[0][1] in {DueState.STALE, DueState.OVERDUE}
    html = client.get(reverse("my_work")).content.decode()
    first = rows[0][0]
    assert reverse("commitments:update", args=[first.commitment_id, first.party]) in html


def grow_history(partnership, official, updates: int, *, start=datetime(2025, 6, 1, 10, tzinfo=BRUSSELS)):
    commitment = Commitment.objects.get(ref="14.1")
    when = start
    for n in range(updates):
        record(commitment, official, "EU", [Status.IN_PROGRESS, Status.ON_TRACK][n % 2], when + timedelta(days=n))


@pytest.mark.parametrize("url_name", ["dashboards:overview", "dashboards:areas", "dashboards:owners", "my_work"])
def test_dashboard_queries_do_not_grow_with_the_history(client, partnership, eu_official, url_name, django_assert_max_num_queries):
    client.force_login(eu_official)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(url_name)).status_code == 200
    grow_history(partnership, eu_official, 60)
    other = make_user("eu-second", organisation="eeas", is_official=True)
    grow_history(partnership, other, 20, start=datetime(2025, 8, 1, 10, tzinfo=BRUSSELS))
    assert StatusUpdate.objects.count() == 80
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse(url_name)).status_code == 200


def test_the_cached_figures_change_as_soon_as_an_update_is_recorded(client, partnership, analyst, eu_official):
    client.force_login(analyst)
    assert "EU side: On track" not in client.get(reverse("dashboards:overview")).content.decode()
    record(Commitment.objects.get(ref="14.1"), eu_official, "EU", Status.ON_TRACK, datetime.now(BRUSSELS))
    assert "EU side: On track, 1 (" in client.get(reverse("dashboards:overview")).content.decode()
