"""In real Chromium: every status has one colour, the same in the legend, the bars, the columns and the badges; the
dashboard fits a phone; long pages sort, filter and fold, and axe-core finds nothing serious on any of them."""

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from commitments.models import CommitmentSide
from commitments.services import commitment_update_status

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STATUSES = ["achieved", "ongoing", "on_track", "in_progress", "at_risk", "delayed", "not_started", "discontinued"]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def every_status(partnership, eu_official):
    """Eight EU sides the EEAS owns, one in each status a side can be reported in; the rest are not yet assessed."""
    sides = CommitmentSide.objects.filter(owners__organisation__slug="eeas", party__code="EU").select_related(
        "commitment").order_by("commitment__paragraph__number", "commitment__position")[:len(STATUSES)]
    when = timezone.now() - timedelta(days=3)
    for side, status in zip(sides, STATUSES):
        commitment = side.commitment
        commitment_update_status(commitment=commitment, party_code="EU", status=status, note="Reported.",
                                 as_of=when.date(), by=eu_official, expected_version=commitment.version, now=when)


def colour(page, selector: str, prop: str) -> str:
    return page.locator(selector).first.evaluate(f"(e) => getComputedStyle(e).{prop}")


def test_each_status_is_one_colour_in_legend_bars_columns_and_badges(every_status, analyst, sign_in, assert_accessible,
                                                                     screenshot):
    page = sign_in(analyst)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Implementation overview")
    seen = {}
    for status in [*STATUSES, "not_assessed"]:
        swatch = colour(page, f".legend .swatch.status-{status}", "backgroundColor")
        assert colour(page, f"svg.hbar rect.fill-{status}", "fill") == swatch, status
        assert colour(page, f".colchart rect.fill-{status}", "fill") == swatch, status
        assert colour(page, f".heat-head .badge.status-{status}", "backgroundColor") == swatch, status
        seen[status] = swatch
    assert len(set(seen.values())) == 9, seen
    assert seen["ongoing"] == "rgb(86, 180, 233)" and seen["on_track"] == "rgb(0, 158, 115)"
    # The bar prints its numbers; the scale under it reads 0 to 100%.
    expect(page.locator("svg.hbar text.seg-value").first).to_be_visible()
    expect(page.locator("svg.hbar-scale").first).to_contain_text("100%")
    assert_accessible(page)
    screenshot("dashboard-colours")

    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    screenshot("dashboard-phone")
    for name in ("By area", "By owner organisation"):
        page.get_by_role("link", name=name, exact=True).click()
        expect(page.get_by_text(re.compile(r"Data as of \d+ \w+ \d{4} \d\d:\d\d"))).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert_accessible(page)


def test_a_link_to_a_paragraph_opens_its_folded_area(partnership, analyst, live_server, sign_in, assert_accessible):
    page = sign_in(analyst)
    page.goto(f"{live_server.url}{partnership.get_absolute_url()}#p40")
    expect(page.locator("#p40")).to_be_visible()
    expect(page.locator("details.fold:has(#p40)")).to_have_attribute("open", "")
    expect(page.locator("#p14")).not_to_be_visible()  # another area stays folded
    assert page.evaluate("document.documentElement.scrollHeight") < 6000  # was 27,000 pixels with everything open
    assert_accessible(page)

    page.get_by_role("navigation", name="Contents").get_by_role("link", name="Space security").click()
    expect(page.locator("#p28")).to_be_visible()
    page.get_by_role("button", name="Fold every area").click()
    expect(page.locator("#p40")).not_to_be_visible()
    page.get_by_role("button", name="Open every area").click()
    expect(page.locator("#p14")).to_be_visible()
    assert_accessible(page)


def test_the_commitment_list_sorts_by_its_column_headers(partnership, analyst, sign_in, assert_accessible):
    page = sign_in(analyst)
    page.get_by_role("link", name="Commitments", exact=True).click()
    header = page.get_by_role("columnheader", name=re.compile("^Commitment"))
    header.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"sort=title"))
    expect(page.get_by_role("columnheader", name=re.compile("^Commitment"))).to_have_attribute("aria-sort", "ascending")
    titles = page.locator("tbody tr td:nth-child(2) > a").all_inner_texts()
    assert titles == sorted(titles, key=str.lower)
    assert_accessible(page)

    page.get_by_role("columnheader", name=re.compile("^Commitment")).get_by_role("link").click()
    expect(page.get_by_role("columnheader", name=re.compile("^Commitment"))).to_have_attribute("aria-sort", "descending")
    # A filter applied afterwards keeps the sort.
    page.get_by_label("Strength").select_option("firm")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"sort=-title"))
    expect(page.get_by_role("columnheader", name=re.compile("^Commitment"))).to_have_attribute("aria-sort", "descending")


def test_an_official_filters_and_sorts_my_work(every_status, eu_official, sign_in, assert_accessible, screenshot):
    page = sign_in(eu_official)
    expect(page.get_by_role("heading", level=1)).to_contain_text("My work")
    page.get_by_label("Status").select_option("delayed")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text("Delayed")
    expect(page.get_by_role("status")).to_contain_text("1 of ")
    assert_accessible(page)

    page.get_by_role("link", name="Clear").click()
    page.get_by_role("columnheader", name=re.compile("^Next update due")).get_by_role("link").click()
    expect(page.get_by_role("columnheader", name=re.compile("^Next update due"))).to_have_attribute("aria-sort", "ascending")
    shown = [day for day in page.locator("tbody tr td:nth-child(5)").all_inner_texts() if day != "Nothing due"]
    assert shown == sorted(shown, key=lambda d: datetime.strptime(d, "%d %b %Y"))
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    screenshot("my-work-phone")
