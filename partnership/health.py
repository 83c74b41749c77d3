"""What /health/ checks: each part on its own, so a failing one is named; where a part keeps a record, since when."""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Min
from django.utils import timezone

from audit import outages
from dialogues.models import Reminder, SweepRun
from partnership.celery import app as celery_app


def database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"database": "ok"}
    except Exception as exc:  # noqa: BLE001 - the health check reports any failure
        return {"database": f"error: {exc.__class__.__name__}"}


def broker() -> dict:
    """Since when it has been failing is kept in the audit log (audit.outages): the broker cannot keep it."""
    error = None
    try:
        with celery_app.connection_for_write() as link:
            link.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001
        error = f"error: {exc.__class__.__name__}"
    since = outages.record_check("broker", error=error)
    return {"broker": "ok"} if error is None else {"broker": error, "broker_failing_since": since.isoformat()}


def sweep() -> dict:
    """Stale when no reminder sweep has completed for three sweep intervals: beat or the worker has stopped."""
    last = SweepRun.objects.order_by("-finished_at").values_list("finished_at", flat=True).first()
    limit = timedelta(seconds=3 * settings.REMINDER_SWEEP_SECONDS + 60)
    return {"last_sweep": last.isoformat() if last else None,
            "sweep": "ok" if last and timezone.now() - last < limit else "stale"}


def mail() -> dict:
    """Failing while e-mails wait to be tried again after a failed attempt; since the first failure among them (the
    reminders' ledger keeps it)."""
    waiting = Reminder.objects.filter(state=Reminder.State.PENDING, first_failed_at__isnull=False)
    since = waiting.aggregate(since=Min("first_failed_at"))["since"]
    if since is None:
        return {"mail": "ok"}
    return {"mail": "failing", "mail_failing_since": since.isoformat(), "mail_waiting": waiting.count()}


def report() -> dict:
    result = {"status": "ok", **database(), **broker()}
    if result["database"] != "ok":
        return {**result, "status": "error"}
    result |= sweep() | mail()
    if result["broker"] != "ok" or result["sweep"] != "ok" or result["mail"] != "ok":
        result["status"] = "degraded"
    return result
