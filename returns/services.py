"""Checking and applying a return: every row goes through commitments.services.commitment_update_status.

The check runs the rows in a transaction that is always rolled back, so the preview shows exactly what applying
would do; applying runs them again for real and keeps them only if every row succeeds."""

from collections import Counter
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit import log as audit
from commitments.models import Commitment, CommitmentSide, Ownership, StatusUpdate
from commitments.services import Evidence, StaleVersion, commitment_update_status, status_update_errors
from commitments.status import Status
from returns.models import Return
from returns.spreadsheet import ReturnRow

FIELD_NAMES = {"status": "New status", "note": "Note", "as_of": "True as of", "marking": "Marking",
               "evidence": "Evidence", "side": "Side", "corrects": "Corrects"}


# A side whose status the row cannot be checked against: no status moves back from "not yet assessed".
UNKNOWN_SIDE = CommitmentSide(status=Status.NOT_ASSESSED)


class _Rollback(Exception):
    pass


def _describe_conflict(commitment, version: int) -> str:
    # Each update moves the version by one: the changes since are the latest (now - then) entries.
    latest = (
        StatusUpdate.objects.filter(commitment=commitment, version_after__gt=version)
        .select_related("side__party", "created_by").order_by("-created_at", "-pk")[: max(commitment.version - version, 0)]
    )
    changes = reversed(list(latest))
    told = "; ".join(
        f"{u.side.party.code} set to “{Status(u.status).label.lower()}” by {u.created_by or 'the system'} on "
        f"{timezone.localtime(u.created_at):%d %b %Y %H:%M}"
        for u in changes
    )
    return f"Changed since this return was downloaded (version {version}, now {commitment.version}): {told}."


def _run(rows: list[ReturnRow], *, organisation, partnership, by, now) -> list[ReturnRow]:
    """Called inside a transaction: each row through the status service, which locks its commitment. A row with
    problems is told all of them at once (a conflict with them), and not applied."""
    seen, applied = {}, Counter()
    for row in rows:
        row.error = row.conflict = ""
        commitment = (
            Commitment.objects.filter(pk=row.commitment_id, paragraph__partnership=partnership).select_related("paragraph").first()
            if row.commitment_id else None
        )
        side = commitment.sides.filter(party__code=row.side).prefetch_related("owners").first() if commitment else None
        current = commitment is not None and row.version is not None and commitment.version == row.version + applied[commitment.pk]
        problems = _problems(row, commitment, side if current else None, organisation, seen, partnership, now)
        seen.setdefault((row.commitment_id, row.side), row.row)
        if commitment is not None and row.version is not None and not current and not _refused(problems):
            row.conflict = _describe_conflict(commitment, row.version)
        row.error = " ".join(problems)
        if row.error or row.conflict:
            continue
        try:
            commitment_update_status(
                commitment=commitment, party_code=row.side, status=row.status, note=row.note,
                as_of=date.fromisoformat(row.as_of), marking=row.marking, evidence=_evidence(row), by=by,
                expected_version=row.version + applied[commitment.pk], now=now,
            )
            applied[commitment.pk] += 1
        except StaleVersion:
            commitment.refresh_from_db()
            row.conflict = _describe_conflict(commitment, row.version)
        except ValidationError as error:
            row.error = _told(error.message_dict)
        except PermissionDenied as error:
            row.error = str(error)
    return rows


def _evidence(row: ReturnRow) -> list[Evidence]:
    return [Evidence(row.evidence_title, row.evidence_url)] if (row.evidence_title or row.evidence_url) else []


def _told(errors: dict) -> str:
    return " ".join(f"{FIELD_NAMES.get(f, f)}: {' '.join(m) if isinstance(m, list) else m}" for f, m in errors.items())


def _problems(row: ReturnRow, commitment, side, organisation, seen: dict, partnership, now) -> list[str]:
    """Everything wrong with a row, as far as it can be read: which side it is, then its columns and the status
    service's rules (commitments.services.status_update_errors). `side` is None when the row's side is unknown or
    changed since the download (a conflict, told beside): then the rules that need the side's status (a note for a
    move back) wait, and the others are told now, so a second upload does not bring new ones."""
    problems = []
    if row.commitment_id is None:
        problems.append("The Commitment id is missing or not a number: keep the column as downloaded.")
    elif commitment is None:
        problems.append(f"There is no commitment {row.commitment_id} in this partnership.")
    elif (row.commitment_id, row.side) in seen:
        problems.append(f"Repeats row {seen[(row.commitment_id, row.side)]} (the same commitment and side).")
    elif not commitment.sides.filter(party__code=row.side).exists():
        problems.append(f"{commitment.reference} does not bind the “{row.side}” side.")
    elif not Ownership.objects.filter(side__commitment=commitment, side__party__code=row.side, organisation=organisation).exists():
        problems.append(f"Refused: {organisation.short_name} does not own the {row.side} side of {commitment.reference}.")
    if row.version is None:
        problems.append("The Version is missing or not a number: keep the column as downloaded.")
    status = None if row.status.startswith("invalid:") else row.status
    if status is None:
        problems.append(f"“{row.status[8:]}” is not a status: choose one from the list.")
    as_of = None
    if row.as_of is None:
        problems.append("Give the date the status is true as of.")
    elif row.as_of.startswith("invalid:"):
        problems.append(f"“{row.as_of[8:]}” is not a date: write it as 2026-11-20.")
    else:
        as_of = date.fromisoformat(row.as_of)
    if not _refused(problems):
        errors = status_update_errors(side=side or UNKNOWN_SIDE, status=status, note=row.note, as_of=as_of, marking=row.marking,
                                      evidence=_evidence(row), adopted_on=partnership.adopted_on,
                                      today=timezone.localdate(now))
        if errors:
            problems.append(_told(errors))
    return problems


def _refused(problems: list[str]) -> bool:
    """The row is on a side the organisation does not own: nothing else about it is theirs to be told."""
    return any(p.startswith("Refused") for p in problems)


def return_check(rows: list[ReturnRow], *, organisation, partnership, by, now=None) -> list[ReturnRow]:
    """What applying would do, row by row; changes nothing."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            _run(rows, organisation=organisation, partnership=partnership, by=by, now=now)
            raise _Rollback
    except _Rollback:
        pass
    return rows


@transaction.atomic
def return_upload(rows: list[ReturnRow], *, organisation, partnership, by, filename: str, now=None) -> Return:
    """Keep an uploaded return with what checking its rows found, waiting for confirmation."""
    now = now or timezone.now()
    checked = return_check(rows, organisation=organisation, partnership=partnership, by=by, now=now)
    record = Return.objects.create(partnership=partnership, organisation=organisation, uploaded_by=by, uploaded_at=now,
                                   filename=filename[:255], rows=[r.as_dict() for r in checked])
    audit.write("return uploaded", by=by, object_ref=f"return {record.pk}", details={
        "organisation": organisation.slug, "file": record.filename, "rows": len(checked), "problems": len(record.problems)})
    return record


def user_may_act_on(user, record: Return) -> bool:
    """Applying and discarding a return are its organisation's officials' decisions; administrators follow every
    organisation's returns but act on none of them."""
    return bool(user.is_official and user.organisation_id and user.organisation_id == record.organisation_id)


def _check_may_act(user, record: Return) -> None:
    if not user_may_act_on(user, record):
        raise PermissionDenied("Only the organisation's officials apply or discard its return.")


def return_apply(record: Return, *, by, now=None) -> tuple[bool, list[ReturnRow]]:
    """Apply every row as a normal update, or none: a row that fails now (say, a colleague updated meanwhile)
    rolls all of them back and is shown.

    The return is claimed first, by a conditional update of its state inside the transaction: of two applies at
    once, the second waits on that row until the first ends, then finds it applied (or, if the first rolled back,
    previewed again, and runs itself)."""
    _check_may_act(by, record)
    now = now or timezone.now()
    rows = [ReturnRow(**r) for r in record.rows]
    try:
        with transaction.atomic():
            claimed = Return.objects.filter(pk=record.pk, state=Return.State.PREVIEWED).update(
                state=Return.State.APPLIED, applied_at=now, applied_count=len(rows))
            if not claimed:
                raise ValidationError("This return has already been applied or discarded.")
            _run(rows, organisation=record.organisation, partnership=record.partnership, by=by, now=now)
            if any(r.error or r.conflict for r in rows):
                raise _Rollback
            audit.write("return applied", by=by, object_ref=f"return {record.pk}", details={"updates": len(rows)})
    except _Rollback:
        # What failed is shown on the return, while it is still waiting for confirmation.
        Return.objects.filter(pk=record.pk, state=Return.State.PREVIEWED).update(rows=[r.as_dict() for r in rows])
        return False, rows
    return True, rows


def return_discard(record: Return, *, by) -> bool:
    """Discard a return waiting for confirmation; False if it was applied or discarded meanwhile."""
    _check_may_act(by, record)
    with transaction.atomic():
        discarded = Return.objects.filter(pk=record.pk, state=Return.State.PREVIEWED).update(state=Return.State.DISCARDED)
        if discarded:
            audit.write("return discarded", by=by, object_ref=f"return {record.pk}")
    return bool(discarded)
