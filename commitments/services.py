"""The one way a commitment's status changes. Forms, the API, the admin, imports and the demo data all call
`commitment_update_status`; nothing else writes StatusUpdate, CommitmentSide.status or Commitment.status."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit import log as audit
from commitments import month_ends
from commitments.access import user_may_update
from commitments.cadence import DueState
from commitments.models import Commitment, CommitmentSide, EvidenceLink, Marking, StatusUpdate
from commitments.status import NEEDS_NOTE, Status, is_backwards, least_advanced
from common.markings import classified_errors


class StaleVersion(Exception):
    """The commitment changed since the caller read it; `current` is the version now stored."""

    def __init__(self, current: int):
        super().__init__(f"The commitment has changed since you opened it (now version {current}).")
        self.current = current


# The longest note and evidence link the history keeps, whichever way they come (form, API, returns).
NOTE_MAX = 5000
EVIDENCE_TITLE_MAX = 200
EVIDENCE_URL_MAX = 500


@dataclass(frozen=True)
class Evidence:
    title: str
    url: str


def validate_evidence_url(url: str) -> None:
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValidationError("Evidence links must be http:// or https:// addresses.")


def status_update_errors(*, side: CommitmentSide, status, note, as_of, marking, evidence=(), corrects=None,
                         adopted_on: date, today: date) -> dict[str, str]:
    """Every rule a status update must meet, by field, all at once. The form runs them on what it could read (a
    value it could not read is None, and the rules on it wait), the API and the returns too; the status service runs
    them again under its lock."""
    errors = {}
    if status is not None and (status not in Status.values or status == Status.NOT_ASSESSED):
        errors["status"] = "Choose a status."
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = f"Keep the note to {NOTE_MAX} characters (it has {len(note)})."
    if status in Status.values and not note:
        if status in NEEDS_NOTE:
            errors["note"] = f"Explain why the status is “{Status(status).label.lower()}”."
        elif is_backwards(side.status, status):
            errors["note"] = "Explain why the status moves back from “{}”.".format(Status(side.status).label.lower())
    if as_of is not None and as_of > today:
        errors["as_of"] = "The date cannot be in the future."
    elif as_of is not None and as_of < adopted_on:
        errors["as_of"] = "The date cannot be before the Partnership was adopted."
    if marking is not None and marking not in Marking.values:
        errors["marking"] = "Choose a handling marking."
    for item in evidence:
        try:
            validate_evidence_url(item.url)
        except ValidationError as exc:
            errors["evidence"] = exc.messages[0]
        if len(item.url.strip()) > EVIDENCE_URL_MAX:
            errors["evidence"] = f"Keep each evidence address to {EVIDENCE_URL_MAX} characters."
        if not item.title.strip():
            errors["evidence"] = "Give each evidence link a title."
        elif len(item.title.strip()) > EVIDENCE_TITLE_MAX:
            errors["evidence"] = f"Keep each evidence title to {EVIDENCE_TITLE_MAX} characters."
    if corrects is not None and corrects.side_id != side.pk:
        errors["corrects"] = "A correction must correct an update of the same side."
    errors.update(classified_errors(note=note, evidence=" ".join(f"{e.title} {e.url}" for e in evidence)))
    return errors


@transaction.atomic
def reschedule(commitments) -> None:
    """Store the sides' schedules again, after what they derive from changed elsewhere: the cadence, a milestone set
    at a meeting, a meeting held of the series that fulfils them."""
    for commitment in commitments:
        adopted_on = commitment.paragraph.partnership.adopted_on
        for side in CommitmentSide.objects.select_for_update(of=("self",)).filter(commitment=commitment):
            before = side.plan
            side.reschedule(commitment, adopted_on)
            if side.plan != before:  # written only when it moves: a reload of the fixtures then writes nothing
                side.save(update_fields=["due_on", "overdue_on", "stale_on"])


@transaction.atomic
def commitment_edit(*, commitment: Commitment, by, changed: list[str]) -> Commitment:
    """Save what an administrator changed on a commitment (`changed`: the fields); its sides' schedules follow its
    cadence and target date."""
    commitment.save()
    if {"cadence", "target_date"} & set(changed):
        reschedule([commitment])
    audit.write("commitment changed", by=by, object_ref=commitment.reference,
                details={name: getattr(commitment, name) for name in changed})
    return commitment


@transaction.atomic
def commitment_update_status(
    *,
    commitment: Commitment,
    party_code: str,
    status: str,
    note: str = "",
    as_of: date,
    marking: str = Marking.OFFICIAL,
    evidence: list[Evidence] = (),
    by,
    expected_version: int,
    corrects: StatusUpdate | None = None,
    illustrative: bool = False,
    now: datetime | None = None,
) -> StatusUpdate:
    """Record one side's new status.

    1. Lock the commitment row and refuse a stale `expected_version` (two officials editing at once).
    2. Check the author owns the side and validate the update; errors are ValidationError by field.
    3. Append the history row and its evidence.
    4. Move the side's current status if this update is the side's latest by its as-of date, its schedule and
       running totals, then the commitment's overall status (the less advanced side) and its version.
    5. Apply the update to the stored month-ends it belongs to (only when recorded in a closed month).
    """
    locked, side, now = _lock(commitment, party_code, expected_version, by, now)
    adopted_on = locked.paragraph.partnership.adopted_on
    errors = status_update_errors(
        side=side, status=status, note=note, as_of=as_of, marking=marking, evidence=evidence, corrects=corrects,
        adopted_on=adopted_on, today=timezone.localdate(now))
    if errors:
        raise ValidationError(errors)
    note = (note or "").strip()
    on_time = side.due_state(timezone.localdate(now)) not in {DueState.OVERDUE, DueState.STALE}
    update = StatusUpdate.objects.create(
        commitment=locked, side=side, status=status, previous_status=side.status, note=note, as_of=as_of,
        marking=marking, corrects=corrects, created_by=by, created_at=now, version_after=locked.version + 1,
        on_time=on_time, side_count_after=side.update_count + 1, side_on_time_after=side.on_time_count + on_time,
        side_status_after=status if _takes_over(side, as_of) else side.status, illustrative=illustrative,
    )
    EvidenceLink.objects.bulk_create(
        EvidenceLink(update=update, title=item.title.strip(), url=item.url.strip()) for item in evidence
    )
    _move(locked, side, update, adopted_on)
    commitment.status, commitment.version = locked.status, locked.version
    month_ends.record_update(update, locked.paragraph.partnership_id)
    audit.write("status update", by=by, object_ref=f"{locked.reference} {party_code}", reason=note, details={
        "update": update.pk, "status": status, "as_of": as_of.isoformat(), "marking": marking,
        "corrects": corrects.pk if corrects else None, "evidence": [item.url for item in evidence],
    })
    return update


def _lock(commitment: Commitment, party_code: str, expected_version: int, by, now):
    """The commitment and the side, locked (the side alone: not the party row every side shares), once the
    version and the author's right are checked; and the moment of the update, read once the lock is held, so a
    side's updates are recorded in the order they commit."""
    locked = (Commitment.objects.select_for_update(of=("self",)).select_related("paragraph__partnership", "subparagraph")
              .get(pk=commitment.pk))
    now = now or timezone.now()
    if locked.version != expected_version:
        raise StaleVersion(locked.version)
    side = (CommitmentSide.objects.select_for_update(of=("self",)).prefetch_related("owners")
            .filter(commitment=locked, party__code=party_code).first())
    if side is None:
        raise ValidationError({"side": f"This commitment does not bind the {party_code} side."})
    if not user_may_update(by, side):
        raise PermissionDenied("Only officials of an organisation that owns this side may update it.")
    if side.last_update_at and now < side.last_update_at:
        # A clock that stepped back, or a server behind another, must neither refuse the official nor reorder the
        # side's history: running totals and month-end pictures count updates in the order they were recorded.
        now = side.last_update_at + timedelta(microseconds=1)
    return locked, side, now


def _takes_over(side: CommitmentSide, as_of: date) -> bool:
    """Whether an update true as of `as_of` becomes the side's status: not when back-dated behind a later one."""
    return side.status_as_of is None or as_of >= side.status_as_of


def _move(locked: Commitment, side: CommitmentSide, update: StatusUpdate, adopted_on: date) -> None:
    """The side's status (unless the update is back-dated behind a later one), schedule and running totals; then
    the commitment's overall status (the less advanced side) and its version."""
    if _takes_over(side, update.as_of):
        side.status, side.status_as_of = update.status, update.as_of
    side.last_update_at = update.created_at
    side.update_count = update.side_count_after
    side.on_time_count = update.side_on_time_after
    side.reschedule(locked, adopted_on)
    side.save(update_fields=[
        "status", "status_as_of", "last_update_at", "due_on", "overdue_on", "stale_on", "update_count", "on_time_count",
    ])
    locked.status = least_advanced([s.status for s in locked.sides.exclude(pk=side.pk)] + [side.status])
    locked.version += 1
    locked.save(update_fields=["status", "version"])
