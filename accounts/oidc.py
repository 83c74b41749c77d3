"""Single sign-on with OpenID Connect, beside passwords: each provider of OIDC_PROVIDERS (accounts/oidc_config.py)
belongs to one organisation, and Authlib's Django client speaks the protocol.

1. `/accounts/sso/<slug>/` reads the provider's discovery document (its issuer must be the one configured) and sends
   the browser to its authorisation endpoint with a fresh state, nonce and PKCE challenge (S256), kept in the session.
2. The provider sends the browser back to `/accounts/sso/<slug>/callback/` with a code. `verified_claims` exchanges
   it, with the PKCE verifier and the client secret, for an ID token, and checks the token: its signature against the
   keys the provider publishes (JWKS), its issuer, its audience (our client id), its expiry and its nonce.
3. `identity_sign_in` finds the account by issuer and subject (`sub`; never by e-mail address) or creates it: in the
   provider's organisation, with no role unless the provider's configured claim gives one, and no usable password.
4. The session remembers the provider and the ID token. Django's backend name in the session tells the second factor
   not to ask for a code (the provider's job for these sign-ins), and signing out ends the provider's session too.
"""

import re

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from joserfc.errors import JoseError

from accounts.middleware import SINGLE_SIGN_ON_BACKEND
from accounts.models import ProviderIdentity, User
from accounts.oidc_config import Provider
from agreement.models import Organisation
from audit import log as audit

SESSION_KEY = "single_sign_on"  # {"provider": slug, "id_token": "…"}, for signing out at the provider
TIMEOUT_SECONDS = 10  # a provider that does not answer must not hold a worker
_clients: dict[Provider, object] = {}


class SignInRefused(Exception):
    """The provider's answer was not accepted; the message says why (for the audit log, not for the page)."""


class ProviderUnreachable(Exception):
    """The provider did not answer, or not with JSON."""


class SingleSignOnBackend(ModelBackend):
    """The backend a provider's sign-in is recorded under: it accepts no password, only finds the user again on each
    request (an account turned off is signed out, as with passwords)."""

    def authenticate(self, request, **credentials):
        return None


def provider_named(slug: str) -> Provider | None:
    return next((p for p in settings.OIDC_PROVIDERS if p.slug == slug), None)


def _client(provider: Provider):
    """One Authlib client per provider configuration: it keeps the discovery document and the keys between sign-ins
    (and fetches the keys again when a token names one it does not know)."""
    if provider not in _clients:
        _clients[provider] = OAuth().register(
            provider.slug, client_id=provider.client_id, client_secret=provider.client_secret,
            server_metadata_url=provider.discovery_url,
            client_kwargs={"scope": provider.scope, "code_challenge_method": "S256",
                           "token_endpoint_auth_method": provider.token_auth_method,
                           "default_timeout": TIMEOUT_SECONDS},
        )
    return _clients[provider]


def _metadata(provider: Provider) -> dict:
    try:
        metadata = _client(provider).load_server_metadata()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnreachable(f"discovery failed: {error.__class__.__name__}") from error
    if metadata.get("issuer") != provider.issuer:  # OpenID Connect Discovery 1.0, section 4.3
        raise SignInRefused(f"the discovery document names another issuer: {metadata.get('issuer')!r}")
    return metadata


def authorisation_redirect(request, provider: Provider, *, callback_url: str):
    """The browser's way to the provider (step 1)."""
    _metadata(provider)
    return _client(provider).authorize_redirect(request, callback_url)


def verified_claims(request, provider: Provider) -> tuple[dict, str]:
    """The checked claims of the ID token the provider's answer leads to, and the token itself (step 2)."""
    _metadata(provider)
    expected = {"iss": {"essential": True, "value": provider.issuer},
                "aud": {"essential": True, "value": provider.client_id},  # Authlib alone lets aud pass with azp
                "sub": {"essential": True}}
    try:
        token = _client(provider).authorize_access_token(request, claims_options=expected, leeway=60)
    except requests.RequestException as error:
        raise ProviderUnreachable(f"token request failed: {error.__class__.__name__}") from error
    except (AuthlibBaseError, JoseError, ValueError, KeyError) as error:
        raise SignInRefused(f"{error.__class__.__name__}: {str(error).rstrip(': ')}"[:500]) from error
    claims = token.get("userinfo")  # set only when an ID token came and passed every check
    if not claims:
        raise SignInRefused("the provider sent no ID token")
    return dict(claims), token["id_token"]


def identity_sign_in(*, provider: Provider, claims: dict, now=None) -> User:
    """The account of the verified `claims` (step 3), created on its first sign-in; its audit entry is in the same
    transaction. Refuses an account that has been turned off."""
    issuer, subject = claims.get("iss"), claims.get("sub")
    if not (isinstance(subject, str) and 0 < len(subject) <= 255 and isinstance(issuer, str) and len(issuer) <= 255):
        raise SignInRefused("the subject or issuer is not usable text of at most 255 characters")
    now = now or timezone.now()
    for attempt in (1, 2):  # a second try finds what a simultaneous first sign-in just created
        try:
            with transaction.atomic():
                identity = (ProviderIdentity.objects.select_for_update().select_related("user")
                            .filter(issuer=issuer, subject=subject).first())
                if identity is None:
                    return _create_account(provider=provider, claims=claims, now=now)
                return _returning(identity=identity, claims=claims, now=now)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _create_account(*, provider: Provider, claims: dict, now) -> User:
    organisation = Organisation.objects.filter(slug=provider.organisation).first()
    if organisation is None:
        raise SignInRefused(f"OIDC_PROVIDERS names organisation {provider.organisation!r}, which does not exist")
    roles = provider.roles_from(claims)
    user = User(username=_free_username(provider, claims), organisation=organisation, **_profile(claims),
                **{f"is_{role}": True for role in roles})
    user.set_unusable_password()  # this person proves who they are to their provider, not to us
    user.save()
    ProviderIdentity.objects.create(user=user, provider=provider.slug, issuer=claims["iss"], subject=claims["sub"],
                                    last_signed_in_at=now)
    audit.write("account created through single sign-on", by=user, object_ref=f"user {user.pk}",
                details={"provider": provider.slug, "issuer": claims["iss"], "subject": claims["sub"],
                         "organisation": organisation.slug, "roles": roles})
    return user


def _returning(*, identity: ProviderIdentity, claims: dict, now) -> User:
    """Names and address follow the provider's; roles stay as the administrators set them."""
    user = identity.user
    if not user.is_active:
        raise SignInRefused("the account has been turned off")
    changed = {name: value for name, value in _profile(claims).items() if value and getattr(user, name) != value}
    if changed:
        User.objects.filter(pk=user.pk).update(**changed)
        for name, value in changed.items():
            setattr(user, name, value)
        audit.write("account details updated from single sign-on", by=user, object_ref=f"user {user.pk}",
                    details={"provider": identity.provider, "fields": sorted(changed)})
    ProviderIdentity.objects.filter(pk=identity.pk).update(last_signed_in_at=now)
    return user


def _text(value, limit: int) -> str:
    """What a provider says, as storable text: no control characters (PostgreSQL refuses NUL), within the column."""
    return re.sub(r"[\x00-\x1f\x7f]", "", value if isinstance(value, str) else "").strip()[:limit]


def _profile(claims: dict) -> dict:
    email = _text(claims.get("email"), 254)
    try:
        validate_email(email)
    except ValidationError:
        email = ""
    if claims.get("email_verified") is False:  # the provider says it has not checked it: reminders must not go there
        email = ""
    return {"first_name": _text(claims.get("given_name"), 150), "last_name": _text(claims.get("family_name"), 150),
            "email": email}


def _free_username(provider: Provider, claims: dict) -> str:
    """`<name>@<provider>`, readable in the admin and the audit log and never the same as a password account's:
    the name is the provider's preferred user name, else the e-mail address's local part, numbered if taken."""
    raw = _text(claims.get("preferred_username"), 150) or _text(claims.get("email"), 254) or claims["sub"]
    local = re.sub(r"[^\w.+-]", "", raw.split("@")[0])[:100] or "user"
    suffix = f"@{provider.slug}"
    taken = set(User.objects.filter(username__startswith=local, username__endswith=suffix)
                .values_list("username", flat=True))
    return next(name for name in (f"{local}{suffix}", *(f"{local}-{n}{suffix}" for n in range(2, len(taken) + 3)))
                if name not in taken)


def remember(request, *, provider: Provider, id_token: str) -> None:
    """After login(): what signing out needs (step 4)."""
    request.session[SESSION_KEY] = {"provider": provider.slug, "id_token": id_token}


def provider_sign_out_url(request, *, come_back_to: str) -> str | None:
    """Where the browser goes to end the provider's session too (RP-initiated logout), if this session came from a
    provider that offers it on its own origin (the only one the pages' CSP lets a form lead to); else None."""
    remembered = request.session.get(SESSION_KEY) or {}
    provider = provider_named(remembered.get("provider", ""))
    if provider is None or not provider.sign_out_at_provider:
        return None
    try:
        endpoint = _metadata(provider).get("end_session_endpoint") or ""
    except (ProviderUnreachable, SignInRefused):
        return None
    if not endpoint.startswith(f"{provider.origin}/"):
        return None
    logout = _client(provider).create_logout_url(post_logout_redirect_uri=come_back_to, client_id=provider.client_id,
                                                 id_token_hint=remembered.get("id_token"))
    return logout["url"]
