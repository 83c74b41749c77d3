"""Long lists: the commitment list sorts by its column headers, and "my work" sorts and filters; a sort nobody
knows falls back to the usual order, and sorting costs no query more."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments.models import Commitment
from commitments.services import commitment_update_status

BRUSSELS = ZoneInfo("Europe/Brussels")
TODAY = datetime(2026, 2, 1, 9, tzinfo=BRUSSELS)


def record(ref: str, user, side: str, status: str, when: datetime):
    commitment = Commitment.objects.get(ref=ref)
    return commitment_update_status(commitment=commitment, party_code=side, status=status, note="Noted.",
                                    as_of=when.date(), by=user, expected_version=commitment.version, now=when)


def refs(response) -> list[str]:
    return [row.commitment.reference for row in response.context["rows"]]


@pytest.fixture
def signed_in(client, analyst):
    client.force_login(analyst)
    return client


def test_the_list_is_in_the_documents_order_unless_sorted(signed_in, partnership):
    document = [c.reference for c in Commitment.objects.select_related("paragraph", "subparagraph").order_by(
        "paragraph__number", "position")]
    listed = refs(signed_in.get(reverse("commitments:list")))
    assert listed == document[:50] and listed[0] == "¶11.1"
    backwards = refs(signed_in.get(reverse("commitments:list") + "?sort=-ref"))
    assert backwards == document[::-1][:50] and backwards[0] == "¶62.1"


def test_sorting_by_title_orders_the_list_by_title_whatever_the_case(signed_in, partnership):
    titles = [row.commitment.title for row in signed_in.get(reverse("commitments:list") + "?sort=title").context["rows"]]
    assert titles == sorted(titles, key=str.lower) and len(titles) == 50
    last = [row.commitment.title for row in signed_in.get(reverse("commitments:list") + "?sort=-title").context["rows"]]
    assert last[0].lower() > titles[-1].lower()


def test_sorting_by_status_goes_from_the_most_advanced_down_and_keeps_the_filters(signed_in, eu_official, uk_official):
    record("14.1", eu_official, "EU", "on_track", datetime(2025, 8, 10, 10, tzinfo=BRUSSELS))
    record("14.1", uk_official, "UK", "on_track", datetime(2025, 8, 11, 10, tzinfo=BRUSSELS))
    record("20.1", eu_official, "EU", "delayed", datetime(2026, 1, 15, 10, tzinfo=BRUSSELS))
    record("20.1", uk_official, "UK", "delayed", datetime(2026, 1, 16, 10, tzinfo=BRUSSELS))
    assert refs(signed_in.get(reverse("commitments:list") + "?sort=-status&side=UK"))[:3] == ["¶14.1", "¶20.1", "¶11.1"]
    up = signed_in.get(reverse("commitments:list") + "?sort=status").context["rows"]
    assert up[0].overall == "not_assessed" and up[0].commitment.reference == "¶11.1"
    area = signed_in.get(reverse("commitments:list") + "?sort=-status&area=maritime-security").context["rows"]
    assert {row.commitment.area for row in area} == {"Maritime Security"}


def next_due(row):
    days = [state.plan.due_on for state in row.states if state.plan]
    return min(days) if days else None


def test_sorting_by_updates_puts_the_earliest_due_first_and_nothing_due_last(signed_in, eu_official, uk_official):
    record("14.1", eu_official, "EU", "achieved", datetime(2025, 8, 10, 10, tzinfo=BRUSSELS))
    record("14.1", uk_official, "UK", "achieved", datetime(2025, 8, 11, 10, tzinfo=BRUSSELS))
    listed = [row for page in (1, 2) for row in signed_in.get(
        reverse("commitments:list"), {"sort": "due", "page": page}).context["rows"]]
    assert len(listed) == Commitment.objects.count()
    days = [next_due(row) for row in listed]
    dated = [day for day in days if day]
    assert days == dated + [None] * (len(days) - len(dated)) and dated == sorted(dated)
    assert next_due(next(row for row in listed if row.commitment.reference == "¶14.1")) is None
    latest = signed_in.get(reverse("commitments:list"), {"sort": "-due"}).context["rows"]
    assert next_due(latest[0]) == dated[-1]


@pytest.mark.parametrize("sort", ["bogus", "-", "--title", "title;drop", "\x00", "ref" * 100])
def test_a_sort_nobody_knows_is_the_usual_order(signed_in, partnership, sort):
    response = signed_in.get(reverse("commitments:list"), {"sort": sort})
    assert response.status_code == 200
    assert refs(response)[0] == "¶11.1" and refs(response) == refs(signed_in.get(reverse("commitments:list")))


def test_each_sortable_header_links_to_its_sort_and_the_sorted_one_says_which_way(signed_in, partnership):
    html = signed_in.get(reverse("commitments:list") + "?sort=title&strength=firm&page=2").content.decode()
    assert '<th scope="col" aria-sort="ascending"><a class="sort-link" href="?sort=-title&amp;strength=firm">Commitment' in html
    assert '<a class="sort-link" href="?sort=status&amp;strength=firm">Status' in html
    assert '<th scope="col">Owners</th>' in html
    assert '<input type="hidden" name="sort" value="title">' in html  # the filters keep the sort when applied


def test_a_past_days_list_does_not_sort_by_what_only_today_knows(signed_in, partnership):
    html = signed_in.get(reverse("commitments:list") + "?as_of=2026-01-31&sort=status").content.decode()
    assert '<th scope="col">Status</th>' in html and '<th scope="col">Cadence and updates</th>' in html
    assert '<a class="sort-link" href="?as_of=2026-01-31&amp;sort=title">Commitment' in html


def test_sorting_costs_no_more_queries(signed_in, partnership, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as plain:
        signed_in.get(reverse("commitments:list") + "?owner=eeas")
    for sort in ("title", "-status", "due", "strength"):
        with django_assert_max_num_queries(len(plain.captured_queries)):
            assert signed_in.get(reverse("commitments:list"), {"owner": "eeas", "sort": sort}).status_code == 200


def test_an_account_without_a_role_cannot_sort_its_way_in(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("commitments:list") + "?sort=title").status_code == 403


# "My work": an official's 75 rows, filtered and sorted on the page.

@pytest.fixture
def work(client, eu_official):
    record("14.1", eu_official, "EU", "on_track", datetime(2026, 1, 20, 10, tzinfo=BRUSSELS))
    record("20.1", eu_official, "EU", "delayed", datetime(2026, 1, 21, 10, tzinfo=BRUSSELS))
    client.force_login(eu_official)
    return client


def rows(response) -> list:
    return response.context["rows"]


@time_machine.travel(TODAY, tick=False)
def test_my_work_filters_by_update_state_status_side_and_words(work):
    everything = rows(work.get(reverse("my_work")))
    overdue = rows(work.get(reverse("my_work") + "?due=overdue"))
    assert overdue and {state for _, state in overdue} == {"overdue"}
    assert len(overdue) == sum(1 for _, state in everything if state == "overdue")
    assert [owed.reference for owed, _ in rows(work.get(reverse("my_work") + "?status=delayed"))] == ["¶20.1"]
    assert {owed.party for owed, _ in rows(work.get(reverse("my_work") + "?side=EU"))} == {"EU"}
    found = rows(work.get(reverse("my_work"), {"q": "  14.1 "}))
    assert [owed.reference for owed, _ in found] == ["¶14.1"]
    html = work.get(reverse("my_work") + "?status=delayed").content.decode()
    assert f"1 of {len(everything)} sides." in html


@time_machine.travel(TODAY, tick=False)
def test_my_work_ignores_filters_it_does_not_know_and_says_so(work):
    response = work.get(reverse("my_work"), {"due": "whenever", "status": "\x00", "side": "FR", "q": "x" * 300})
    assert response.status_code == 200
    assert len(rows(response)) == len(rows(work.get(reverse("my_work"))))
    assert "Some filters were not understood and have been ignored" in response.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_my_work_sorts_by_due_date_reference_and_status(work):
    by_due = [owed.due_on for owed, _ in rows(work.get(reverse("my_work") + "?sort=due"))]
    dated = [day for day in by_due if day]
    assert dated == sorted(dated) and by_due[: len(dated)] == dated  # nothing due comes last
    latest = [owed.due_on for owed, _ in rows(work.get(reverse("my_work") + "?sort=-due"))]
    assert latest[: len(dated)] == dated[::-1]
    by_ref = [owed.document_order for owed, _ in rows(work.get(reverse("my_work") + "?sort=ref"))]
    assert by_ref == sorted(by_ref)
    by_status = [owed.status for owed, _ in rows(work.get(reverse("my_work") + "?sort=-status"))]
    assert by_status[:2] == ["on_track", "delayed"] and set(by_status[2:]) == {"not_assessed"}
    html = work.get(reverse("my_work") + "?sort=-status").content.decode()
    assert '<th scope="col" aria-sort="descending"><a class="sort-link" href="?sort=status">Status' in html


@time_machine.travel(TODAY, tick=False)
def test_my_work_tiles_open_the_sides_in_their_state(work):
    html = work.get(reverse("my_work")).content.decode()
    for state in ("stale", "overdue", "due_soon", "up_to_date"):
        assert f'<a href="?due={state}"><span class="tile-number">' in html


def test_my_work_is_an_officials_page(client, analyst):
    client.force_login(analyst)
    assert client.get(reverse("my_work") + "?sort=due").status_code == 403
