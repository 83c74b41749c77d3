"""Reminders: what is due is computed from the database on every sweep, so nothing is lost while Redis, the worker
or beat is down; each reminder is a ledger row with a unique key, claimed before it is sent, so nothing goes twice.

`send_due_reminders(now=...)` is the one entry point: the Celery task, the management command and the tests call it.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.template.backends.django import Template
from django.template.loader import get_template
from django.utils import timezone

from accounts.models import User
from audit import log as audit
from commitments.cadence import DueState
from commitments.models import CommitmentSide, Ownership
from dialogues.mail import ReminderMail
from dialogues.models import DialogueSeries, FollowUpAction, Meeting, Notification, Reminder, SweepRun

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BATCH_SIZE = 500  # claimed, sent over one mail connection and written back together
IN_APP_ONLY = "No e-mail address: delivered in the app only."
Templates = tuple[Template, Template]  # the text and the HTML body, loaded once per sweep


@dataclass(frozen=True)
class Due:
    key: str
    kind: str
    recipient: User
    subject: str
    body: str
    link: str
    due_at: datetime


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


def _at(day, hour: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _officials(organisation_ids) -> dict[int, list[User]]:
    """Active officials by organisation."""
    result = defaultdict(list)
    for user in User.objects.filter(is_official=True, is_active=True, organisation__in=set(organisation_ids)):
        result[user.organisation_id].append(user)
    return result


@dataclass
class Subject:
    """Something reminders are about (a meeting at an offset, an overdue digest for an organisation on a day…).

    Its recipients are worked out only if the ledger has never recorded it, so a sweep with nothing new to send
    costs a few queries however long the ledger and however many people there are."""

    key: str
    people: Callable[[], list[User]]
    make: Callable[[User], Due]


def _meeting_subjects(today):
    offsets = sorted(settings.REMINDER_MEETING_OFFSETS, reverse=True)
    meetings = (
        Meeting.objects.filter(status=Meeting.Status.PLANNED, date__gte=today, date__lte=today + timedelta(days=offsets[0]))
        .select_related("series")
        .prefetch_related("participants", "agenda__commitment__sides__owners")
    )
    for meeting in meetings:
        def people(meeting=meeting):
            organisations = {o.pk for o in meeting.participants.all()}
            for item in meeting.agenda.all():
                if item.commitment:
                    organisations |= {o.organisation_id for s in item.commitment.sides.all() for o in s.owners.all()}
            return [u for users in _officials(organisations).values() for u in users]

        days_left = (meeting.date - today).days
        for offset in (o for o in offsets if days_left <= o):
            def make(user, meeting=meeting, offset=offset):
                return Due(
                    key=f"meeting:{meeting.pk}:{meeting.date:%Y%m%d}:{offset}d:{user.pk}",
                    kind=Reminder.Kind.MEETING,
                    recipient=user,
                    subject=f"{meeting.series.name} on {meeting.date:%d %B %Y}: {offset} day{'s' if offset != 1 else ''} to go",
                    body=(f"The {meeting.series.name} meets on {meeting.date:%A %d %B %Y}"
                          f"{' in ' + meeting.place if meeting.place else ''}. Check the agenda and your organisation's items."),
                    link=meeting.get_absolute_url(),
                    due_at=_at(meeting.date - timedelta(days=offset)),
                )

            yield Subject(f"meeting:{meeting.pk}:{meeting.date:%Y%m%d}:{offset}d", people, make)


def _unscheduled_subjects(today):
    weeks = settings.REMINDER_UNSCHEDULED_WEEKS
    planned = Meeting.objects.filter(series=OuterRef("pk"), status=Meeting.Status.PLANNED, date__gte=today)
    series_list = (
        DialogueSeries.objects.filter(next_due_on__isnull=False, next_due_on__lte=today + timedelta(weeks=weeks))
        .filter(~Exists(planned))
        .prefetch_related("organisers")
    )
    for series in series_list:
        def people(series=series):
            return [u for users in _officials(o.pk for o in series.organisers.all()).values() for u in users]

        def make(user, series=series):
            return Due(
                key=f"unscheduled:{series.pk}:{series.next_due_on:%Y%m%d}:{user.pk}",
                kind=Reminder.Kind.UNSCHEDULED,
                recipient=user,
                subject=f"{series.name}: the next meeting is due by {series.next_due_on:%d %B %Y} and is not scheduled",
                body=(f"By its cadence ({series.get_cadence_display().lower()}) the next {series.name} is due by "
                      f"{series.next_due_on:%d %B %Y}, and no meeting is planned. Please agree a date."),
                link=series.get_absolute_url(),
                due_at=_at(max(series.next_due_on - timedelta(weeks=weeks), today)),
            )

        yield Subject(f"unscheduled:{series.pk}:{series.next_due_on:%Y%m%d}", people, make)


def _call_subjects(today):
    days = settings.REMINDER_CALL_FOR_UPDATES_DAYS
    meetings = Meeting.objects.filter(
        series__kind=DialogueSeries.Kind.SDD, status=Meeting.Status.PLANNED, date__gte=today,
        date__lte=today + timedelta(days=days),
    ).select_related("series")
    for meeting in meetings:
        def people(meeting=meeting):
            owners = Ownership.objects.filter(side__commitment__paragraph__partnership=meeting.series.partnership_id)
            return [u for users in _officials(owners.values_list("organisation_id", flat=True).distinct()).values() for u in users]

        def make(user, meeting=meeting):
            return Due(
                key=f"call:{meeting.pk}:{meeting.date:%Y%m%d}:{user.pk}",
                kind=Reminder.Kind.CALL_FOR_UPDATES,
                recipient=user,
                subject=f"Call for updates: the Security and Defence Dialogue meets on {meeting.date:%d %B %Y}",
                body=("The Security and Defence Dialogue monitors the implementation of the Partnership (paragraphs 12(c) "
                      "and 61). Please bring your organisation's commitments up to date before it meets."),
                link="/my-work/",
                due_at=_at(meeting.date - timedelta(days=days)),
            )

        yield Subject(f"call:{meeting.pk}:{meeting.date:%Y%m%d}", people, make)


def _late_sides(today):
    return (
        CommitmentSide.objects.filter(overdue_on__lte=today)
        .select_related("party", "commitment__paragraph", "commitment__subparagraph")
        .prefetch_related("owners__organisation__senior_contact")
        .order_by("due_on", "commitment__paragraph__number", "commitment__position")
    )


def _digest_subjects(now, today, late):
    digest_time = _at(today, settings.REMINDER_DIGEST_HOUR)
    if now < digest_time:
        return
    by_org = defaultdict(list)
    for side in late:
        for owner in side.owners.all():
            by_org[owner.organisation].append(side)
    for organisation, sides in by_org.items():
        # Everyone in the organisation gets the same list: written once, however many officials it has.
        lines = [
            f"- {side.commitment.reference} {side.commitment.title} ({side.party.code}): "
            f"{side.due_state(today).label.lower()}, due {side.due_on:%d %b %Y}"
            for side in sides
        ]
        subject = f"{len(lines)} status update{'s' if len(lines) != 1 else ''} overdue for {organisation.short_name}"
        body = "These commitments owned by your organisation are waiting for a status update:\n" + "\n".join(lines)

        def people(org=organisation.pk):
            return _officials([org]).get(org, [])

        def make(user, subject=subject, body=body):
            return Due(
                key=f"digest:{user.pk}:{today:%Y%m%d}",
                kind=Reminder.Kind.DIGEST,
                recipient=user,
                subject=subject,
                body=body,
                link="/my-work/",
                due_at=digest_time,
            )

        yield Subject(f"digest:org{organisation.pk}:{today:%Y%m%d}", people, make)


def _escalation_subjects(today, late):
    threshold = today - timedelta(days=settings.REMINDER_ESCALATION_DAYS)
    for side in late:
        if side.overdue_on > threshold:
            continue
        for owner in side.owners.all():
            senior = owner.organisation.senior_contact
            if senior is None or not senior.is_active:
                continue

            def make(user, side=side, owner=owner):
                return Due(
                    key=f"escalation:{side.pk}:{side.due_on:%Y%m%d}:{user.pk}",
                    kind=Reminder.Kind.ESCALATION,
                    recipient=user,
                    subject=(f"Escalation: {side.commitment.reference} ({side.party.code}) has been overdue since "
                             f"{side.overdue_on:%d %B %Y}"),
                    body=(f"{owner.organisation.name} has not updated “{side.commitment.title}” ({side.party.code} side), "
                          f"due {side.due_on:%d %B %Y}. You are its designated senior contact."),
                    link=side.commitment.get_absolute_url(),
                    due_at=_at(side.overdue_on + timedelta(days=settings.REMINDER_ESCALATION_DAYS)),
                )

            yield Subject(f"escalation:{side.pk}:{side.due_on:%Y%m%d}:senior{senior.pk}", lambda senior=senior: [senior], make)


def _action_subjects(today):
    days = settings.REMINDER_ACTION_DAYS
    actions = FollowUpAction.objects.filter(
        status__in=[FollowUpAction.Status.OPEN, FollowUpAction.Status.IN_PROGRESS], due_on__lte=today + timedelta(days=days)
    ).select_related("meeting__series", "owner")
    for action in actions:
        def make(user, action=action):
            return Due(
                key=f"action:{action.pk}:{action.due_on:%Y%m%d}:{user.pk}",
                kind=Reminder.Kind.ACTION,
                recipient=user,
                subject=f"Follow-up action due {action.due_on:%d %B %Y}: {action.title[:120]}",
                body=f"From the {action.meeting}: “{action.title}”, owned by {action.owner.name}, is due on {action.due_on:%d %B %Y}.",
                link=action.meeting.get_absolute_url(),
                due_at=_at(action.due_on - timedelta(days=days)),
            )

        yield Subject(f"action:{action.pk}:{action.due_on:%Y%m%d}", lambda action=action: _officials([action.owner_id]).get(action.owner_id, []), make)


def plan(now: datetime) -> list[Due]:
    """Everything newly due at `now`: the reminders of every subject the ledger has not recorded yet."""
    today = timezone.localdate(now)
    late = [s for s in _late_sides(today) if s.due_state(today) in {DueState.OVERDUE, DueState.STALE}]
    subjects = [
        *_meeting_subjects(today), *_unscheduled_subjects(today), *_call_subjects(today),
        *_digest_subjects(now, today, late), *_escalation_subjects(today, late), *_action_subjects(today),
    ]
    recorded = set(
        Reminder.objects.filter(subject__in=[s.key for s in subjects]).values_list("subject", flat=True).order_by().distinct()
    )
    return [
        (subject.key, subject.make(user))
        for subject in subjects if subject.key not in recorded
        for user in subject.people()
    ]


def _record(due: list[tuple[str, Due]], now: datetime) -> int:
    """Insert the ledger rows (and their in-app notifications) not there yet; returns how many were new.

    A concurrent sweep may insert the same rows: the unique key keeps one of each, whoever wins."""
    rows = [
        Reminder(key=item.key, subject=subject, kind=item.kind, recipient=item.recipient, subject_line=item.subject,
                 body=item.body, link=item.link, due_at=item.due_at, next_attempt_at=now, created_at=now)
        for subject, item in due
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    # This sweep's rows: their subjects (few, indexed) and its moment, rather than ten thousand keys.
    fresh = Reminder.objects.filter(subject__in={subject for subject, _ in due}, created_at=now, notification__isnull=True)
    notes = [Notification(user_id=r.recipient_id, reminder=r, title=r.subject_line, body=r.body, link=r.link, created_at=now)
             for r in fresh]
    Notification.objects.bulk_create(notes, ignore_conflicts=True, batch_size=2000)
    return len(notes)


def _claim(now: datetime) -> list[Reminder]:
    """Move the next batch of due pending rows to `sending` in one statement, and return exactly those rows.

    Claim before sending, so a duplicate tick, a retried task or a second worker cannot send them again. The rows
    are locked while they are claimed (SKIP LOCKED: a concurrent sweep takes the next batch instead of waiting for
    this one); the update is still conditional on the state and must change every row selected, which under the
    lock it always does (SQLite has no row locks but lets only one writer at a time)."""
    with transaction.atomic():
        batch = list(
            Reminder.objects.filter(state=Reminder.State.PENDING, next_attempt_at__lte=now)
            .select_related("recipient")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("due_at", "pk")[:BATCH_SIZE]
        )
        claimed = Reminder.objects.filter(pk__in=[r.pk for r in batch], state=Reminder.State.PENDING).update(
            state=Reminder.State.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        if claimed != len(batch):
            raise RuntimeError(f"Claimed {claimed} of {len(batch)} locked reminders; nothing claimed.")
    for reminder in batch:
        reminder.state, reminder.claimed_at, reminder.attempts = Reminder.State.SENDING, now, reminder.attempts + 1
    return batch


def _message(reminder: Reminder, templates: Templates) -> ReminderMail:
    url = settings.SITE_URL.rstrip("/") + reminder.link
    context = {"reminder": reminder, "url": url, "user": reminder.recipient, "site_name": settings.SITE_NAME}
    text, html = (template.render(context) for template in templates)
    message = ReminderMail(
        subject=f"[{settings.SITE_NAME}] {reminder.subject_line}", body=text, to=[reminder.recipient.email]
    )
    message.attach_alternative(html, "text/html")
    return message


def _send_one(connection, reminder: Reminder, templates: Templates) -> Exception | None:
    try:
        connection.send_messages([_message(reminder, templates)])
    except Exception as exc:  # noqa: BLE001 - any delivery failure is recorded and retried, the batch goes on
        return exc
    return None


def _send_batch(batch: list[Reminder], templates: Templates) -> dict[int, Exception | None]:
    """Send the batch's e-mails over one connection; the outcome by reminder id (None: sent) of those with an address.

    Each message fails on its own, so one refused address does not fail the others."""
    mailed = [r for r in batch if r.recipient.email]
    outcome = {}
    if not mailed:
        return outcome
    try:
        with mailers.default as connection:
            for reminder in mailed:
                outcome[reminder.pk] = _send_one(connection, reminder, templates)
    except Exception as exc:  # noqa: BLE001 - it did not open (nothing went) or did not close (what went, went)
        outcome = {r.pk: outcome.get(r.pk, exc) for r in mailed}
    return outcome


def _failed(reminder: Reminder, exc: Exception, now: datetime) -> Reminder:
    log.warning("Reminder %s failed (attempt %s): %s", reminder.key, reminder.attempts, exc)
    final = reminder.attempts >= MAX_ATTEMPTS
    reminder.state = Reminder.State.FAILED if final else Reminder.State.PENDING
    reminder.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
    reminder.next_attempt_at = now + timedelta(minutes=2 ** reminder.attempts)
    return reminder


def _write_back(batch: list[Reminder], outcome: dict[int, Exception | None], now: datetime, report: Report) -> None:
    """A batch's outcomes in at most three statements: sent, delivered in the app only, failed (which differ by row)."""
    sent = [pk for pk, error in outcome.items() if error is None]
    in_app = [r.pk for r in batch if r.pk not in outcome]  # nothing to retry: the notification is the delivery
    failed = [_failed(r, outcome[r.pk], now) for r in batch if outcome.get(r.pk) is not None]
    Reminder.objects.filter(pk__in=sent).update(state=Reminder.State.SENT, sent_at=now, last_error="")
    Reminder.objects.filter(pk__in=in_app).update(state=Reminder.State.SENT, sent_at=now, last_error=IN_APP_ONLY)
    Reminder.objects.bulk_update(failed, ["state", "last_error", "next_attempt_at"])
    report.sent += len(sent) + len(in_app)
    report.failed += sum(r.state == Reminder.State.FAILED for r in failed)
    report.retrying += sum(r.state == Reminder.State.PENDING for r in failed)


def _deliver(now: datetime, report: Report) -> None:
    """Claim, send and write back a batch at a time, until nothing due is pending (what failed waits its backoff)."""
    templates = (get_template("email/reminder.txt"), get_template("email/reminder.html"))
    while batch := _claim(now):
        _write_back(batch, _send_batch(batch, templates), now, report)


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
