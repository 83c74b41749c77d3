"""Many partnerships in one tracker: the one shown is chosen once (header switcher, `?partnership=`, the session)
and every page, list, dashboard, report and export shows that one only; each partnership's parties and
organisations are its own, the EU's bodies shared. Beside the seeded EU–UK Partnership (A), the fictional
EU–Ruritania one of tests/conftest.py (B)."""

import csv
import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from agreement.choice import SESSION_KEY
from commitments.models import Commitment
from commitments.services import commitment_update_status
from dialogues.models import DialogueSeries, Meeting
from reports.models import GeneratedPdf
from tests.conftest import commitment, make_user

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
A, B = "eu-uk-sdp-2025", "eu-ruritania-2026"
B_TITLES = {"Ruritania annual dialogue", "Ruritania maritime exchanges", "Ruritania considers the Forum"}


def shown_titles(response) -> set[str]:
    return {row.commitment.title for row in response.context["rows"]}


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8") if response.streaming else response.content.decode()
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def record(ref: str, party: str, status: str, by, *, partnership: str, when: datetime):
    target = Commitment.objects.get(ref=ref, paragraph__partnership__slug=partnership)
    return commitment_update_status(commitment=target, party_code=party, status=status, note="Noted.",
                                    as_of=when.date(), by=by, expected_version=target.version, now=when)


@pytest.fixture
def ruritanian(second_partnership):
    return make_user("rur-official", organisation="rur-mod", is_official=True)


@pytest.fixture
def signed_in(client, analyst, second_partnership):
    client.force_login(analyst)
    return client


# ---------------------------------------------------------------------------------------------------------------------
# Choosing


def test_someone_who_has_chosen_nothing_sees_the_first_adopted_and_the_switcher_offers_both(signed_in):
    response = signed_in.get(reverse("dashboards:overview"))
    assert response.context["partnership"].slug == A
    html = response.content.decode()
    assert ('<form method="get" action="/dashboard/" class="partnership-switch" aria-label="Choose the partnership">'
            in html)
    assert ('<label for="partnership-switch">Partnership</label>\n        <select id="partnership-switch" '
            'name="partnership"><option value="eu-uk-sdp-2025" selected>EU–UK Security and Defence Partnership'
            '</option><option value="eu-ruritania-2026">EU–Ruritania Security and Defence Partnership</option>'
            '</select>\n        <button type="submit" class="button-small">Show</button>') in html


def test_a_partnership_chosen_once_is_kept_on_every_page_after(signed_in):
    assert signed_in.get(reverse("dashboards:overview"), {"partnership": B}).context["partnership"].slug == B
    assert signed_in.session[SESSION_KEY] == B
    assert shown_titles(signed_in.get(reverse("commitments:list"))) == B_TITLES
    assert signed_in.get(reverse("reports:index")).context["partnership"].slug == B
    html = signed_in.get(reverse("dashboards:owners")).content.decode()
    assert '<option value="eu-ruritania-2026" selected>' in html


def test_officials_start_on_a_partnership_of_their_own_party(client, second_partnership, ruritanian, eu_official):
    client.force_login(ruritanian)
    assert client.get(reverse("my_work")).context["partnership"].slug == B
    client.force_login(eu_official)  # the EEAS is party to both: the first adopted
    assert client.get(reverse("my_work")).context["partnership"].slug == A


def test_a_partnership_no_longer_there_falls_back_on_the_default(signed_in):
    session = signed_in.session
    session[SESSION_KEY] = "a-partnership-since-removed"
    session.save()
    assert signed_in.get(reverse("dashboards:overview")).context["partnership"].slug == A


@pytest.mark.parametrize("url", ["/dashboard/", "/dashboard/owners/", "/commitments/", "/commitments/instruments/",
                                 "/dialogues/", "/reports/", "/reports/history/", "/reports/commitments.csv",
                                 "/reports/history.xlsx", "/reports/overview.pdf", "/my-work/"])
def test_a_partnership_that_does_not_exist_is_not_found(client, second_partnership, eu_official, url):
    client.force_login(eu_official)
    assert client.get(url, {"partnership": "nowhere"}).status_code == 404
    assert client.get(url, {"partnership": "a\x00b"}).status_code == 404


def test_the_switcher_of_a_page_of_one_object_leads_to_the_dashboard(signed_in):
    html = signed_in.get(commitment("14.1").get_absolute_url()).content.decode()
    assert '<form method="get" action="/dashboard/" class="partnership-switch"' in html
    html = signed_in.get(reverse("commitments:list")).content.decode()
    assert '<form method="get" action="/commitments/" class="partnership-switch"' in html


def test_reading_a_partnerships_text_chooses_it(signed_in):
    html = signed_in.get(reverse("partnership:document", args=[B])).content.decode()
    assert '<option value="eu-ruritania-2026" selected>' in html
    assert signed_in.get(reverse("dashboards:overview")).context["partnership"].slug == B


def test_with_one_partnership_there_is_no_switcher(client, analyst):
    client.force_login(analyst)
    html = client.get(reverse("dashboards:overview")).content.decode()
    assert "partnership-switch" not in html
    assert ">Partnership</a>" in html  # the menu names the one partnership


def test_the_list_of_partnerships_says_which_one_is_shown(signed_in):
    html = signed_in.get(reverse("partnership:list")).content.decode()
    assert ">Partnerships</a>" in html
    assert "<strong>The partnership the dashboard, lists and reports show now.</strong>" in html
    assert '<a href="/dashboard/?partnership=eu-ruritania-2026">Show this partnership' in html


# ---------------------------------------------------------------------------------------------------------------------
# Pages show the chosen partnership only


def test_the_commitment_list_shows_the_chosen_partnership_only(signed_in):
    a = signed_in.get(reverse("commitments:list"), {"page": 2})
    assert a.context["page"].paginator.count == 95 and not shown_titles(a) & B_TITLES
    b = signed_in.get(reverse("commitments:list"), {"partnership": B})
    assert (b.context["page"].paginator.count, shown_titles(b)) == (3, B_TITLES)
    assert 'href="/reports/commitments.csv?partnership=eu-ruritania-2026"' in b.content.decode()


def test_the_list_offers_the_chosen_partnerships_areas_sides_and_organisations_only(signed_in):
    html = signed_in.get(reverse("commitments:list"), {"partnership": B}).content.decode()
    select = lambda name: re.findall(r'<option value="([^"]*)"', html[html.index(f'name="{name}"'):].split("</select>")[0])
    assert select("area") == ["", "maritime-security"]
    assert select("side") == ["", "EU", "RUR"]
    assert "fcdo" not in select("owner") and {"eeas", "rur-mfa", "rur-mod"} <= set(select("owner"))
    assert 'name="partnership"' not in html.split('class="filters"')[1]  # the switcher chooses it, not a filter
    # An area slug both partnerships use names the chosen one's.
    maritime = signed_in.get(reverse("commitments:list"), {"area": "maritime-security"})
    assert shown_titles(maritime) == {"Ruritania maritime exchanges"}


def test_the_dashboards_count_the_chosen_partnership(signed_in):
    assert signed_in.get(reverse("dashboards:overview")).context["data"]["commitment_count"] == 95
    b = signed_in.get(reverse("dashboards:overview"), {"partnership": B}).context
    assert (b["data"]["commitment_count"], b["data"]["side_count"]) == (3, 5)
    assert b["data"]["per_side"].keys() == {"EU", "RUR"}
    owners = signed_in.get(reverse("dashboards:owners")).context["rows"]
    assert sorted((row.label, row.party, row.commitment_count) for row in owners) == [
        ("European External Action Service", "EU", 2), ("Ministry of Defence of Ruritania", "RUR", 1),
        ("Ministry of Foreign Affairs of Ruritania", "RUR", 2)]
    areas = signed_in.get(reverse("dashboards:areas")).context["rows"]
    assert sorted((row.label, row.commitment_count) for row in areas) == [
        ("General framework and Way Forward", 2), ("Maritime Security", 1)]


def test_dialogues_history_reports_and_instruments_show_the_chosen_partnership(signed_in, ruritanian, eu_official):
    record("2.1", "RUR", "at_risk", ruritanian, partnership=B, when=datetime(2026, 5, 4, 10, tzinfo=BRUSSELS))
    record("14.1", "EU", "on_track", eu_official, partnership=A, when=datetime(2026, 5, 5, 10, tzinfo=BRUSSELS))
    series = signed_in.get(reverse("dialogues:index"), {"partnership": B}).context["series_list"]
    assert [s.slug for s, _ in series] == ["eu-ruritania-2026-dialogue"]
    history = signed_in.get(reverse("reports:history")).context["rows"]
    assert [(u.commitment.title, u.side.party.code) for u, _ in history] == [("Ruritania maritime exchanges", "RUR")]
    assert "No instrument is recorded" in signed_in.get(reverse("commitments:instruments")).content.decode()
    signed_in.get(reverse("reports:index"), {"partnership": A})
    a_series = signed_in.get(reverse("dialogues:index")).context["series_list"]
    assert "eu-ruritania-2026-dialogue" not in [s.slug for s, _ in a_series] and len(a_series) == 16
    assert [u.commitment.ref for u, _ in signed_in.get(reverse("reports:history")).context["rows"]] == ["14.1"]


def test_my_work_shows_one_partnership_and_names_the_others(client, second_partnership, eu_official):
    client.force_login(eu_official)
    a = client.get(reverse("my_work"))
    assert {owed.reference for owed, _ in a.context["rows"]} >= {"¶14.1"}
    assert not {owed.title for owed, _ in a.context["rows"]} & B_TITLES
    assert ('Your organisation also owns work in <a href="/my-work/?partnership=eu-ruritania-2026">EU–Ruritania '
            'Security and Defence Partnership</a> (2 sides).') in a.content.decode()
    b = client.get(reverse("my_work"), {"partnership": B})
    assert sorted(owed.title for owed, _ in b.context["rows"]) == ["Ruritania annual dialogue",
                                                                    "Ruritania maritime exchanges"]


def test_the_return_board_lists_the_chosen_partnerships_owners(client, second_partnership, administrator):
    client.force_login(administrator)
    board = client.get(reverse("returns:index"), {"partnership": B}).context["board"]
    assert [row.organisation.slug for row in board] == ["eeas", "rur-mfa", "rur-mod"]


def test_a_meeting_of_a_partnership_offers_its_own_organisations(client, second_partnership, reviewer):
    client.force_login(reviewer)
    series = DialogueSeries.objects.get(slug="eu-ruritania-2026-dialogue")
    html = client.get(reverse("dialogues:meeting_new", args=[series.pk])).content.decode()
    assert "RUR MFA (RUR)" in html and "EEAS (EU)" in html and "FCDO (UK)" not in html


# ---------------------------------------------------------------------------------------------------------------------
# Exports


def test_the_exports_hold_the_chosen_partnership_only(signed_in, ruritanian):
    record("2.1", "RUR", "at_risk", ruritanian, partnership=B, when=datetime(2026, 5, 4, 10, tzinfo=BRUSSELS))
    signed_in.get(reverse("dashboards:overview"), {"partnership": B})
    rows = csv_rows(signed_in.get(reverse("reports:commitments", args=["csv"])))
    head, blank = dict(r for r in rows[: rows.index([])]), rows.index([])
    assert head["Partnership"] == "EU–Ruritania Security and Defence Partnership"
    columns, data = rows[blank + 1], rows[blank + 2:]
    assert "RUR status" in columns and "UK status" not in columns
    assert [r[0] for r in data] == ["¶1.1", "¶2.1", "¶3.1"]
    history = csv_rows(signed_in.get(reverse("reports:history_export", args=["csv"])))
    assert [(r[2], r[4], r[5]) for r in history[history.index([]) + 2:]] == [("¶2.1", "RUR", "At risk")]
    overview = csv_rows(signed_in.get(reverse("reports:overview", args=["csv"])))
    assert sorted(r[1] for r in overview[overview.index([]) + 2:] if r[0] == "Owner organisation") == [
        "European External Action Service", "Ministry of Defence of Ruritania", "Ministry of Foreign Affairs of Ruritania"]


def test_a_pdf_asked_for_names_the_chosen_partnership_for_the_background_rendering(signed_in):
    signed_in.get(reverse("dashboards:overview"), {"partnership": B})
    signed_in.get(reverse("reports:commitments", args=["pdf"]), {"strength": "firm"})
    assert GeneratedPdf.objects.get().params["asked"] == [["partnership", B], ["strength", "firm"]]


# ---------------------------------------------------------------------------------------------------------------------
# Every page still answers with two partnerships


@time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=BRUSSELS), tick=False)
def test_every_page_answers_with_two_partnerships(client, second_partnership, analyst, reviewer, administrator,
                                                   ruritanian):
    b_commitment = Commitment.objects.get(ref="2.1", paragraph__partnership__slug=B)
    held = Meeting.objects.get(series__slug="eu-ruritania-2026-dialogue", status="held")
    series = held.series
    for slug in (A, B):
        everyone = [f"/dashboard/?partnership={slug}", "/dashboard/areas/", "/dashboard/owners/", "/partnerships/",
                    f"/partnerships/{slug}/", "/commitments/", "/commitments/instruments/", "/dialogues/",
                    "/reports/", "/reports/history/", "/dialogues/notifications/", "/dialogues/calendar/",
                    f"/commitments/{commitment('14.1').pk}/", f"/commitments/{b_commitment.pk}/",
                    f"/dialogues/series/{series.pk}/", "/api/commitments/", "/api/organisations/"]
        sees_all = ["/portfolio/", "/portfolio.csv", f"/dialogues/meetings/{held.pk}/",
                    f"/dialogues/meetings/{held.pk}/pack/"]
        for user, extra in ((analyst, sees_all), (reviewer, [*sees_all, f"/dialogues/series/{series.pk}/meetings/new/"]),
                            (administrator, [*sees_all, "/returns/"]),
                            (ruritanian, ["/my-work/", "/returns/", f"/commitments/{b_commitment.pk}/update/RUR/"])):
            client.force_login(user)
            for url in everyone + extra:
                assert client.get(url).status_code == 200, (user.username, slug, url)
