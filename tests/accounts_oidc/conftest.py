"""The test provider (tests/oidc_provider.py) runs for the whole session on a free port; each test registers the
tracker with it afresh and configures the tracker for it as OIDC_PROVIDERS would."""

import json

import pytest
import requests

from accounts.oidc_config import providers_from_json
from tests.oidc_provider import Provider

CLIENT_ID, CLIENT_SECRET = "tracker", "tracker-secret"


def tracker_config(issuer: str, **changes) -> dict:
    """One provider as .env.example documents it: the UK's test provider, for the FCDO."""
    return {"slug": "test-idp", "name": "Test IdP", "issuer": issuer, "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET, "organisation": "fcdo", "role_claim": "groups",
            "roles": {"tracker-analysts": "analyst", "tracker-officials": "official"}} | changes


def configure(settings, *configs: dict) -> None:
    settings.OIDC_PROVIDERS = providers_from_json(json.dumps(list(configs)))


@pytest.fixture(scope="session")
def live_provider():
    provider = Provider().start()
    yield provider
    provider.stop()


@pytest.fixture
def provider(live_provider, settings, partnership):
    live_provider.mischief = ""
    for kept in (live_provider.users, live_provider.sessions, live_provider.seen, live_provider.codes):
        kept.clear()
    live_provider.add_client(CLIENT_ID, CLIENT_SECRET,
                             redirect_uris=["http://testserver/accounts/sso/test-idp/callback/",
                                            "http://testserver/accounts/sso/other-idp/callback/"],
                             post_logout_redirect_uris=["http://testserver/accounts/login/"])
    configure(settings, tracker_config(live_provider.issuer))
    return live_provider


@pytest.fixture
def provider_browser():
    """The person's browser as the provider sees it (with its own cookies; not Playwright's `browser`)."""
    with requests.Session() as session:
        yield session


@pytest.fixture
def sign_in(client, provider, provider_browser):
    """The whole round trip: the tracker's button, the provider's sign-in, the provider's answer to the tracker.
    Returns the tracker's answer to that last step."""

    def through_provider(login: str, *, start: str = "/accounts/sso/test-idp/"):
        leaving = client.get(start)
        assert leaving.status_code == 302, leaving.content[:300]
        assert leaving["Location"].startswith(f"{provider.issuer}/authorize?")
        back = provider.sign_in(provider_browser, leaving["Location"], login)
        assert back.startswith("http://testserver/accounts/sso/"), back
        return client.get(back)

    return through_provider
