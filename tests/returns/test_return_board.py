"""The administrators' board of who has returned since the last Security and Defence Dialogue: an organisation has
once its officials recorded a status update since, however they recorded it: on the update page, through the API,
or by a spreadsheet return.

The world: the SDD was held on 1 June 2026. Before it, on 15 May 2026, the EDA reported on 25.1 (its EU side); since,
the EEAS reported on 14.1 through the update page and the FCDO on 14.1 through the API. Nobody sent a spreadsheet."""

import json
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.utils.html import escape

from agreement.models import Organisation
from commitments.services import commitment_update_status
from dialogues import services
from dialogues.models import DialogueSeries
from tests.conftest import commitment

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")


def owners(partnership) -> list[Organisation]:
    return list(Organisation.objects.filter(
        ownerships__side__commitment__paragraph__partnership=partnership).distinct())


def board_row(html: str, slug: str) -> str:
    organisation = Organisation.objects.select_related("party").get(slug=slug)
    start = html.index(f'<th scope="row">{escape(organisation.name)} <span class="side-code">{organisation.party.code}</span>')
    return html[start: html.index("</tr>", start)]


@pytest.fixture
def reported(partnership, reviewer, eu_official, uk_official, eda_official, client):
    target, eda_side = commitment("14.1"), commitment("25.1")
    commitment_update_status(commitment=eda_side, party_code="EU", status="in_progress", as_of=date(2026, 5, 15),
                             by=eda_official, expected_version=eda_side.version,
                             now=datetime.combine(date(2026, 5, 15), time(10), tzinfo=BRUSSELS))
    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    services.meeting_create(series=sdd, date=date(2026, 6, 1), place="Brussels", status="held", by=reviewer)

    client.force_login(eu_official)
    response = client.post(f"/commitments/{target.pk}/update/EU/", {
        "status": "in_progress", "note": "", "as_of": timezone.localdate().isoformat(), "marking": "OFFICIAL",
        "version": target.version, "corrects": ""})
    assert response.status_code == 302, response.content.decode()[:2000]

    client.force_login(uk_official)
    etag = client.get(f"/api/commitments/{target.pk}/", headers={"Accept": "application/json"})["ETag"]
    response = client.post(f"/api/commitments/{target.pk}/updates/", content_type="application/json",
                           headers={"Accept": "application/json", "If-Match": etag}, data=json.dumps({
                               "side": "UK", "status": "on_track", "note": "", "as_of": timezone.localdate().isoformat(),
                               "marking": "OFFICIAL", "evidence": []}))
    assert response.status_code == 201, response.content
    client.logout()


def test_updates_made_on_the_pages_and_through_the_api_count_as_returns(client, partnership, reported, administrator):
    client.force_login(administrator)
    html = client.get("/returns/").content.decode()

    assert f"<strong>2 of {len(owners(partnership))}</strong> owning organisations have returned." in html
    assert "since the last Security and Defence Dialogue (1 June 2026)" in html
    for slug in ("eeas", "fcdo"):
        row = board_row(html, slug)
        assert "Yes" in row and "Not yet" not in row
        assert f"{timezone.localdate():%-d %b %Y}" in row  # its latest update since
        assert "never" in row  # yet no spreadsheet
    assert "Not yet" in board_row(html, "mod")


def test_an_update_before_the_last_dialogue_does_not_count(client, partnership, reported, administrator):
    client.force_login(administrator)
    row = board_row(client.get("/returns/").content.decode(), "eda")
    assert "Not yet" in row and "none" in row


def test_the_board_reads_a_fixed_number_of_queries(client, partnership, reported, administrator,
                                                   django_assert_max_num_queries):
    client.force_login(administrator)
    with django_assert_max_num_queries(14):
        assert client.get("/returns/").status_code == 200


@pytest.mark.parametrize("persona", ["eu_official", "outsider"])
def test_only_administrators_see_the_board(client, partnership, reported, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/returns/")
    assert "Who has returned" not in response.content.decode()
