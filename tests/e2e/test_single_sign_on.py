"""In real Chromium: an official signs in with their organisation's OpenID provider (the live test provider of
tests/oidc_provider.py), is told their new account waits for a role, and signs out of the tracker and the provider;
someone the provider's claim makes an analyst goes straight to the dashboard. Axe on each page, and at 390 px the
sign-in page does not scroll sideways."""

import json
import re

import pytest
from django.utils.csp import CSP
from playwright.sync_api import expect

from accounts.models import User
from accounts.oidc_config import form_action_origins, providers_from_json
from tests.oidc_provider import Provider

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def provider(partnership, live_server, settings):
    provider = Provider().start()
    provider.add_client("tracker", "tracker-secret",
                        redirect_uris=[f"{live_server.url}/accounts/sso/test-idp/callback/"],
                        post_logout_redirect_uris=[f"{live_server.url}/accounts/login/"])
    settings.OIDC_PROVIDERS = providers_from_json(json.dumps([{
        "slug": "test-idp", "name": "Test IdP", "issuer": provider.issuer, "client_id": "tracker",
        "client_secret": "tracker-secret", "organisation": "fcdo", "role_claim": "groups",
        "roles": {"tracker-analysts": "analyst"}}]))
    # What partnership/settings.py does with OIDC_PROVIDERS at start-up: the sign-out form may lead to the provider.
    settings.SECURE_CSP = settings.SECURE_CSP | {"form-action": [CSP.SELF,
                                                                 *form_action_origins(settings.OIDC_PROVIDERS)]}
    yield provider
    provider.stop()


def sign_in_at_provider(page, login: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Test provider")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Provider password").fill("provider-password")
    page.get_by_role("button", name="Continue").click()


def test_a_new_official_signs_in_with_the_provider_waits_for_a_role_and_signs_out_of_both(
        page, live_server, provider, assert_accessible, screenshot):
    provider.add_user("jane", preferred_username="jane.doe", given_name="Jane", family_name="Doe")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    screenshot("sign-in-with-a-provider-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot("sign-in-with-a-provider")

    page.get_by_role("link", name="Sign in with Test IdP").click()
    sign_in_at_provider(page, "jane")
    expect(page).to_have_url(f"{live_server.url}/accounts/pending/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is waiting for a role")
    expect(page.get_by_role("main")).to_contain_text("You are signed in as jane.doe@test-idp through Test IdP")
    assert_accessible(page)
    screenshot("single-sign-on-waiting-for-a-role")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/accounts/login/\?state="))
    assert provider.sessions == {}
    page.get_by_role("link", name="Sign in with Test IdP").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test provider")  # asked again at the provider


def test_someone_the_providers_claim_makes_an_analyst_goes_straight_to_the_dashboard(page, live_server, provider):
    provider.add_user("ana", preferred_username="ana", groups=["tracker-analysts"])
    page.goto(f"{live_server.url}/commitments/")
    page.get_by_role("link", name="Sign in with Test IdP").click()
    sign_in_at_provider(page, "ana")
    expect(page).to_have_url(f"{live_server.url}/commitments/")
    assert User.objects.get(username="ana@test-idp").roles == ["analyst"]
