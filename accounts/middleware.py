import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from rest_framework.authentication import get_authorization_header

from accounts import two_factor
from accounts.tokens import BearerTokenAuthentication

SIGNED_IN_AT = "signed_in_at"
# The backend Django records in the session of a sign-in through an OpenID provider (accounts/oidc.py).
SINGLE_SIGN_ON_BACKEND = "accounts.oidc.SingleSignOnBackend"


def signed_in_through_provider(request) -> bool:
    """Set by login() itself, so nothing but a provider's sign-in can claim it."""
    return request.session.get(BACKEND_SESSION_KEY) == SINGLE_SIGN_ON_BACKEND


class AbsoluteSessionLifetimeMiddleware:
    """Ends a session SESSION_ABSOLUTE_SECONDS after sign-in, however active it stays.

    Idle expiry is Django's own (SESSION_COOKIE_AGE, renewed on every request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.setdefault(SIGNED_IN_AT, time.time())
            if time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, "Your session has ended; please sign in again.")
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class RoleRequiredMiddleware:
    """Signed-in accounts without any role get a 403 on every page but their own account pages.

    The API checks the same through accounts.permissions.HasRole; the admin site checks is_staff itself."""

    OPEN_PREFIXES = ("/accounts/", "/health/", "/static/", "/admin/", "/api/", "/calendar/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.has_role and not request.path.startswith(self.OPEN_PREFIXES):
            raise PermissionDenied("Your account has no role in the tracker yet: ask an administrator to give you one.")
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages for signed-in users are never kept by browsers or proxies (shared or back-button caches)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated or request.path.startswith(("/api/", "/calendar/")):
            response["Cache-Control"] = "no-store, private"
        return response


class SecondFactorMiddleware:
    """After the password, a user with a confirmed authenticator app enters a code before any page opens, the admin
    site included; with ADMIN_TOTP_REQUIRED, an administrator without one sets one up first (accounts/two_factor.py).

    Pages redirect to the code (or set-up) page; the API, used with the session, answers 403 in the API's error shape.
    API tokens (`Authorization: Bearer`) and calendar feed addresses are credentials of their own and pass as before;
    so does a session signed in through an OpenID provider, whose own sign-in is where a second factor belongs.
    Runs after django-otp's OTPMiddleware, which knows whether this session has been verified."""

    OPEN_PREFIXES = ("/health/", "/static/", "/calendar/", "/accounts/logout/", "/admin/logout/")
    VERIFY_PATH = "/accounts/two-factor/verify/"
    SET_UP_PREFIX = "/accounts/two-factor/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (not user.is_authenticated or request.path.startswith(self.OPEN_PREFIXES) or _sends_a_token(request)
                or user.is_verified() or signed_in_through_provider(request)):
            return self.get_response(request)
        if two_factor.has_confirmed_device(user):
            if request.path == self.VERIFY_PATH:
                return self.get_response(request)
            return self._refuse(request, "two_factor_verify", "second_factor_required",
                                "Enter the code from your authenticator app at /accounts/two-factor/verify/ first "
                                "(API tokens are not asked for one).")
        setting_up = request.path.startswith(self.SET_UP_PREFIX)
        if settings.ADMIN_TOTP_REQUIRED and two_factor.may_enrol(user) and not setting_up:
            return self._refuse(request, "two_factor", "second_factor_setup_required",
                                "Administrators must set up two-factor sign-in at /accounts/two-factor/ first.")
        return self.get_response(request)

    @staticmethod
    def _refuse(request, url_name: str, code: str, detail: str):
        if request.path.startswith("/api/"):
            return JsonResponse({"status": 403, "code": code, "detail": detail, "errors": {}}, status=403)
        return redirect(f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}")


def _sends_a_token(request) -> bool:
    """An API token is checked by the API itself (accounts.tokens.BearerTokenAuthentication), not by the session.

    The header is read exactly as that class reads it: whatever it would not take for a token (say, a keyword
    joined to the key by a non-breaking space) would let DRF fall back on the session, so it gets no pass here."""
    words = get_authorization_header(request).split()
    return (request.path.startswith("/api/") and bool(words)
            and words[0].decode(errors="replace").lower() in BearerTokenAuthentication.keywords)
