"""What a person answers to the reminders that chase them, as Healthchecks lets one answer an alert: acknowledge an
overdue commitment (it is not chased again until its next due date), snooze it for some days, or be chased again;
and whether the overdue digest comes daily or weekly.

Only the person a digest went to may answer it; each answer is one write with its audit entry, in one transaction.
The sweep reads the answers (dialogues.due) and leaves out of each person's digest what they silenced."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit import log as audit
from commitments.models import CommitmentSide
from dialogues.models import ChaseHold, DigestPreference, Notification, Reminder

SNOOZE_DAYS = (1, 3, 7, 14)


class Standing:
    CHASED = "chased"
    ACKNOWLEDGED = "acknowledged"
    SNOOZED = "snoozed"
    UPDATED = "updated"  # its due date moved since the digest listed it: nothing is chased any more


@dataclass(frozen=True)
class ChaseLine:
    """One side a digest lists, and how it stands for the digest's recipient now."""

    item: dict
    standing: str
    snoozed_until: datetime | None = None


def chase_lines(notification: Notification, *, now: datetime) -> list[ChaseLine]:
    """The sides the notification's reminder lists, each with its standing: two queries, however many there are."""
    items = notification.reminder.items
    current = dict(CommitmentSide.objects.filter(pk__in=[i["side"] for i in items]).values_list("pk", "due_on"))
    holds = {(h.side_id, h.due_on): h for h in ChaseHold.objects.filter(user=notification.user_id, side__in=current)}
    lines = []
    for item in items:
        due_on = current.get(item["side"])
        hold = holds.get((item["side"], due_on))
        if due_on is None or due_on.isoformat() != item["due_on"]:
            lines.append(ChaseLine(item, Standing.UPDATED))
        elif hold and hold.holds(due_on, now):
            standing = Standing.ACKNOWLEDGED if hold.snoozed_until is None else Standing.SNOOZED
            lines.append(ChaseLine(item, standing, hold.snoozed_until))
        else:
            lines.append(ChaseLine(item, Standing.CHASED))
    return lines


def _still_chased(notification: Notification, side_ids, by) -> list[CommitmentSide]:
    """The chosen sides the digest lists whose due date has not moved since: what may be answered.

    Refuses anyone but the recipient, a reminder that is not a digest, and sides the digest does not list."""
    if by is None or notification.user_id != by.pk:
        raise PermissionDenied("Only the person this reminder was sent to may answer it.")
    if notification.reminder.kind != Reminder.Kind.DIGEST:
        raise ValidationError("Only an overdue digest can be acknowledged or snoozed.")
    listed = {item["side"]: item["due_on"] for item in notification.reminder.items}
    # Compared as text, so whatever a form posts (ids or not) is only ever matched against the listed ones.
    chosen = {str(value) for value in side_ids}
    if not chosen or not chosen <= {str(pk) for pk in listed}:
        raise ValidationError({"side": "Choose commitments this reminder lists."})
    order = {pk: position for position, pk in enumerate(listed)}
    sides = CommitmentSide.objects.filter(pk__in=[pk for pk in listed if str(pk) in chosen]).select_related(
        "commitment__paragraph", "commitment__subparagraph", "party")
    still = sorted((s for s in sides if s.due_on and s.due_on.isoformat() == listed[s.pk]), key=lambda s: order[s.pk])
    if not still:
        raise ValidationError({"side": "These commitments have been updated since this reminder: nothing is chased."})
    return still


def _hold(*, notification, side_ids, by, until: datetime | None, now: datetime, action: str) -> list[ChaseHold]:
    sides = _still_chased(notification, side_ids, by)
    holds = ChaseHold.objects.bulk_create(
        [ChaseHold(user=by, side=side, due_on=side.due_on, snoozed_until=until, created_at=now) for side in sides],
        update_conflicts=True, unique_fields=["user", "side", "due_on"], update_fields=["snoozed_until", "created_at"],
    )
    audit.write(action, by=by, object_ref=f"notification {notification.pk}", details={
        "sides": [f"{s.commitment.reference} ({s.party.code}) due {s.due_on.isoformat()}" for s in sides],
        "until": until.isoformat() if until else "the next due date",
    })
    return holds


@transaction.atomic
def chase_acknowledge(*, notification: Notification, side_ids, by, now: datetime | None = None) -> list[ChaseHold]:
    """Stop chasing `by` about these sides until their next due date (a status update moves it)."""
    return _hold(notification=notification, side_ids=side_ids, by=by, until=None, now=now or timezone.now(),
                 action="overdue chase acknowledged")


@transaction.atomic
def chase_snooze(*, notification: Notification, side_ids, days, by, now: datetime | None = None) -> list[ChaseHold]:
    """Stop chasing `by` about these sides for `days` days; the first digest after that lists them again."""
    days = {str(d): d for d in SNOOZE_DAYS}.get(str(days))  # as text: a form's value is checked, never converted
    if days is None:
        raise ValidationError({"days": f"Snooze for {', '.join(map(str, SNOOZE_DAYS[:-1]))} or {SNOOZE_DAYS[-1]} days."})
    now = now or timezone.now()
    return _hold(notification=notification, side_ids=side_ids, by=by, until=now + timedelta(days=days), now=now,
                 action="overdue chase snoozed")


@transaction.atomic
def chase_resume(*, notification: Notification, side_ids, by) -> int:
    """Chase `by` about these sides again from the next digest: their acknowledgements and snoozes are dropped."""
    sides = _still_chased(notification, side_ids, by)
    dropped = sum(ChaseHold.objects.filter(user=by, side=side, due_on=side.due_on).delete()[0] for side in sides)
    if dropped:
        audit.write("overdue chase resumed", by=by, object_ref=f"notification {notification.pk}", details={
            "sides": [f"{s.commitment.reference} ({s.party.code}) due {s.due_on.isoformat()}" for s in sides]})
    return dropped


def digest_frequency_of(user) -> str:
    preference = DigestPreference.objects.filter(user=user).first()
    return preference.frequency if preference else DigestPreference.Frequency.DAILY


@transaction.atomic
def digest_frequency_set(*, frequency: str, by, now: datetime | None = None) -> DigestPreference:
    """How often `by` gets the overdue digest: daily, or weekly on the configured weekday. Each person sets their own."""
    if frequency not in DigestPreference.Frequency.values:
        raise ValidationError({"frequency": "Choose daily or weekly."})
    preference, _ = DigestPreference.objects.update_or_create(
        user=by, defaults={"frequency": frequency, "updated_at": now or timezone.now()})
    audit.write("digest frequency chosen", by=by, details={"frequency": frequency})
    return preference
