import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

SIGNED_IN_AT = "signed_in_at"


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
