"""An administrator links an existing account to the person's identity at their provider in the admin (the user's
page, "single sign-on identities"); their next sign-in there opens that account, and the change is in the audit log.
Removing the identity unlinks it: the next sign-in makes a new account without a role."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ProviderIdentity, User
from audit.models import AuditEntry
from tests.test_admin import _change_form

pytestmark = pytest.mark.django_db


def user_form(client, url: str, *, issuer: str, subject: str) -> dict:
    """The user's admin page posted back unchanged but for one identity added (the sign-up date is two inputs)."""
    form = _change_form(client, url)
    joined = timezone.localtime(form.pop("date_joined"))
    return form | {"date_joined_0": f"{joined:%Y-%m-%d}", "date_joined_1": f"{joined:%H:%M:%S}",
                   "provider_identities-TOTAL_FORMS": "1", "provider_identities-0-provider": "test-idp",
                   "provider_identities-0-issuer": issuer, "provider_identities-0-subject": subject}


def test_an_administrator_links_an_existing_account_to_its_provider_identity(
        client, provider, sign_in, administrator, uk_official):
    claims = provider.add_user("official", preferred_username="u.k.official")
    client.force_login(administrator)
    url = reverse("admin:accounts_user_change", args=[uk_official.pk])
    saved = client.post(url, user_form(client, url, issuer=provider.issuer, subject=claims["sub"]))
    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else ""
    change = AuditEntry.objects.filter(action="admin:accounts_user_change", user=administrator).get()
    assert "single sign-on identity" in change.details["change"]

    client.logout()
    assert sign_in("official")["Location"] == "/"
    assert client.get("/").url == "/my-work/"
    assert AuditEntry.objects.filter(action="signed in", user=uk_official).latest("pk").details == {
        "provider": "test-idp"}


def test_the_same_identity_cannot_be_linked_to_two_accounts(client, provider, administrator, uk_official, eu_official):
    ProviderIdentity.objects.create(user=eu_official, provider="test-idp", issuer=provider.issuer, subject="s-1")
    client.force_login(administrator)
    url = reverse("admin:accounts_user_change", args=[uk_official.pk])
    refused = client.post(url, user_form(client, url, issuer=provider.issuer, subject="s-1"))
    assert refused.status_code == 200
    assert "Single sign-on identity with this Issuer and Subject already exists." in refused.content.decode()
    assert list(ProviderIdentity.objects.values_list("user__username", flat=True)) == ["eu-official"]


def test_an_account_signed_in_through_a_provider_is_offered_no_password_page(client, provider, sign_in):
    provider.add_user("jane", preferred_username="jane.doe")
    sign_in("jane")
    assert not User.objects.get(username="jane.doe@test-idp").has_usable_password()
    assert reverse("password_change") not in client.get("/accounts/pending/").content.decode()
