"""The OpenID providers officials sign in with, read from the environment variable OIDC_PROVIDERS: a JSON list with one
object per provider (.env.example and docs/operations.md show one). A malformed list stops start-up with a message
naming the variable, the provider and the key.

Plain Python, no models: the settings module reads it before the apps are loaded."""

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

VARIABLE = "OIDC_PROVIDERS"
# A claim may give these roles; administrator is granted in the admin only, never by another organisation's system.
CLAIMABLE_ROLES = ("official", "analyst", "reviewer")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
_KEYS = {"slug", "name", "issuer", "client_id", "client_secret", "organisation", "scope", "token_auth_method",
         "role_claim", "roles", "sign_out_at_provider"}
_REQUIRED = ("slug", "name", "issuer", "client_id", "client_secret", "organisation")


@dataclass(frozen=True)
class Provider:
    slug: str  # in the sign-in addresses: /accounts/sso/<slug>/
    name: str  # on the button: "Sign in with <name>"
    issuer: str  # its discovery document is at <issuer>/.well-known/openid-configuration
    client_id: str
    client_secret: str = field(repr=False)
    organisation: str  # the slug of the organisation its accounts belong to
    scope: str = "openid profile email"
    token_auth_method: str = "client_secret_basic"
    role_claim: str = ""  # e.g. "groups": the claim whose values `roles` maps to tracker roles
    roles: tuple[tuple[str, str], ...] = ()  # (claim value, role) pairs
    sign_out_at_provider: bool = True  # signing out of the tracker ends the provider's session too

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.issuer)
        return f"{parts.scheme}://{parts.netloc}"

    def roles_from(self, claims: dict) -> list[str]:
        """The tracker roles the configured claim gives, in CLAIMABLE_ROLES order."""
        if not self.role_claim:
            return []
        values = claims.get(self.role_claim)
        values = [values] if isinstance(values, str) else values if isinstance(values, list) else []
        granted = {role for value, role in self.roles if value in values}
        return [role for role in CLAIMABLE_ROLES if role in granted]


def providers_from_json(text: str | None) -> tuple[Provider, ...]:
    """Every provider of the JSON list `text` (none when empty), or ImproperlyConfigured saying what is wrong."""
    if not (text or "").strip():
        return ()
    try:
        items = json.loads(text)
    except ValueError as error:
        raise ImproperlyConfigured(f"{VARIABLE} must be a JSON list of providers: {error}.") from None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ImproperlyConfigured(f"{VARIABLE} must be a JSON list of objects, one per provider.")
    providers = tuple(_provider(item, position) for position, item in enumerate(items, start=1))
    slugs = [p.slug for p in providers]
    if len(set(slugs)) != len(slugs):
        raise ImproperlyConfigured(f"{VARIABLE}: two providers have the same slug.")
    return providers


def form_action_origins(providers) -> list[str]:
    """Where a form of ours may lead: signing out (a form) ends on the provider's own sign-out page."""
    return sorted({p.origin for p in providers if p.sign_out_at_provider})


def _provider(item: dict, position: int) -> Provider:
    where = f"{VARIABLE}, provider {item.get('slug') or position}"
    unknown = set(item) - _KEYS
    if unknown:
        raise ImproperlyConfigured(f"{where}: unknown key {sorted(unknown)[0]!r} (known: {', '.join(sorted(_KEYS))}).")
    for key in _REQUIRED:
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise ImproperlyConfigured(f"{where}: {key!r} is required (text).")
    if not _SLUG.fullmatch(item["slug"]):
        raise ImproperlyConfigured(f"{where}: 'slug' must be lower-case letters, digits and hyphens.")
    _check_issuer(item["issuer"], where)
    if item.get("token_auth_method", "client_secret_basic") not in {"client_secret_basic", "client_secret_post"}:
        raise ImproperlyConfigured(f"{where}: 'token_auth_method' must be client_secret_basic or client_secret_post.")
    if not isinstance(item.get("sign_out_at_provider", True), bool):
        raise ImproperlyConfigured(f"{where}: 'sign_out_at_provider' must be true or false.")
    roles = _roles(item, where)
    given = {key: item[key] for key in _KEYS - {"roles"} if key in item}
    return Provider(**given, roles=roles)


def _check_issuer(issuer: str, where: str) -> None:
    """HTTPS, except on this machine (the test suite's provider)."""
    parts = urlsplit(issuer)
    local = parts.hostname in {"127.0.0.1", "localhost", "::1"}
    if parts.scheme != "https" and not (parts.scheme == "http" and local) or not parts.hostname:
        raise ImproperlyConfigured(f"{where}: 'issuer' must be an https:// address, not {issuer!r}.")
    if parts.query or parts.fragment:
        raise ImproperlyConfigured(f"{where}: 'issuer' must have no query or fragment.")


def _roles(item: dict, where: str) -> tuple[tuple[str, str], ...]:
    roles, claim = item.get("roles", {}), item.get("role_claim", "")
    if not isinstance(claim, str) or not isinstance(roles, dict):
        raise ImproperlyConfigured(f"{where}: 'role_claim' is a claim's name and 'roles' an object.")
    if bool(roles) != bool(claim):
        raise ImproperlyConfigured(f"{where}: 'role_claim' and 'roles' go together.")
    for value, role in roles.items():
        if role not in CLAIMABLE_ROLES:
            raise ImproperlyConfigured(
                f"{where}: {value!r} maps to {role!r}; a claim may give {', '.join(CLAIMABLE_ROLES)} "
                "(administrators are named in the admin).")
    return tuple(sorted(roles.items()))
