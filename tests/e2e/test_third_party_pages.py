"""In real Chromium: the pages the tracker takes from libraries — Swagger UI's API documentation, Django REST
framework's browsable API, the admin's door — pass axe-core with no violation of any impact, break no rule of the
Content Security Policy, fit a phone's width and lead back to the app."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_violations(axe):
    """Every axe-core finding, minor ones included (the shared check stops at serious)."""

    def check(page, where: str):
        found = axe.run(page).response["violations"]
        assert not found, where + "\n" + "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in found)

    return check


@pytest.fixture
def policy_breaches(page):
    """What Chromium reports refusing under the Content Security Policy, as it happens."""
    seen = []
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None)
    return seen


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def open_operation(page, operation_id: str):
    page.locator(f"#operations-{operation_id} .opblock-summary-control").click()
    expect(page.locator(f"#operations-{operation_id} .opblock-body")).to_be_visible()


def test_the_api_documentation_passes_axe_within_the_policy_open_or_closed(
        partnership, analyst, live_server, sign_in, no_violations, policy_breaches, screenshot):
    page = sign_in(analyst)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="API").click()
    page.get_by_role("link", name="API documentation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API documentation")
    expect(page.locator("#operations-parts-parts_list")).to_be_visible()  # Swagger UI has drawn the operations
    no_violations(page, "closed")

    page.get_by_role("button", name="Authorize").click()  # a token instead of the session: Swagger UI's dialog
    expect(page.get_by_role("heading", name="Available authorizations")).to_be_visible()
    no_violations(page, "the authorisation dialog")
    page.get_by_role("button", name="Close").first.click()

    open_operation(page, "parts-parts_list")
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table tbody .response-col_status")).to_have_text("200")
    no_violations(page, "a list tried out")

    open_operation(page, "commitments-commitments_list")  # its parameters include lists of values
    open_operation(page, "commitments-commitments_updates_create")  # a write, beside the open list
    page.locator(".model-box-control").first.click()
    no_violations(page, "three operations and a schema open")

    page.set_viewport_size({"width": 390, "height": 844})
    assert fits(page)
    no_violations(page, "on a phone")
    screenshot("api-docs-phone")
    assert policy_breaches == []

    page.get_by_role("link", name="Dashboard").click()  # the app's own navigation, on the documentation's page
    expect(page.get_by_role("heading", level=1)).to_contain_text("Implementation overview")


def test_the_browsable_api_passes_axe_within_the_policy_and_leads_back(
        partnership, analyst, live_server, sign_in, no_violations, policy_breaches, screenshot):
    page = sign_in(analyst)
    for path in ("/api/", "/api/commitments/?page_size=2&status=not_assessed", "/api/commitments/1/",
                 "/api/updates/", "/api/commitments/?page_size=x"):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        no_violations(page, path)
    page.goto(f"{live_server.url}/api/commitments/?page_size=2")
    page.get_by_text("Filters and ordering").click()
    page.get_by_label("Strength").select_option("firm")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"[?&]strength=firm(&|$)"))
    expect(page.locator(".api-response")).to_contain_text('"strength": "firm"')
    no_violations(page, "filtered")
    page.set_viewport_size({"width": 390, "height": 844})
    assert fits(page)
    screenshot("browsable-api-phone")
    assert policy_breaches == []
    page.get_by_role("link", name="API documentation").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API documentation")


def test_an_official_who_opens_the_admin_is_told_it_is_not_for_their_role(
        partnership, eu_official, live_server, sign_in, no_violations):
    page = sign_in(eu_official)
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The admin is not for your role")
    expect(page.get_by_text("log in to another account")).to_have_count(0)
    no_violations(page, "the admin's door")
    page.get_by_role("link", name="Back to the tracker").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("My work")
