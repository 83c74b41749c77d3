"""Outages of a service the app depends on, in the audit log: an entry when a check first finds the service failing,
another when it answers again. Since when it has been failing is then a question of the log, asked by any process;
no process has to remember it."""

from datetime import datetime

from django.db.models import Max, Min

from audit.log import write
from audit.models import AuditEntry


def failing(part: str) -> str:
    return f"{part} unreachable"


def back(part: str) -> str:
    return f"{part} reachable again"


def _open_since(part: str) -> datetime | None:
    """The first failure entry after the latest recovery (two checks at once may both write one)."""
    entries = AuditEntry.objects.filter(action__in=[failing(part), back(part)])
    recovered = entries.filter(action=back(part)).aggregate(at=Max("at"))["at"]
    opened = entries.filter(action=failing(part))
    if recovered:
        opened = opened.filter(at__gt=recovered)
    return opened.aggregate(at=Min("at"))["at"]


def record_check(part: str, *, error: str | None) -> datetime | None:
    """Record what a check of `part` found (`error`: None when it answered); since when it has been failing."""
    since = _open_since(part)
    if error and since is None:
        return write(failing(part), object_ref=part, reason=error).at
    if not error and since is not None:
        write(back(part), object_ref=part, details={"failing_since": since.isoformat()})
        return None
    return since
