"""The reminder sweep against its target: 10 000 due reminders in at most 10 s, and a sweep with nothing due.

`sweeps()` works on whatever is in the current database, which it changes as a benchmark may: one side is made
overdue, 10 000 officials of its lead organisation are added (once), and today's digests are deleted before each
busy sweep so that every busy sweep finds them all due again. Mail goes to the in-memory backend and, with
`smtp=True`, to a real SMTP server on a local socket (bench.smtp_sink, in a process of its own as a mail server
would be), which counts the connections.

    DATABASE_URL=postgres://…/scratch python -m bench.sweep
"""

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime, time as clock, timedelta

import django
from django.apps import apps

if not apps.ready:  # run as `python -m bench.sweep`; bench.run has set Django up already
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
    django.setup()

from django.core import mail  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.smtp_sink import SmtpSink  # noqa: E402
from commitments.models import CommitmentSide  # noqa: E402
from dialogues.models import RecordedSubject, Reminder  # noqa: E402
from dialogues.reminders import send_due_reminders  # noqa: E402

CROWD = 10_000
TARGET_SECONDS = 10.0
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def sweeps(*, smtp: bool = True) -> dict:
    """Seconds for a sweep with nothing due (median of 10) and for one that finds 10 000 digests due."""
    today = timezone.localdate()
    quiet = timezone.make_aware(datetime.combine(today, clock(5)))  # before the digest hour
    busy = quiet.replace(hour=8)
    results = {"nothing due": nothing_due(quiet)}
    _crowd(today)
    results["10 000 due, locmem"] = _timed(busy, LOCMEM)
    if smtp:
        results["10 000 due, SMTP"] = _over_smtp(busy)
    return results


def nothing_due(quiet: datetime) -> dict:
    with override_settings(MAILERS=LOCMEM):
        send_due_reminders(now=quiet)  # whatever is due now goes once
        samples = []
        for _ in range(10):
            start = time.perf_counter()
            report = send_due_reminders(now=quiet + timedelta(minutes=5))
            samples.append(time.perf_counter() - start)
            assert report.sent == 0, report
    return {"median_ms": round(statistics.median(samples) * 1000, 2), "max_ms": round(max(samples) * 1000, 2)}


def _crowd(today) -> None:
    """10 000 officials of one organisation that owns an overdue side: 10 000 digests fall due at the digest hour."""
    late = CommitmentSide.objects.order_by("pk").first()
    CommitmentSide.objects.filter(pk=late.pk).update(
        due_on=today - timedelta(days=60), overdue_on=today - timedelta(days=45), stale_on=today + timedelta(days=100)
    )
    crowd = late.owners.filter(role="lead").order_by("pk").first().organisation  # of joint leads, one
    User.objects.filter(username__startswith="crowd-").update(organisation=crowd)
    have = User.objects.filter(username__startswith="crowd-").count()
    User.objects.bulk_create(
        User(username=f"crowd-{n}", email=f"crowd-{n}@example.org", is_official=True, organisation=crowd)
        for n in range(have, CROWD)
    )


def _timed(busy: datetime, mailers: dict) -> dict:
    # Today's digests are recorded by an earlier busy sweep: forget them, so they are all due again.
    today = {"startswith": "digest:", "endswith": f":{busy:%Y%m%d}"}
    Reminder.objects.filter(**{f"subject__{lookup}": value for lookup, value in today.items()}).delete()
    RecordedSubject.objects.filter(**{f"key__{lookup}": value for lookup, value in today.items()}).delete()
    mail.outbox = []  # the in-memory mailer keeps every message: not the last sweep's ten thousand beside these
    with override_settings(MAILERS=mailers):
        start, cpu = time.perf_counter(), time.process_time()
        report = send_due_reminders(now=busy)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    # CPU seconds of this process (the database's are not in them): on a shared machine they vary less.
    return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "sent": report.sent,
            "failed": report.failed + report.retrying, "pass": seconds <= TARGET_SECONDS and report.sent >= CROWD}


def _over_smtp(busy: datetime) -> dict:
    sink = subprocess.Popen([sys.executable, "-m", "bench.smtp_sink"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    try:
        result = _timed(busy, SmtpSink.mailers_for(int(sink.stdout.readline())))
    finally:
        counts, _ = sink.communicate()  # closing its stdin stops it; it prints what it received
    return result | json.loads(counts)


if __name__ == "__main__":
    print(json.dumps(sweeps(), indent=2))
