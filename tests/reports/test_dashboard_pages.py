"""The dashboards as pages and as the PDF report: the legend is the bars' colours, the bars carry their numbers and
a scale, the breakdowns say when their data is from, tiles look like the links they are."""

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from commitments import history
from commitments.models import Commitment, CommitmentSide
from commitments.services import commitment_update_status
from common.exports import Header, pdf_bytes
from reports import columns, dashboard

BRUSSELS = ZoneInfo("Europe/Brussels")


def record(ref: str, user, side: str, status: str, when: datetime):
    commitment = Commitment.objects.get(ref=ref)
    return commitment_update_status(commitment=commitment, party_code=side, status=status, note="Noted.",
                                    as_of=when.date(), by=user, expected_version=commitment.version, now=when)


@pytest.fixture
def updates(partnership, eu_official, uk_official):
    record("14.1", eu_official, "EU", "on_track", datetime(2025, 8, 10, 10, tzinfo=BRUSSELS))
    record("14.1", uk_official, "UK", "delayed", datetime(2025, 9, 2, 11, tzinfo=BRUSSELS))
    record("20.1", eu_official, "EU", "ongoing", datetime(2026, 1, 15, 10, 30, tzinfo=BRUSSELS))


@pytest.mark.parametrize("url_name", ["dashboards:areas", "dashboards:owners"])
def test_the_breakdowns_say_when_the_last_update_was_recorded(client, analyst, updates, url_name):
    client.force_login(analyst)
    html = client.get(reverse(url_name)).content.decode()
    assert "Data as of 15 January 2026 10:30" in html
    assert "no update recorded yet" not in html


def test_before_any_update_the_breakdowns_say_so(client, analyst, partnership):
    client.force_login(analyst)
    assert "Data as of — no update recorded yet" in client.get(reverse("dashboards:owners")).content.decode()


def test_the_overview_legend_shows_each_status_as_its_swatch_glyph_and_name(client, analyst, updates):
    client.force_login(analyst)
    html = client.get(reverse("dashboards:overview")).content.decode()
    legend = html[html.index('<ul class="legend"'):]
    legend = legend[:legend.index("</ul>")]
    assert re.findall(r'<span class="swatch status-(\w+)" aria-hidden="true">(.)</span> ([^<]+)</li>', legend) == [
        ("achieved", "★", "Achieved"), ("ongoing", "↻", "Ongoing"), ("on_track", "✓", "On track"),
        ("in_progress", "◔", "In progress"), ("at_risk", "!", "At risk"), ("delayed", "▼", "Delayed"),
        ("not_started", "○", "Not started"), ("discontinued", "✕", "Discontinued"),
        ("not_assessed", "?", "Not yet assessed")]


def test_the_overview_bars_carry_their_numbers_and_a_share_scale(client, analyst, updates):
    client.force_login(analyst)
    html = client.get(reverse("dashboards:overview")).content.decode()
    uk = CommitmentSide.objects.filter(party__code="UK").count()
    assert f'UK side <span class="hbar-total">{uk}</span>' in html
    assert f'aria-hidden="true">? {uk - 1}</text>' in html  # the UK sides not assessed, printed in the bar
    assert f'aria-label="UK side: Delayed, 1 ({round(100 / uk, 1)}%)"' in html  # too thin to print in: named
    for tick in ("0%", "25%", "50%", "75%", "100%"):
        assert f">{tick}</text>" in html
    assert html.count('class="hbar-row hbar-axis"') == 2  # under the status bars, and under firm and exploratory


def test_the_progress_chart_has_a_scale_of_sides_and_labels_today(client, analyst, updates):
    client.force_login(analyst)
    html = client.get(reverse("dashboards:overview")).content.decode()
    chart = html[html.index('<div class="colchart">'):]
    scale = [int(n) for n in re.findall(r'class="axis" text-anchor="end" dx="-6">(\d+)</text>', chart)]
    step, sides = scale[1], CommitmentSide.objects.count()
    assert scale == list(range(0, scale[-1] + 1, step)) and len(scale) <= 6  # 172 sides: 0, 50, 100, 150, 200
    assert str(step).strip("0") in {"1", "2", "5"} and scale[-1] - step < sides <= scale[-1]
    assert re.search(r'text-anchor="end" class="axis">Today</text>', chart)


def test_headline_tiles_are_links_that_look_like_links(client, analyst, updates):
    client.force_login(analyst)
    html = client.get(reverse("dashboards:overview")).content.decode()
    assert html.count('<li class="tile tile-link') == 5
    assert '<a href="/commitments/?partnership=eu-uk-sdp-2025&amp;due=overdue"><span class="tile-number">' in html


@pytest.mark.parametrize("url_name", ["dashboards:overview", "dashboards:areas", "dashboards:owners"])
def test_an_account_without_a_role_sees_no_dashboard(client, outsider, url_name):
    client.force_login(outsider)
    assert client.get(reverse(url_name)).status_code == 403


def rendered_report(analyst, partnership) -> PdfReader:
    """The PDF report as the overview export renders it (reports.views.overview_export)."""
    today = timezone.localdate()
    found = history.facts(partnership, None, today=today)
    overview = dashboard.overview(partnership, today, facts=found)
    header = Header(title="Progress by area and by owner organisation", partnership=str(partnership), filters={},
                    produced_by=analyst.username, as_of=None, produced_at=timezone.now())
    return PdfReader(io.BytesIO(pdf_bytes("reports/pdf/overview.html", {
        "header": header, "overview": overview, "order": dashboard.STATUS_ORDER, "bars": columns.overview_bars(overview),
        "areas": dashboard.breakdown(partnership, today, by="area", facts=found),
        "owners": dashboard.breakdown(partnership, today, by="owner", facts=found),
    })))


def test_the_pdf_report_paints_its_bars_in_the_status_colours_and_has_a_legend(analyst, partnership, updates):
    report = rendered_report(analyst, partnership)
    drawn = report.pages[0].get_contents().get_data().decode("latin-1")
    painted = set(re.findall(r"([\d.]+ [\d.]+ [\d.]+) rg", drawn))
    # on track #009e73, delayed #d55e00, ongoing #56b4e9, not yet assessed #dddddd, as in static/css/status.css
    assert {"0 0.619608 0.45098", "0.835294 0.368627 0", "0.337255 0.705882 0.913725", "0.866667 0.866667 0.866667"} <= painted
    text = " ".join(report.pages[0].extract_text().split())
    # Under each bar its numbers, after each status's glyph; then the legend: every status, glyph and name.
    eu = CommitmentSide.objects.filter(party__code="EU").count()
    one, rest = round(100 / eu, 1), round(100 * (eu - 2) / eu, 1)  # 86 sides: 1.2% and 97.7%
    assert f"EU side ↻ Ongoing 1 ({one}%) · ✓ On track 1 ({one}%) · ? Not yet assessed {eu - 2} ({rest}%)" in text
    assert ("★ Achieved ↻ Ongoing ✓ On track ◔ In progress ! At risk ▼ Delayed ○ Not started ✕ Discontinued "
            "? Not yet assessed") in text
