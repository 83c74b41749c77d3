"""In real Chromium: an official records an update from "my work"; others cannot; the dashboards show it."""

import re

import pytest
from playwright.sync_api import expect

from commitments.models import Commitment, StatusUpdate

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_eu_official_records_an_update_from_my_work_and_sees_it_on_the_dashboard(
    partnership, eu_official, sign_in, assert_accessible, screenshot
):
    page = sign_in(eu_official)
    expect(page.get_by_role("heading", level=1)).to_contain_text("My work")
    assert_accessible(page)

    first_row = page.locator("tbody tr").first
    expect(first_row).to_contain_text(re.compile("Stale|Overdue"))
    first_row.get_by_role("link", name=re.compile("Record update")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record an update: EU side")
    assert_accessible(page)

    # A troubled status without a note is refused with a field error, and nothing is recorded.
    page.get_by_label("At risk").check()
    page.get_by_role("button", name="Record update").click()
    expect(page.locator(".error-summary")).to_contain_text("Explain why the status is “at risk”")
    assert not StatusUpdate.objects.exists()

    page.get_by_label("On track").check()
    page.get_by_label("Progress note").fill("First exchange held in Brussels; the next is planned.")
    page.get_by_label("Evidence 1: title").fill("Joint press statement")
    page.get_by_label("Evidence 1: address").fill("https://example.org/statement")
    page.get_by_role("button", name="Record update").click()

    expect(page.get_by_role("status").first).to_contain_text("has been recorded")
    expect(page.locator(".timeline")).to_contain_text("First exchange held in Brussels")
    expect(page.get_by_role("link", name="Joint press statement")).to_have_attribute("href", "https://example.org/statement")
    assert_accessible(page)

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("link", name="EU side: On track, 1 (", exact=False)).to_have_count(1)
    assert_accessible(page)
    screenshot("overview-dashboard")

    page.get_by_role("link", name="By owner organisation").click()
    # The side had been stale since 2026: the update came late, and the table says so.
    expect(page.get_by_role("row", name=re.compile("European External Action Service"))).to_contain_text("0% of 1")
    assert_accessible(page)


def test_a_uk_official_cannot_update_an_eu_only_commitment(partnership, uk_official, live_server, sign_in, assert_accessible):
    eu_only = Commitment.objects.get(ref="44.1")
    page = sign_in(uk_official)
    page.goto(f"{live_server.url}{eu_only.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(eu_only.title)
    expect(page.get_by_role("link", name=re.compile("Record an update"))).to_have_count(0)
    assert_accessible(page)

    response = page.goto(f"{live_server.url}/commitments/{eu_only.pk}/update/EU/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do this")
    response = page.goto(f"{live_server.url}/commitments/{eu_only.pk}/update/UK/")
    assert response.status == 404
    assert not StatusUpdate.objects.exists()


def test_an_analyst_sees_the_dashboards_but_no_update_form(partnership, analyst, live_server, sign_in, assert_accessible):
    page = sign_in(analyst)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Implementation overview")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="My work")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="By area").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Progress by area")
    assert_accessible(page)

    commitment = Commitment.objects.get(ref="14.1")
    page.goto(f"{live_server.url}{commitment.get_absolute_url()}")
    expect(page.get_by_role("link", name=re.compile("Record an update"))).to_have_count(0)
    response = page.goto(f"{live_server.url}/commitments/{commitment.pk}/update/EU/")
    assert response.status == 403
