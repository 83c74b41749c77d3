"""Writing audit entries: the middleware records every successful write request; signals record sign-ins and
the second factor (codes accepted and refused, authenticator apps turned on and off)."""

import json

from django.conf import settings
from django.http.request import RawPostDataException
from django.utils import timezone

from audit.models import AuditEntry

SECRET_FIELDS = {"password", "old_password", "new_password1", "new_password2", "csrfmiddlewaretoken", "token", "key",
                 "otp_token"}
REASON_FIELDS = ("note", "rationale", "outcome", "text", "reason")


def client_address(request) -> str | None:
    if settings.SECURE_PROXY_SSL_HEADER and (forwarded := request.META.get("HTTP_X_FORWARDED_FOR")):
        return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def _details(request) -> dict:
    data = {}
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError, RawPostDataException):
            return {"body": "[not JSON]"}
        if isinstance(body, dict):
            data = {k: "[withheld]" if k in SECRET_FIELDS else str(v)[:500] for k, v in body.items()}
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        source = request.POST
        data = {k: ("[withheld]" if k in SECRET_FIELDS else " ".join(source.getlist(k))[:500]) for k in source}
    if request.FILES:
        data["files"] = [f"{f.name} ({f.size} bytes)" for f in request.FILES.values()]
    return data


def record(request, *, action: str, status_code: int | None = None, object_ref: str = "", reason: str = "",
           details: dict | None = None, user=None) -> AuditEntry:
    user = user or (request.user if getattr(request, "user", None) and request.user.is_authenticated else None)
    return AuditEntry.objects.create(
        at=timezone.now(), user=user, username=(user.username if user else request.POST.get("username", "")[:150]),
        action=action[:120], method=request.method or "", path=(request.path or "")[:500], status_code=status_code,
        object_ref=object_ref[:120], reason=reason, details=details if details is not None else _details(request),
        ip_address=client_address(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )


class AuditMiddleware:
    """Every write request that succeeds (2xx or 3xx) leaves an entry; refused ones are not writes."""

    WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
    # Recorded by the sign-in and two-factor signals (audit/signals.py), refused attempts included.
    SKIP = ("/accounts/login/", "/accounts/logout/", "/accounts/two-factor/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Read the form before the view does, so a streamed body is not consumed twice.
        details = _details(request) if request.method in self.WRITE_METHODS and not request.path.startswith(self.SKIP) else None
        response = self.get_response(request)
        if details is not None and response.status_code < 400:
            match = request.resolver_match
            action = match.view_name if match else request.path
            object_ref = ", ".join(f"{k}={v}" for k, v in (match.kwargs.items() if match else []))
            reason = next((details[f] for f in REASON_FIELDS if details.get(f)), "")
            record(request, action=action, status_code=response.status_code, object_ref=object_ref, reason=reason,
                   details={k: v for k, v in details.items() if k not in REASON_FIELDS})
        return response
