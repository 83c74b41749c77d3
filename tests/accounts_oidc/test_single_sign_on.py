"""Signing in through an organisation's OpenID provider, end to end against the live test provider: the button, the
code flow with PKCE and a nonce, the account a first sign-in creates (no role, the provider's organisation), the
account found again by issuer and subject, roles from a configured claim, and the audit log."""

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest

from accounts.models import ProviderIdentity, User
from audit.models import AuditEntry
from tests.accounts_oidc.conftest import configure, tracker_config
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_offers_each_provider_beside_the_password_form(client, provider, settings):
    configure(settings, tracker_config(provider.issuer),
              tracker_config(provider.issuer, slug="other-idp", name="EU Login", organisation="eeas"))
    page = client.get("/accounts/login/?next=/commitments/").content.decode()
    assert 'name="password"' in page
    assert '<a class="button-secondary" href="/accounts/sso/test-idp/?next=/commitments/">Sign in with Test IdP</a>' in page
    assert '<a class="button-secondary" href="/accounts/sso/other-idp/?next=/commitments/">Sign in with EU Login</a>' in page


def test_without_providers_the_page_has_the_password_form_alone(client, settings):
    settings.OIDC_PROVIDERS = ()
    page = client.get("/accounts/login/").content.decode()
    assert 'name="password"' in page and "Sign in with" not in page


def test_a_first_sign_in_creates_an_account_without_a_role_in_the_providers_organisation(client, provider, sign_in):
    claims = provider.add_user("jane", preferred_username="jane.doe", given_name="Jane", family_name="Doe",
                               email="jane.doe@fcdo.example", email_verified=True)
    answer = sign_in("jane")

    assert answer.status_code == 302 and answer["Location"] == "/accounts/pending/"
    user = User.objects.get(provider_identities__subject=claims["sub"])
    assert (user.username, user.first_name, user.last_name, user.email) == (
        "jane.doe@test-idp", "Jane", "Doe", "jane.doe@fcdo.example")
    assert user.organisation.slug == "fcdo" and user.roles == [] and not user.has_usable_password()
    identity = user.provider_identities.get()
    assert (identity.provider, identity.issuer, identity.last_signed_in_at is not None) == (
        "test-idp", provider.issuer, True)

    pending = client.get("/accounts/pending/").content.decode()
    assert "Your account is waiting for a role" in pending
    assert "You are signed in as <strong>jane.doe@test-idp</strong> through Test IdP" in pending
    assert "An administrator of the tracker must give your account a role" in pending
    assert client.get("/commitments/").status_code == 403


def test_the_sign_in_and_the_new_account_are_in_the_audit_log(client, provider, sign_in):
    claims = provider.add_user("jane", preferred_username="jane.doe")
    sign_in("jane")
    user = User.objects.get(username="jane.doe@test-idp")
    entries = list(AuditEntry.objects.filter(user=user).order_by("pk").values_list("action", "details"))
    assert entries == [
        ("account created through single sign-on", {"provider": "test-idp", "issuer": provider.issuer,
                                                     "subject": claims["sub"], "organisation": "fcdo", "roles": []}),
        ("signed in", {"provider": "test-idp"}),
    ]


def test_the_tracker_uses_discovery_and_sends_pkce_s256_a_nonce_and_a_state(client, provider, sign_in, settings):
    configure(settings, tracker_config(provider.issuer, name="A provider not yet used"))
    provider.add_user("jane", preferred_username="jane.doe")
    sign_in("jane")

    paths = [path for _, path, _ in provider.seen]
    assert paths == ["/.well-known/openid-configuration", "/authorize", "/authorize", "/token", "/jwks"]
    authorize = next(params for method, path, params in provider.seen if path == "/authorize")
    token = next(params for method, path, params in provider.seen if path == "/token")
    assert authorize["response_type"] == "code" and authorize["scope"] == "openid profile email"
    assert authorize["code_challenge_method"] == "S256" and len(authorize["nonce"]) >= 20
    assert len(authorize["state"]) >= 20
    digest = hashlib.sha256(token["code_verifier"].encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == authorize["code_challenge"]
    assert "client_secret" not in token  # sent as HTTP Basic (client_secret_basic), the default

    client.post("/accounts/logout/")
    provider.seen.clear()
    sign_in("jane")
    assert [path for _, path, _ in provider.seen] == ["/authorize", "/token"]  # discovery and keys were kept


def test_a_code_is_worth_nothing_without_the_verifier_the_tracker_kept(client, provider, provider_browser):
    """What PKCE is for: a code caught on its way back cannot be exchanged by someone else, secret or not."""
    provider.add_user("jane")
    leaving = client.get("/accounts/sso/test-idp/")
    back = provider.sign_in(provider_browser, leaving["Location"], "jane")
    code = parse_qs(urlsplit(back).query)["code"][0]
    stolen = provider_browser.post(f"{provider.issuer}/token", auth=("tracker", "tracker-secret"), data={
        "grant_type": "authorization_code", "code": code,
        "redirect_uri": "http://testserver/accounts/sso/test-idp/callback/"})
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_request"


def test_the_next_sign_in_finds_the_account_by_issuer_and_subject_and_follows_the_providers_details(
        client, provider, sign_in):
    claims = provider.add_user("jane", preferred_username="jane.doe", family_name="Doe", email="jane@fcdo.example")
    sign_in("jane")
    client.post("/accounts/logout/")
    provider.users["jane"] |= {"family_name": "Doe-Smith", "email": "jane.doe-smith@fcdo.example"}

    sign_in("jane")
    user = User.objects.get(provider_identities__subject=claims["sub"])
    assert (User.objects.filter(username__endswith="@test-idp").count(), user.last_name, user.email) == (
        1, "Doe-Smith", "jane.doe-smith@fcdo.example")
    updated = AuditEntry.objects.get(user=user, action="account details updated from single sign-on")
    assert updated.details == {"provider": "test-idp", "fields": ["email", "last_name"]}


def test_an_e_mail_address_never_links_a_sign_in_to_an_existing_account(client, provider, sign_in):
    existing = make_user("jane", email="jane@fcdo.example", organisation="fcdo", is_official=True)
    provider.add_user("someone", preferred_username="jane", email="jane@fcdo.example", email_verified=True)
    sign_in("someone")
    created = User.objects.get(username="jane@test-idp")
    assert created.pk != existing.pk and created.roles == []
    assert not ProviderIdentity.objects.filter(user=existing).exists()


def test_an_identity_an_administrator_linked_signs_in_to_that_account(client, provider, sign_in, uk_official):
    claims = provider.add_user("official", preferred_username="someone-else")
    ProviderIdentity.objects.create(user=uk_official, provider="test-idp", issuer=provider.issuer,
                                    subject=claims["sub"])
    answer = sign_in("official")
    assert answer["Location"] == "/"
    assert client.get("/").url == "/my-work/"
    assert User.objects.filter(username__endswith="@test-idp").count() == 0


def test_the_same_user_name_at_a_provider_is_numbered_for_a_second_person(client, provider, sign_in, provider_browser):
    provider.add_user("first", preferred_username="j.smith")
    provider.add_user("second", preferred_username="j.smith")
    sign_in("first")
    provider_browser.get(client.post("/accounts/logout/")["Location"], allow_redirects=False)  # signed out there too
    sign_in("second")
    assert sorted(User.objects.filter(username__endswith="@test-idp").values_list("username", flat=True)) == [
        "j.smith-2@test-idp", "j.smith@test-idp"]


def test_a_configured_claim_gives_a_role_at_the_first_sign_in(client, provider, sign_in):
    provider.add_user("analyst", preferred_username="ana", groups=["staff", "tracker-analysts"])
    answer = sign_in("analyst", start="/accounts/sso/test-idp/?next=/commitments/")
    assert answer.status_code == 302 and answer["Location"] == "/commitments/"
    user = User.objects.get(username="ana@test-idp")
    assert user.roles == ["analyst"]
    created = AuditEntry.objects.get(user=user, action="account created through single sign-on")
    assert created.details["roles"] == ["analyst"]
    assert client.get("/commitments/").status_code == 200


def test_an_official_role_from_the_claim_records_for_the_providers_organisation(client, provider, sign_in):
    provider.add_user("official", preferred_username="olly", groups="tracker-officials")
    sign_in("official")
    user = User.objects.get(username="olly@test-idp")
    assert (user.roles, user.organisation.slug) == (["official"], "fcdo")
    assert client.get("/").url == "/my-work/"


def test_roles_an_administrator_removed_do_not_come_back_at_the_next_sign_in(client, provider, sign_in):
    provider.add_user("analyst", preferred_username="ana", groups=["tracker-analysts"])
    sign_in("analyst")
    User.objects.filter(username="ana@test-idp").update(is_analyst=False)
    client.post("/accounts/logout/")
    assert sign_in("analyst")["Location"] == "/accounts/pending/"
    assert User.objects.get(username="ana@test-idp").roles == []


def test_the_way_back_goes_only_to_an_address_of_the_tracker(client, provider, sign_in):
    provider.add_user("analyst", groups=["tracker-analysts"])
    answer = sign_in("analyst", start="/accounts/sso/test-idp/?next=https://elsewhere.example/")
    assert answer["Location"] == "/"


def test_what_a_provider_says_is_stored_as_clean_text(client, provider, sign_in):
    provider.add_user("odd", preferred_username="a\x00b<c>/d" + "x" * 300, given_name="Ja\x00ne\n" + "y" * 300,
                      family_name=["not", "text"], email="not an address")
    assert sign_in("odd")["Location"] == "/accounts/pending/"
    user = User.objects.get(username__endswith="@test-idp")
    assert user.username == "abcd" + "x" * 96 + "@test-idp"
    assert (user.first_name, user.last_name, user.email) == ("Jane" + "y" * 146, "", "")


def test_an_address_the_provider_has_not_verified_is_not_kept(client, provider, sign_in):
    provider.add_user("jane", preferred_username="jane", email="jane@fcdo.example", email_verified=False)
    sign_in("jane")
    assert User.objects.get(username="jane@test-idp").email == ""


def test_someone_already_signed_in_is_sent_on(client, provider, analyst):
    client.force_login(analyst)
    answer = client.get("/accounts/sso/test-idp/?next=/commitments/")
    assert answer.status_code == 302 and answer["Location"] == "/commitments/"


def test_an_unknown_provider_is_not_found(client, provider):
    assert client.get("/accounts/sso/nobody/").status_code == 404
    assert client.get("/accounts/sso/nobody/callback/?code=x&state=y").status_code == 404
