"""OIDC_PROVIDERS: a JSON list read at start-up. A malformed one stops start-up with a message naming the variable,
the provider and the key; a good one gives each provider its organisation, its role claim and its sign-out."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.oidc_config import form_action_origins, providers_from_json

GOOD = {"slug": "eu-login", "name": "EU Login", "issuer": "https://idp.example.eu/realms/eu",
        "client_id": "tracker", "client_secret": "s3cret", "organisation": "eeas"}


def parsed(*items) -> tuple:
    return providers_from_json(json.dumps(list(items)))


def test_an_empty_value_means_passwords_only():
    assert providers_from_json("") == () and providers_from_json(None) == () and providers_from_json("  ") == ()


def test_a_provider_with_the_defaults():
    (provider,) = parsed(GOOD)
    assert (provider.slug, provider.name, provider.organisation, provider.scope, provider.token_auth_method) == (
        "eu-login", "EU Login", "eeas", "openid profile email", "client_secret_basic")
    assert provider.discovery_url == "https://idp.example.eu/realms/eu/.well-known/openid-configuration"
    assert provider.sign_out_at_provider is True and provider.roles == ()
    assert "s3cret" not in repr(provider)  # never in a log line or an error page


def test_several_providers_and_the_origins_forms_may_lead_to():
    providers = parsed(GOOD, GOOD | {"slug": "uk-gov", "issuer": "https://login.example.gov.uk/",
                                     "organisation": "fcdo"},
                       GOOD | {"slug": "mod", "issuer": "https://mod.example.uk", "sign_out_at_provider": False})
    assert [p.slug for p in providers] == ["eu-login", "uk-gov", "mod"]
    assert form_action_origins(providers) == ["https://idp.example.eu", "https://login.example.gov.uk"]


def test_a_claim_maps_values_to_roles():
    (provider,) = parsed(GOOD | {"role_claim": "groups",
                                 "roles": {"sdp-officials": "official", "sdp-analysts": "analyst"}})
    assert provider.roles_from({"groups": ["sdp-analysts", "sdp-officials", "other"]}) == ["official", "analyst"]
    assert provider.roles_from({"groups": "sdp-analysts"}) == ["analyst"]
    assert provider.roles_from({"groups": 42}) == [] and provider.roles_from({}) == []


@pytest.mark.parametrize(("value", "message"), [
    ("{not json", "OIDC_PROVIDERS must be a JSON list of providers: Expecting property name"),
    ('{"slug": "x"}', "OIDC_PROVIDERS must be a JSON list of objects, one per provider."),
    (json.dumps([GOOD | {"colour": "blue"}]), "OIDC_PROVIDERS, provider eu-login: unknown key 'colour'"),
    (json.dumps([{k: v for k, v in GOOD.items() if k != "client_secret"}]),
     "OIDC_PROVIDERS, provider eu-login: 'client_secret' is required (text)."),
    (json.dumps([GOOD | {"slug": ""}]), "OIDC_PROVIDERS, provider 1: 'slug' is required (text)."),
    (json.dumps([GOOD | {"slug": "EU Login"}]),
     "OIDC_PROVIDERS, provider EU Login: 'slug' must be lower-case letters, digits and hyphens."),
    (json.dumps([GOOD | {"issuer": "http://idp.example.eu"}]),
     "OIDC_PROVIDERS, provider eu-login: 'issuer' must be an https:// address, not 'http://idp.example.eu'."),
    (json.dumps([GOOD | {"issuer": "https://idp.example.eu/?realm=x"}]),
     "OIDC_PROVIDERS, provider eu-login: 'issuer' must have no query or fragment."),
    (json.dumps([GOOD | {"token_auth_method": "private_key_jwt"}]),
     "OIDC_PROVIDERS, provider eu-login: 'token_auth_method' must be client_secret_basic or client_secret_post."),
    (json.dumps([GOOD | {"role_claim": "groups", "roles": {"sdp-admins": "administrator"}}]),
     "OIDC_PROVIDERS, provider eu-login: 'sdp-admins' maps to 'administrator'; a claim may give official, "
     "analyst, reviewer (administrators are named in the admin)."),
    (json.dumps([GOOD | {"roles": {"sdp-analysts": "analyst"}}]),
     "OIDC_PROVIDERS, provider eu-login: 'role_claim' and 'roles' go together."),
    (json.dumps([GOOD | {"sign_out_at_provider": "yes"}]),
     "OIDC_PROVIDERS, provider eu-login: 'sign_out_at_provider' must be true or false."),
    (json.dumps([GOOD, GOOD]), "OIDC_PROVIDERS: two providers have the same slug."),
])
def test_a_malformed_list_is_refused_with_what_is_wrong(value, message):
    with pytest.raises(ImproperlyConfigured) as refused:
        providers_from_json(value)
    assert str(refused.value).startswith(message)


def test_the_settings_read_the_variable_and_stop_on_a_malformed_one():
    root = Path(__file__).resolve().parents[2]
    script = ("import django; django.setup(); from django.conf import settings; "
              "print([p.slug for p in settings.OIDC_PROVIDERS], [str(s) for s in settings.SECURE_CSP['form-action']])")

    def start(value):
        env = os.environ | {"OIDC_PROVIDERS": value, "DJANGO_SETTINGS_MODULE": "partnership.settings"}
        return subprocess.run([sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True)

    good = start(json.dumps([GOOD]))
    assert good.returncode == 0 and good.stdout.strip() == "['eu-login'] [\"'self'\", 'https://idp.example.eu']"
    bad = start("[1]")
    assert bad.returncode != 0
    assert "ImproperlyConfigured: OIDC_PROVIDERS must be a JSON list of objects, one per provider." in bad.stderr
