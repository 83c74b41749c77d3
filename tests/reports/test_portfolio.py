"""The portfolio: one line per partnership (commitments, share on track, overdue, next dialogue, last SDD held),
counted in SQL in a number of queries that does not grow with the partnerships. Beside the seeded EU–UK
Partnership, the fictional EU–Ruritania one of tests/conftest.py."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dialogues.models import Meeting
from reports.portfolio import portfolio
from tests.conftest import fictional_partnership, make_user

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
DAY = date(2026, 12, 1)


def figures(rows) -> list[tuple]:
    return [(r.partnership.slug, r.commitments, r.on_track, r.on_track_share, r.overdue,
             r.next_meeting.date if r.next_meeting else None, r.next_due_on, r.last_sdd.date if r.last_sdd else None)
            for r in rows]


def test_each_partnership_has_its_figures(analyst, second_partnership):
    # EU–UK: 95 commitments, none reported yet, so none on track and, eighteen months after adoption, every one
    # overdue; no meeting planned, its first series due on 19 November 2025. EU–Ruritania (conftest): ¶1.1 on
    # track, ¶2.1 overdue since its six-monthly update fell due, its dialogue held on 15 April 2026, next 10 Feb 2027.
    assert figures(portfolio(analyst, DAY)) == [
        ("eu-uk-sdp-2025", 95, 0, 0, 95, None, date(2025, 11, 19), None),
        ("eu-ruritania-2026", 3, 1, 33, 1, date(2027, 2, 10), None, date(2026, 4, 15)),
    ]


def test_the_figures_are_of_the_day_asked(analyst, second_partnership):
    # Before the Ruritanian dialogue met and before its six-monthly update fell due: nothing held, nothing overdue.
    assert figures(portfolio(analyst, date(2026, 3, 10))) == [
        ("eu-uk-sdp-2025", 95, 0, 0, 86, None, date(2025, 11, 19), None),
        ("eu-ruritania-2026", 3, 1, 33, 0, date(2027, 2, 10), None, None),
    ]


def test_a_planned_meeting_is_the_next_dialogue_and_a_held_sdd_the_last(analyst, reviewer, second_partnership):
    from dialogues.models import DialogueSeries

    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    consultations = DialogueSeries.objects.get(slug="working-level-consultations")
    Meeting.objects.create(series=sdd, date=date(2026, 5, 19), place="London", status=Meeting.Status.HELD)
    Meeting.objects.create(series=sdd, date=date(2025, 11, 3), place="Brussels", status=Meeting.Status.HELD)
    Meeting.objects.create(series=consultations, date=date(2026, 11, 20), place="Brussels", status=Meeting.Status.HELD)
    Meeting.objects.create(series=consultations, date=date(2027, 1, 12), place="London")
    Meeting.objects.create(series=sdd, date=date(2027, 5, 18), place="Brussels")
    Meeting.objects.create(series=sdd, date=date(2026, 11, 30), place="London", status=Meeting.Status.CANCELLED)
    [uk, _] = portfolio(analyst, DAY)
    assert (uk.next_meeting.date, uk.next_meeting.series.slug, uk.next_due_on) == (
        date(2027, 1, 12), "working-level-consultations", None)
    assert (uk.last_sdd.date, uk.last_sdd.series.slug) == (date(2026, 5, 19), "security-and-defence-dialogue")


def test_a_partnership_without_commitments_has_no_share(analyst, second_partnership):
    from agreement.models import Partnership

    Partnership.objects.create(slug="eu-empty", title="Empty", short_title="Empty", adopted_on=date(2027, 1, 1),
                               place="Nowhere", source_digest="x")
    assert figures(portfolio(analyst, DAY))[-1] == ("eu-empty", 0, 0, None, 0, None, None, None)


def test_the_count_of_queries_does_not_grow_with_the_partnerships(client, analyst, second_partnership,
                                                                  django_assert_max_num_queries):
    client.force_login(analyst)
    with CaptureQueriesContext(connection) as two:
        assert client.get(reverse("portfolio")).status_code == 200
    fictional_partnership(slug="eu-freedonia-2026", code="FRE", country="Freedonia", adopted_on=date(2026, 6, 1))
    fictional_partnership(slug="eu-elbonia-2026", code="ELB", country="Elbonia", adopted_on=date(2026, 7, 1))
    with django_assert_max_num_queries(len(two.captured_queries)):
        response = client.get(reverse("portfolio"))
    assert len(response.context["rows"]) == 4
    assert len(portfolio_queries(analyst)) == 3


def portfolio_queries(user) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        portfolio(user, DAY)
    return [q["sql"] for q in queries.captured_queries]


@time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=BRUSSELS), tick=False)
def test_the_page_shows_each_partnership_leading_to_its_dashboard(client, analyst, second_partnership):
    client.force_login(analyst)
    html = client.get(reverse("portfolio")).content.decode()
    planned = Meeting.objects.get(series__slug="eu-ruritania-2026-dialogue", status="planned")
    held = Meeting.objects.get(series__slug="eu-ruritania-2026-dialogue", status="held")
    row = html[html.index('<a href="/dashboard/?partnership=eu-ruritania-2026">'):]
    row = row[:row.index("</tr>")]
    assert "EU–Ruritania Security and Defence Partnership</a>" in row and "EU–RUR · adopted 2 Mar 2026" in row
    assert '<a href="/commitments/?partnership=eu-ruritania-2026">3</a>' in row
    assert '33%<div class="hint">1 of 3</div>' in row
    assert ('<a href="/commitments/?partnership=eu-ruritania-2026&amp;due=late"><span class="due due-overdue">'
            '<span aria-hidden="true">●</span> 1</span></a>') in row
    assert f'<a href="/dialogues/meetings/{planned.pk}/">10 Feb 2027</a>' in row
    assert f'<a href="/dialogues/meetings/{held.pk}/">15 Apr 2026</a>' in row
    uk = html[html.index('<a href="/dashboard/?partnership=eu-uk-sdp-2025">'):]
    uk = uk[:uk.index("</tr>")]
    assert "None planned<div class=\"hint\">due 19 Nov 2025: overdue</div>" in uk and "None yet" in uk
    assert ("in progress, on track, ongoing or achieved, as an independent review reads them") in html


@time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=BRUSSELS), tick=False)
def test_the_portfolio_downloads_as_the_page_shows_it(client, analyst, second_partnership):
    client.force_login(analyst)
    response = client.get(reverse("portfolio_export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff"))))
    head, blank = dict(r for r in rows[: rows.index([])]), rows.index([])
    assert (head["Report"], head["Partnership"]) == ("Portfolio of partnerships", "All partnerships")
    assert rows[blank + 1:] == [
        ["Partnership", "Parties", "Adopted", "Commitments", "On track", "On track (%)", "Overdue", "Next dialogue",
         "Next dialogue on", "Next due, none planned", "Last SDD held"],
        ["EU–UK Security and Defence Partnership", "EU, UK", "2025-05-19", "95", "0", "0", "95", "", "",
         "2025-11-19", ""],
        ["EU–Ruritania Security and Defence Partnership", "EU, RUR", "2026-03-02", "3", "1", "33", "1",
         "EU–Ruritania Security and Defence Dialogue", "2027-02-10", "", "2026-04-15"],
    ]
    assert client.get(reverse("portfolio_export", args=["xlsx"])).status_code == 200
    assert client.get("/portfolio.pdf").status_code == 404


def test_an_official_may_see_neither_the_page_nor_its_file(client, second_partnership, eu_official):
    client.force_login(eu_official)
    assert client.get(reverse("portfolio")).status_code == 403
    assert client.get(reverse("portfolio_export", args=["csv"])).status_code == 403
    assert "Portfolio</a>" not in client.get(reverse("dashboards:overview")).content.decode()


def test_the_menu_leads_analysts_reviewers_and_administrators_to_it(client, second_partnership):
    for who in ("analyst", "reviewer", "administrator"):
        client.force_login(make_user(f"{who}-p", **{f"is_{who}": True}))
        assert '<a href="/portfolio/" >Portfolio</a>' in client.get(reverse("dashboards:overview")).content.decode()
