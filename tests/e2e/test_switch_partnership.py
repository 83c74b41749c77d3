"""In real Chromium: an analyst switches the tracker to the second partnership from the header (its button reached
and pressed from the keyboard), the choice holds on the next pages, and the portfolio shows both partnerships."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import fictional_partnership

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_analyst_switches_partnership_from_the_header_and_it_holds(
    partnership, analyst, live_server, sign_in, assert_accessible, screenshot
):
    fictional_partnership()
    page = sign_in(analyst)
    page.goto(f"{live_server.url}/commitments/")
    expect(page.locator(".result-count")).to_contain_text("95 commitments")

    switcher = page.get_by_label("Partnership", exact=True)
    expect(switcher).to_have_value("eu-uk-sdp-2025")
    switcher.focus()
    switcher.select_option(label="EU–Ruritania Security and Defence Partnership")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Show")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/commitments/\?partnership=eu-ruritania-2026$"))
    expect(page.locator(".result-count")).to_contain_text("3 commitments")
    expect(page.get_by_role("heading", level=1)).to_contain_text("EU–Ruritania Security and Defence Partnership")
    assert_accessible(page)
    screenshot("partnership-switched")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("EU–Ruritania Security and Defence Partnership")
    expect(page.get_by_label("Partnership", exact=True)).to_have_value("eu-ruritania-2026")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Portfolio").click()
    rows = page.locator("table.portfolio tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("EU–UK Security and Defence Partnership")
    expect(rows.nth(1)).to_contain_text("EU–Ruritania Security and Defence Partnership")
    assert_accessible(page)
    screenshot("portfolio")
