"""Reminders: what is due is computed from the database on every sweep, so nothing is lost while Redis, the worker
or beat is down; each reminder is a ledger row with a unique key, claimed before it is sent, so nothing goes twice.

`send_due_reminders(now=...)` is the one entry point: the Celery task, the management command and the tests call it.
"""

import logging
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from urllib.parse import urlsplit
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import mailers
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from audit import log as audit
from dialogues.due import Due, plan
from dialogues.mail import Bodies, ReminderMail
from dialogues.models import ChaseList, Notification, RecordedSubject, Reminder, SweepRun

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BATCH_SIZE = 500  # claimed, sent over one mail connection and written back together
MARK_EVERY = 50  # e-mails a connection sends before they are marked sent: what a killed sweep may send again
IN_APP_ONLY = "No e-mail address: delivered in the app only."


@dataclass
class Report:
    planned: int = 0
    created: int = 0
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    would_send: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "would_send"}


def _list_key(items: tuple[dict, ...]) -> tuple:
    return tuple(tuple(entry.values()) for entry in items)  # a tenth of the cost of json.dumps


def _chase_lists(due: list[tuple[str, Due]]) -> list[int | None]:
    """Each due reminder's list (none for what is not a chase), each distinct one stored once (or found by its
    fingerprint if an earlier sweep stored it): ten thousand digests of one organisation are one row, not ten
    thousand copies."""
    keys = [_list_key(item.items) if item.items else None for _, item in due]
    distinct = {key: list(item.items) for key, (_, item) in zip(keys, due) if key}
    fingerprints = {key: ChaseList.fingerprint_of(items) for key, items in distinct.items()}
    ChaseList.objects.bulk_create([ChaseList(fingerprint=fingerprints[key], items=items)
                                   for key, items in distinct.items()], ignore_conflicts=True)
    ids = dict(ChaseList.objects.filter(fingerprint__in=fingerprints.values()).values_list("fingerprint", "pk"))
    return [ids[fingerprints[key]] if key else None for key in keys]


def _record(due: list[tuple[str, Due]], now: datetime) -> int:
    """Insert the ledger rows (and their in-app notifications) not there yet; returns how many were new.

    A concurrent sweep may insert the same rows: the unique key keeps one of each, whoever wins."""
    rows = [
        Reminder(key=item.key, subject=subject, kind=item.kind, recipient=item.recipient, subject_line=item.subject,
                 body=item.body, link=item.link, chase_list_id=chase_list, due_at=item.due_at, next_attempt_at=now,
                 created_at=now)
        for (subject, item), chase_list in zip(due, _chase_lists(due))
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    created = _notify(subjects := {subject for subject, _ in due}, now)
    # Last: a sweep that dies before this line leaves its subjects unrecorded, and the next records what is missing.
    RecordedSubject.objects.bulk_create([RecordedSubject(key=key, recorded_at=now) for key in subjects],
                                        ignore_conflicts=True)
    return created


def _notify(subjects: set[str], now: datetime) -> int:
    """The in-app notification of each reminder this sweep recorded (found by their subjects, few and indexed, and
    its moment): copied by the database in one statement, as the ORM has no INSERT … SELECT, rather than read into
    ten thousand objects and written back."""
    if not subjects:
        return 0
    fresh = (Reminder.objects.filter(subject__in=subjects, created_at=now, notification__isnull=True)
             .order_by().values_list("recipient_id", "pk", "subject_line", "body", "link", "created_at"))
    select, params = fresh.query.sql_with_params()
    table = Notification._meta.db_table
    columns = ", ".join(Notification._meta.get_field(name).column
                        for name in ("user", "reminder", "title", "body", "link", "created_at"))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {select} ON CONFLICT DO NOTHING", params)
        return cursor.rowcount


def _release_lapsed(now: datetime) -> None:
    """Rows whose claim has lapsed are pending again: the sweep that claimed them died mid-send, and this one sends
    them (their attempt counted again when it claims them)."""
    lapsed = now - timedelta(minutes=settings.REMINDER_LEASE_MINUTES)
    Reminder.objects.filter(state=Reminder.State.SENDING, claimed_at__lt=lapsed).update(state=Reminder.State.PENDING)


def _claim(now: datetime) -> list[Reminder]:
    """Move the next batch of due pending rows to `sending`, and return exactly those rows.

    Claim before sending, so a duplicate tick, a retried task or a second worker cannot send them again. A claim is a
    lease: a sweep killed after claiming leaves its rows `sending`, and once the lease lapses the next sweep takes
    them over and sends them again, under the same Message-ID. The rows are locked while they are claimed (SKIP
    LOCKED: a concurrent sweep takes the next batch instead of waiting for this one); the update is still
    conditional and must change every row selected, which under the lock it always does (SQLite has no row locks but
    lets only one writer at a time). The claim reads ids alone, in the order of the index (state, next_attempt_at,
    id): a scan that stops at the batch's end, where a join to the recipients would join every due row first."""
    due = Q(state=Reminder.State.PENDING, next_attempt_at__lte=now)
    with transaction.atomic():
        pks = list(Reminder.objects.filter(due).select_for_update(skip_locked=True)
                   .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:BATCH_SIZE])
        claimed = Reminder.objects.filter(due, pk__in=pks).update(
            state=Reminder.State.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        if claimed != len(pks):
            raise RuntimeError(f"Claimed {claimed} of {len(pks)} locked reminders; nothing claimed.")
    return list(
        Reminder.objects.filter(pk__in=pks).select_related("recipient")
        .annotate(notification_pk=F("notification__pk"))  # all a message needs of it: its address
        .prefetch_related("chase_list")  # each distinct list read (and its JSON parsed) once a batch
        .order_by("next_attempt_at", "pk")
    )


def _message(reminder: Reminder, bodies: Bodies) -> ReminderMail:
    text, html = bodies.render(reminder)
    # One Message-ID per reminder, whichever attempt sends it: a mail client shows a resent reminder once.
    headers = {"Message-ID": f"<reminder-{reminder.pk}@{urlsplit(settings.SITE_URL).hostname or 'tracker'}>"}
    if reminder.attempts > 1:
        headers["X-Tracker-Attempt"] = f"{reminder.attempts} (a retry: an earlier attempt failed or was cut short)"
    message = ReminderMail(
        subject=f"[{settings.SITE_NAME}] {reminder.subject_line}", body=text, to=[reminder.recipient.email],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def _send_one(connection, reminder: Reminder, bodies: Bodies) -> Exception | None:
    try:
        connection.send_messages([_message(reminder, bodies)])
    except Exception as exc:  # noqa: BLE001 - any delivery failure is recorded and retried, the batch goes on
        return exc
    return None


def _mark_sent(pks: list[int], now: datetime) -> None:
    Reminder.objects.filter(pk__in=pks).update(state=Reminder.State.SENT, sent_at=now, last_error="")


class _Lane:
    """One batch sent over one mail connection, MARK_EVERY e-mails a step. A step runs in a sender thread and
    touches no database; between steps the sweep's own thread marks what went, so a sweep killed mid-batch sends
    again at most those few of each lane, under the same Message-ID, marked as a retry.

    Each message fails on its own, so one refused address does not fail the others. A connection that does not open
    fails the whole batch (nothing went); one that does not close fails nothing (what went, went)."""

    def __init__(self, batch: list[Reminder], bodies: Bodies):
        self.batch, self.bodies = batch, bodies
        self.waiting = [r for r in batch if r.recipient.email]
        self.outcome: dict[int, Exception | None] = {}  # by reminder id, None: sent
        self.connection = None

    def step(self) -> list[int]:
        """Send the next few; the ids of those that went."""
        chunk, self.waiting = self.waiting[:MARK_EVERY], self.waiting[MARK_EVERY:]
        try:
            if self.connection is None:
                self.connection = mailers.default
                self.connection.open()
        except Exception as exc:  # noqa: BLE001 - it did not open: nothing goes over it
            self.outcome |= {r.pk: exc for r in chunk + self.waiting}
            self.waiting = []
            return []
        self.outcome |= {r.pk: _send_one(self.connection, r, self.bodies) for r in chunk}
        if not self.waiting:
            try:
                self.connection.close()
            except Exception:  # noqa: BLE001, S110 - what went, went
                pass
        return [r.pk for r in chunk if self.outcome[r.pk] is None]


def _failed(reminder: Reminder, exc: Exception, now: datetime) -> Reminder:
    log.warning("Reminder %s failed (attempt %s): %s", reminder.key, reminder.attempts, exc)
    final = reminder.attempts >= MAX_ATTEMPTS
    reminder.state = Reminder.State.FAILED if final else Reminder.State.PENDING
    reminder.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
    reminder.next_attempt_at = now + timedelta(minutes=2 ** reminder.attempts)
    reminder.first_failed_at = reminder.first_failed_at or now
    return reminder


def _write_back(batch: list[Reminder], outcome: dict[int, Exception | None], now: datetime, report: Report) -> None:
    """The rest of a batch's outcomes (the e-mails sent are marked as they go): delivered in the app only, and
    failed (which differ by row)."""
    sent = [pk for pk, error in outcome.items() if error is None]
    in_app = [r.pk for r in batch if r.pk not in outcome]  # nothing to retry: the notification is the delivery
    failed = [_failed(r, outcome[r.pk], now) for r in batch if outcome.get(r.pk) is not None]
    Reminder.objects.filter(pk__in=in_app).update(state=Reminder.State.SENT, sent_at=now, last_error=IN_APP_ONLY)
    Reminder.objects.bulk_update(failed, ["state", "last_error", "next_attempt_at", "first_failed_at"])
    report.sent += len(sent) + len(in_app)
    report.failed += sum(r.state == Reminder.State.FAILED for r in failed)
    report.retrying += sum(r.state == Reminder.State.PENDING for r in failed)


def _deliver(now: datetime, report: Report) -> None:
    """Claim batches and send them, REMINDER_MAIL_CONNECTIONS at once over a connection each (SMTP waits for a reply to every command,
    and one connection would wait on ten thousand of them in turn), until nothing due is pending (what failed waits
    its backoff). The database is this thread's alone: it claims, marks what went and writes back each batch."""
    bodies = Bodies()  # its templates loaded, and each distinct body rendered, once a sweep
    _release_lapsed(now)
    running, claiming = {}, True
    connections = settings.REMINDER_MAIL_CONNECTIONS
    with ThreadPoolExecutor(max_workers=connections, thread_name_prefix="reminder-mail") as pool:

        def advance(lane: _Lane) -> None:  # its next step, or its outcome written back once it has none
            if lane.waiting:
                running[pool.submit(lane.step)] = lane
            else:  # an empty connection is never opened: a batch without addresses is delivered in the app
                _write_back(lane.batch, lane.outcome, now, report)

        while claiming or running:
            while claiming and len(running) < connections:
                batch = _claim(now)
                claiming = bool(batch)
                if batch:
                    advance(_Lane(batch, bodies))
            for future in wait(running, return_when=FIRST_COMPLETED).done if running else ():
                lane = running.pop(future)
                _mark_sent(future.result(), now)
                advance(lane)


def send_due_reminders(*, now: datetime | None = None, dry_run: bool = False) -> Report:
    """1. Compute what is due from the data. 2. Record what the ledger lacks. 3. Send what is pending, once."""
    now = now or timezone.now()
    due = plan(now)
    report = Report(planned=len(due))
    if dry_run:
        known = set(Reminder.objects.filter(key__in=[d.key for _, d in due]).values_list("key", flat=True))
        report.would_send = [d for _, d in due if d.key not in known]
        report.would_send += [
            Due(r.key, r.kind, r.recipient, r.subject_line, r.body, r.link, r.due_at)
            for r in Reminder.objects.filter(state=Reminder.State.PENDING, next_attempt_at__lte=now).select_related("recipient")
        ]
        return report
    report.created = _record(due, now)
    _deliver(now, report)
    with transaction.atomic():
        SweepRun.objects.create(finished_at=timezone.now(), swept_for=now, **report.as_dict())
        if report.created or report.sent or report.failed:
            audit.write("reminders sent", details=report.as_dict())
    return report
