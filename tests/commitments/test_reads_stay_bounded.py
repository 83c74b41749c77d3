"""Every page reads the same number of queries however long the history, and never counts the whole history."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commitments.models import Commitment
from commitments.services import commitment_update_status
from dialogues import services as dialogue_services
from dialogues.models import DialogueSeries
from tests.conftest import commitment

BRUSSELS = ZoneInfo("Europe/Brussels")


def grow(official, refs, updates: int, start: datetime):
    for n in range(updates):
        target = commitment(refs[n % len(refs)])
        commitment_update_status(commitment=target, party_code="EU", status=["in_progress", "on_track"][n % 2],
                                 note="Noted.", as_of=(start + timedelta(days=n)).date(), by=official,
                                 expected_version=target.version, now=start + timedelta(days=n))


@pytest.fixture
def pages(partnership, reviewer, eu_official):
    sdd = DialogueSeries.objects.get(kind=DialogueSeries.Kind.SDD)
    held = dialogue_services.meeting_create(series=sdd, date=date(2025, 11, 20), place="Brussels", status="held",
                                            by=reviewer, now=datetime(2025, 11, 20, 12, tzinfo=BRUSSELS))
    planned = dialogue_services.meeting_create(series=sdd, date=timezone.localdate() + timedelta(days=60),
                                               place="London", by=reviewer)
    target = commitment("14.1")
    return {
        reviewer: [f"/dialogues/meetings/{planned.pk}/pack/", f"/dialogues/meetings/{held.pk}/pack/",
                   f"/dialogues/meetings/{planned.pk}/", f"/dialogues/series/{sdd.pk}/"],
        eu_official: ["/commitments/", "/commitments/?as_of=2026-01-31", f"/commitments/{target.pk}/",
                      f"/commitments/{target.pk}/update/EU/", "/reports/", "/reports/?since=2025-09-01&until=2026-03-01",
                      "/reports/history/", "/dashboard/", "/my-work/", "/api/commitments/", "/api/updates/",
                      f"/api/commitments/{target.pk}/updates/"],
    }


def queries_per_page(client, pages) -> dict[str, list[str]]:
    seen = {}
    for user, paths in pages.items():
        client.force_login(user)
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200, path
            seen[path] = [q["sql"] for q in queries.captured_queries]
    return seen


def test_no_page_reads_more_queries_when_the_history_grows(client, pages, eu_official):
    grow(eu_official, ["14.1", "20.1"], 4, datetime(2025, 12, 1, 10, tzinfo=BRUSSELS))  # after the held meeting
    small = queries_per_page(client, pages)
    grow(eu_official, ["14.1", "20.1", "11.1"], 90, datetime(2026, 1, 1, 10, tzinfo=BRUSSELS))
    large = queries_per_page(client, pages)
    grown = {path: (len(small[path]), len(sql)) for path, sql in large.items() if len(sql) != len(small[path])}
    assert not grown, grown


def test_no_page_counts_the_whole_history(client, pages, eu_official):
    grow(eu_official, ["14.1"], 3, datetime(2025, 6, 1, 10, tzinfo=BRUSSELS))
    for path, sql in queries_per_page(client, pages).items():
        whole = [s for s in sql if s.startswith("SELECT COUNT(") and "commitments_statusupdate" in s and "LIMIT" not in s]
        assert not whole, (path, whole)


def test_the_commitment_page_says_how_many_updates_from_the_sides_counters(client, eu_official, partnership):
    grow(eu_official, ["14.1"], 3, datetime(2025, 6, 1, 10, tzinfo=BRUSSELS))
    client.force_login(eu_official)
    response = client.get(f"/commitments/{commitment('14.1').pk}/")
    assert response.context["page"].paginator.count == 3
    assert "3 updates, newest first." in response.content.decode()
    assert Commitment.objects.get(ref="14.1").updates.count() == 3
