"""Writing audit entries. Each service writes its own (`write`), in the transaction of the change it records, so no
write path can commit without its entry and a failed write leaves none. Where the change came from — a page or the
API, a Celery task, a management command — is the origin: set once per request by `AuditOriginMiddleware`, once per
task by the Celery app, and otherwise the command line of the process."""

import ipaddress
import sys
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from audit.models import AuditEntry


@dataclass(frozen=True)
class Origin:
    method: str  # the HTTP method, "task" or "command"
    path: str  # the path asked for, the task's name or the command line
    ip_address: str | None = None
    user_agent: str = ""


_origin: ContextVar[Origin | None] = ContextVar("audit_origin", default=None)


def _process() -> Origin:
    return Origin("command", " ".join(arg.rsplit("/", 1)[-1] for arg in sys.argv[:2]))


def begin_origin(where: Origin):
    return _origin.set(where)


def end_origin(token) -> None:
    _origin.reset(token)


@contextmanager
def origin(where: Origin):
    token = begin_origin(where)
    try:
        yield
    finally:
        end_origin(token)


def _proxies() -> list:
    return [ipaddress.ip_network(p, strict=False) for p in settings.TRUSTED_PROXIES]


def client_address(request) -> str | None:
    """The peer's address; behind a proxy we run (TRUSTED_PROXIES), the last address it was given that is not one of
    ours. X-Forwarded-For from anyone else is a claim, not an address."""
    peer = request.META.get("REMOTE_ADDR") or None
    proxies = _proxies()
    hops = [peer] + [h.strip() for h in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(","))]
    for hop in hops:
        try:
            address = ipaddress.ip_address(hop)
        except ValueError:
            return peer
        if not any(address in network for network in proxies):
            return str(address)
    return peer


def request_origin(request) -> Origin:
    return Origin(_clean(request.method or "")[:10], _clean(request.path or "")[:500], client_address(request),
                  _clean(request.META.get("HTTP_USER_AGENT", ""))[:300])


def _clean(value):
    """What the database can store: no NUL characters (PostgreSQL refuses them in text), in strings at any depth."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_clean(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value if value is None or isinstance(value, (bool, int, float)) else _clean(str(value))


def write(action: str, *, by=None, object_ref: str = "", reason: str = "", details: dict | None = None,
          username: str = "") -> AuditEntry:
    """One entry: who (`by`, or a user name when nobody is signed in), what (`action` on `object_ref`, with
    `details`), why (`reason`), and from where (the origin)."""
    where = _origin.get() or _process()
    user = by if by is not None and getattr(by, "pk", None) else None
    return AuditEntry.objects.create(
        at=timezone.now(), user=user, username=_clean(user.username if user else username)[:150],
        action=_clean(action)[:120], method=where.method, path=where.path, object_ref=_clean(object_ref)[:120],
        reason=_clean(reason or ""), details=_clean(details or {}), ip_address=where.ip_address,
        user_agent=where.user_agent,
    )


class AuditOriginMiddleware:
    """Says where the request's writes come from; the services write the entries."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with origin(request_origin(request)):
            return self.get_response(request)


ADMIN_VERBS = {1: "add", 2: "change", 3: "delete"}


def admin_change(sender, instance, created, **kwargs) -> None:
    """An admin journal line (django.contrib.admin's LogEntry) as an audit entry: the admin writes it in the
    transaction of the change, for every model, ours or a library's."""
    if not created:
        return
    model = instance.content_type.model_class()
    label = f"{instance.content_type.app_label}_{instance.content_type.model}"
    write(f"admin:{label}_{ADMIN_VERBS.get(instance.action_flag, 'change')}", by=instance.user,
          object_ref=f"{model._meta.verbose_name if model else label} {instance.object_id}",
          details={"object": instance.object_repr, "change": instance.get_change_message()})
