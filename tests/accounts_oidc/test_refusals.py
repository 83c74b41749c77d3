"""What the tracker refuses from a provider, each time against the live test provider made to misbehave in one way:
the ID token's audience, nonce, signature, issuer and expiry, a discovery document naming another issuer, a replayed
or forged answer, an account turned off, a provider that does not answer. Nothing is signed in, no account is
created, the person reads why on the sign-in page, and the audit log says what was refused."""

import socket

import pytest

from accounts.models import ProviderIdentity, User
from audit.models import AuditEntry
from tests.accounts_oidc.conftest import configure, tracker_config

pytestmark = pytest.mark.django_db

DID_NOT_SUCCEED = "Signing in with Test IdP did not succeed. Try again; if it keeps failing, tell the tracker&#x27;s"


def assert_refused(client, answer, message: str = DID_NOT_SUCCEED) -> None:
    assert answer.status_code == 302 and answer["Location"] == "/accounts/login/"
    assert message in client.get("/accounts/login/").content.decode()
    assert client.get("/commitments/").status_code == 302  # still signed out: sent to the sign-in page
    assert not User.objects.filter(username__endswith="@test-idp").exists()


def refusals() -> list[dict]:
    return list(AuditEntry.objects.filter(action="single sign-on refused").values_list("details", flat=True))


@pytest.mark.parametrize(("mischief", "reason"), [
    ("wrong_audience", "InvalidClaimError: invalid_claim: Invalid claim: 'aud'"),
    ("wrong_nonce", "InvalidClaimError: invalid_claim: Invalid claim: 'nonce'"),
    ("bad_signature", "BadSignatureError: bad_signature"),
    ("unsigned", "UnsupportedAlgorithmError: unsupported_algorithm: Algorithm of 'none' is not allowed"),
    ("wrong_issuer", "InvalidClaimError: invalid_claim: Invalid claim: 'iss'"),
    ("expired", "ExpiredTokenError: expired_token: The token is expired"),
])
def test_an_id_token_that_fails_a_check_is_refused(client, provider, sign_in, mischief, reason):
    provider.add_user("jane", preferred_username="jane.doe")
    provider.mischief = mischief
    assert_refused(client, sign_in("jane"))
    assert refusals() == [{"provider": "test-idp", "reason": reason}]


def test_a_discovery_document_naming_another_issuer_is_refused_before_leaving(client, provider, settings):
    configure(settings, tracker_config(provider.issuer, name="A provider whose discovery lies"))
    provider.mischief = "discovery_issuer"
    answer = client.get("/accounts/sso/test-idp/")
    assert_refused(client, answer, "Signing in with A provider whose discovery lies is not set up correctly.")
    assert refusals() == [{"provider": "test-idp",
                           "reason": "the discovery document names another issuer: 'http://127.0.0.1:1/someone-else'"}]


def test_an_answer_used_twice_is_refused_the_second_time(client, provider, provider_browser):
    provider.add_user("jane", preferred_username="jane.doe")
    back = provider.sign_in(provider_browser, client.get("/accounts/sso/test-idp/")["Location"], "jane")
    assert client.get(back)["Location"] == "/accounts/pending/"
    client.post("/accounts/logout/")
    assert client.get(back)["Location"] == "/accounts/login/"
    assert client.get("/accounts/pending/").status_code == 302
    assert refusals()[0]["reason"].startswith("MismatchingStateError")


def test_an_answer_begun_in_another_browser_is_refused(client, provider, provider_browser):
    """Login CSRF: someone else's code and state, pasted into this provider_browser, find no state in its session."""
    from django.test import Client

    provider.add_user("mallory", preferred_username="mallory")
    theirs = Client()
    back = provider.sign_in(provider_browser, theirs.get("/accounts/sso/test-idp/")["Location"], "mallory")
    assert_refused(client, client.get(back))


def test_a_forged_answer_without_state_is_refused(client, provider):
    client.get("/accounts/sso/test-idp/")
    assert_refused(client, client.get("/accounts/sso/test-idp/callback/?code=made-up"))


def test_a_person_who_declines_at_the_provider_is_told_and_not_signed_in(client, provider):
    leaving = client.get("/accounts/sso/test-idp/")
    state = leaving["Location"].split("state=")[1].split("&")[0]
    answer = client.get(f"/accounts/sso/test-idp/callback/?error=access_denied&state={state}")
    assert_refused(client, answer)
    assert refusals()[0]["reason"].startswith("OAuthError: access_denied")


def test_an_account_turned_off_cannot_sign_in_through_its_provider(client, provider, sign_in, provider_browser):
    claims = provider.add_user("jane", preferred_username="jane.doe")
    sign_in("jane")
    provider_browser.get(client.post("/accounts/logout/")["Location"], allow_redirects=False)
    User.objects.filter(provider_identities__subject=claims["sub"]).update(is_active=False)

    answer = sign_in("jane")
    assert answer["Location"] == "/accounts/login/"
    assert client.get("/commitments/").status_code == 302
    assert refusals() == [{"provider": "test-idp", "reason": "the account has been turned off"}]


def test_a_provider_naming_an_organisation_that_does_not_exist_creates_no_account(client, provider, sign_in, settings):
    configure(settings, tracker_config(provider.issuer, organisation="no-such-body"))
    provider.add_user("jane")
    assert_refused(client, sign_in("jane"))
    assert refusals() == [{"provider": "test-idp", "reason": (
        "OIDC_PROVIDERS names organisation 'no-such-body', which does not exist")}]
    assert not ProviderIdentity.objects.exists()


def test_a_provider_that_does_not_answer_is_named_and_nothing_breaks(client, provider, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    configure(settings, tracker_config(f"http://127.0.0.1:{port}", name="Unreachable IdP"))
    answer = client.get("/accounts/sso/test-idp/")
    assert answer.status_code == 302 and answer["Location"] == "/accounts/login/"
    assert "Unreachable IdP cannot be reached just now." in client.get("/accounts/login/").content.decode()
    assert refusals() == [{"provider": "test-idp", "reason": "discovery failed: ConnectionError"}]
