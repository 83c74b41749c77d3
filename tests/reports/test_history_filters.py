"""The history page's filters are named for people: a commitment picked from a list of them, days from a calendar;
whatever is typed into them answers a page, never an error; the exports name people, not their logins."""

import csv
import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from commitments.models import Commitment, StatusUpdate
from tests.conftest import commitment, make_user

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")


def write(ref, party, *, by, day, note) -> StatusUpdate:
    """A history row written directly: these tests read the history, they do not record it."""
    target = Commitment.objects.get(ref=ref)
    return StatusUpdate.objects.create(
        commitment=target, side=target.sides.get(party__code=party), status="in_progress",
        previous_status="not_assessed", side_status_after="in_progress", note=note, as_of=day, created_by=by,
        version_after=2, on_time=True,
        created_at=datetime.combine(day, datetime.min.time(), tzinfo=BRUSSELS).replace(hour=10),
    )


@pytest.fixture
def named(partnership):
    return make_user("e.vance", organisation="eeas", is_official=True, first_name="Eleanor", last_name="Vance")


@pytest.fixture
def history(named, uk_official) -> dict[str, StatusUpdate]:
    return {
        "named": write("14.1", "EU", by=named, day=date(2026, 1, 20), note="Exchanges resumed."),
        "login": write("12a", "UK", by=uk_official, day=date(2026, 2, 10), note="Dialogue held."),
    }


def labels(html: str) -> dict[str, str]:
    """Each form field's label, by the id it labels."""
    return dict((target, text) for target, text in re.findall(r'<label for="([^"]+)">([^<]+)</label>', html))


def test_each_filter_says_what_it_is_and_the_days_are_picked_from_a_calendar(client, analyst, partnership):
    client.force_login(analyst)
    html = client.get(reverse("reports:history")).content.decode()
    # The partnership is the page's (the header's switcher chooses it when there are several): no filter of its own.
    assert labels(html) == {
        "id_commitment": "Commitment", "id_ref": "Commitment reference",
        "id_side": "Side", "id_owner": "Owner organisation", "id_status": "Status",
        "id_recorded_from": "Recorded from", "id_recorded_to": "Recorded until",
    }
    assert '<input type="date" name="recorded_from"' in html and '<input type="date" name="recorded_to"' in html
    assert '<select name="commitment"' in html


def test_a_commitment_is_picked_by_its_reference_and_title(client, analyst, history):
    client.force_login(analyst)
    html = client.get(reverse("reports:history")).content.decode()
    target = commitment("12a")
    assert f'<option value="{target.pk}">¶12(a) {target.title}</option>' in html
    start = html.index('<select name="commitment"')
    options = html[start:html.index("</select>", start)]
    assert '<option value="" selected>Any commitment</option>' in options
    assert options.count('<option value="') == 1 + Commitment.objects.count()  # every one of them

    picked = client.get(reverse("reports:history"), {"commitment": target.pk})
    assert [u.pk for u in picked.context["page"].object_list] == [history["login"].pk]
    assert f'<option value="{target.pk}" selected>' in picked.content.decode()


@pytest.mark.parametrize("query", [
    {"commitment": "abc"}, {"commitment": "-1"}, {"commitment": str(2**70)}, {"recorded_from": "2025-13-45"},
    {"recorded_to": "9999-99-99"}, {"commitment": "1\x00"},
])
def test_whatever_is_typed_into_the_filters_answers_a_page_that_names_the_filter(client, analyst, history, query):
    client.force_login(analyst)
    response = client.get(reverse("reports:history"), query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters were not understood and have been ignored" in html
    field = next(iter(query))
    assert f'<a href="#id_{field}">{labels(html)["id_" + field]}: ' in html


def test_a_partnership_that_does_not_exist_is_not_found(client, analyst, history):
    """The partnership is the page's subject, not one of its filters (agreement.choice)."""
    client.force_login(analyst)
    assert client.get(reverse("reports:history"), {"partnership": "nowhere"}).status_code == 404


def test_the_csv_and_excel_name_people_and_their_login_only_where_they_have_no_name(client, analyst, history):
    client.force_login(analyst)
    response = client.get(reverse("reports:history_export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().removeprefix("\ufeff"))))
    table = rows[rows.index([]) + 1:]
    by = table[0].index("By")
    assert [row[by] for row in table[1:]] == ["uk-official", "Eleanor Vance"]

    response = client.get(reverse("reports:history_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Status history"]
    head = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "Recorded")
    column = next(c for c in range(1, 20) if sheet.cell(head, c).value == "By")
    assert [sheet.cell(r, column).value for r in (head + 1, head + 2)] == ["uk-official", "Eleanor Vance"]


def test_the_exports_header_names_the_person_who_produced_it(client, named, history):
    client.force_login(named)
    response = client.get(reverse("reports:history_export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().removeprefix("\ufeff"))))
    assert dict(r for r in rows[: rows.index([])])["Produced by"] == "Eleanor Vance (EEAS)"


def test_an_outsider_sees_no_history_page(client, outsider, history):
    client.force_login(outsider)
    assert client.get(reverse("reports:history")).status_code == 403
