"""After a provider's sign-in: signing out ends the tracker's session and the provider's (RP-initiated logout), and
the tracker's second factor is not asked, the provider's sign-in being where it belongs. A password sign-in of the
same account is asked for its code as before."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ProviderIdentity
from audit.models import AuditEntry
from tests.accounts_oidc.conftest import configure, tracker_config

pytestmark = pytest.mark.django_db


def test_signing_out_ends_the_session_here_and_at_the_provider(client, provider, sign_in, provider_browser):
    provider.add_user("jane", preferred_username="jane.doe")
    sign_in("jane")
    assert len(provider.sessions) == 1

    leaving = client.post("/accounts/logout/")
    assert leaving.status_code == 302
    where = urlsplit(leaving["Location"])
    query = {key: values[0] for key, values in parse_qs(where.query).items()}
    assert f"{where.scheme}://{where.netloc}{where.path}" == f"{provider.issuer}/logout"
    assert query["post_logout_redirect_uri"] == "http://testserver/accounts/login/"
    assert query["client_id"] == "tracker" and query["id_token_hint"].count(".") == 2
    assert client.get("/accounts/pending/").status_code == 302  # the tracker's session is over already

    back = provider_browser.get(leaving["Location"], allow_redirects=False)
    assert back.status_code == 302 and back.headers["Location"].startswith("http://testserver/accounts/login/?state=")
    assert provider.sessions == {}
    again = provider_browser.get(client.get("/accounts/sso/test-idp/")["Location"], allow_redirects=False)
    assert again.status_code == 200 and "Provider password" in again.text  # asked to sign in at the provider again
    assert AuditEntry.objects.filter(action="signed out", user__username="jane.doe@test-idp").count() == 1


def test_a_provider_set_to_keep_its_session_is_left_alone(client, provider, sign_in, settings):
    configure(settings, tracker_config(provider.issuer, sign_out_at_provider=False))
    provider.add_user("jane", preferred_username="jane.doe")
    sign_in("jane")
    leaving = client.post("/accounts/logout/")
    assert leaving["Location"] == "/accounts/login/"
    assert len(provider.sessions) == 1


def test_a_password_sign_out_stays_here(client, provider, analyst):
    client.force_login(analyst)
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"


@pytest.fixture
def administrator_at_provider(provider, administrator):
    """An administrator with an authenticator app, whose account is also linked to the provider."""
    claims = provider.add_user("admin", preferred_username="admin")
    ProviderIdentity.objects.create(user=administrator, provider="test-idp", issuer=provider.issuer,
                                    subject=claims["sub"])
    TOTPDevice.objects.create(user=administrator, name="Authenticator app", confirmed=True)
    return administrator


def test_an_administrator_signed_in_through_the_provider_is_not_asked_for_a_code(
        client, administrator_at_provider, sign_in):
    assert sign_in("admin")["Location"] == "/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/commitments/").status_code == 200
    assert client.get("/api/commitments/").status_code == 200


def test_the_same_administrator_signing_in_with_a_password_is_asked_for_one(client, administrator_at_provider):
    client.post("/accounts/login/", {"username": "admin-1", "password": "correct-horse-battery"})
    assert client.get("/admin/")["Location"].startswith("/accounts/two-factor/verify/")


def test_administrators_made_to_set_up_an_app_are_not_when_they_come_through_a_provider(
        client, provider, administrator, sign_in, settings):
    settings.ADMIN_TOTP_REQUIRED = True
    claims = provider.add_user("admin")
    ProviderIdentity.objects.create(user=administrator, provider="test-idp", issuer=provider.issuer,
                                    subject=claims["sub"])
    sign_in("admin")
    assert client.get("/commitments/").status_code == 200
