"""Uploading an agreement, correcting how it is read, and importing it with its proposed commitments."""

import hashlib
import io
import re
from dataclasses import replace
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from agreement.importer import AgreementConflict, save_agreement
from agreement.models import Partnership, Party
from agreement.parsing import AgreementFormatError
from agreement.reading import ROLES, Overrides, read_lines
from agreement.reading.source import is_pdf, lines_from_bytes
from audit import log as audit
from onboarding.models import Onboarding, ProposedCommitment, overrides_to_json
from onboarding.curating import title_for
from onboarding.proposals import propose
from onboarding.selectors import known_clauses, paragraphs_of, parties_of, reading_of

MAX_BYTES = 5 * 1024 * 1024
MAX_PAGES = 200
MAX_LINES = 20_000  # some 100 lines a page: more is not an agreement's text
EXTENSIONS = (".pdf", ".txt")
CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")
TEXT_LIMITS = {"title": 300, "place": 120, "short_title": 120, "party": 200}


def _locked(onboarding: Onboarding) -> Onboarding:
    return Onboarding.objects.select_for_update().get(pk=onboarding.pk)


def _format_error(error: AgreementFormatError) -> str:
    """The reader's message; its line where one means something (a PDF's problems are all "line 1")."""
    return error.message[:1].upper() + error.message[1:] if error.line <= 1 else f"Line {error.line}: {error.message}"


def _page_count(data: bytes) -> int | None:
    """A PDF's pages, counted from its page tree before any text is extracted; None if pypdf cannot tell."""
    from pypdf import PdfReader

    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except Exception:  # a damaged PDF: the extraction below says so in the reader's words
        return None


def _read_upload(filename: str, data: bytes) -> list:
    if not filename.lower().endswith(EXTENSIONS):
        raise ValidationError({"file": "Upload the agreement as a PDF (.pdf) or as text (.txt)."})
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; an agreement's "
                                       "PDF or text is much smaller."})
    pages = _page_count(data) if is_pdf(data) else None
    if pages is not None and pages > MAX_PAGES:
        raise ValidationError({"file": f"The PDF has {pages} pages; an agreement has at most {MAX_PAGES}."})
    try:
        lines = lines_from_bytes(data)
        read_lines(lines)
    except AgreementFormatError as error:
        raise ValidationError({"file": _format_error(error)}) from None
    if lines[-1].page > MAX_PAGES:
        raise ValidationError({"file": f"The text has {lines[-1].page} pages; an agreement has at most {MAX_PAGES}."})
    if len(lines) > MAX_LINES:
        raise ValidationError({"file": f"The text has {len(lines):,} lines; an agreement has at most {MAX_LINES:,}."})
    return lines


@transaction.atomic
def onboarding_upload(*, filename: str, data: bytes, by) -> Onboarding:
    """Store an uploaded agreement's lines as a draft to preview; nothing of the partnership is written yet."""
    filename = filename.replace("\x00", "").strip()[:255] or "agreement"
    lines = _read_upload(filename, data)
    onboarding = Onboarding.objects.create(
        filename=filename, digest=hashlib.sha256(data).hexdigest(), size=len(data),
        source=[[line.page, line.text.replace("\x00", "")] for line in lines], uploaded_by=by, uploaded_at=timezone.now(),
    )
    audit.write("agreement uploaded for onboarding", by=by, object_ref=f"onboarding {onboarding.pk}",
                details={"file": filename, "bytes": len(data), "lines": len(lines), "pages": onboarding.page_count})
    return onboarding


def _check_reads(onboarding: Onboarding, overrides: Overrides, field: str) -> None:
    try:
        read_lines(onboarding.lines, overrides)
    except AgreementFormatError as error:
        raise ValidationError({field: _format_error(error)}) from None


def _readable(onboarding: Onboarding) -> None:
    if onboarding.state != Onboarding.State.READING:
        raise ValidationError("The text has been imported already: its reading can no longer be corrected.")


def _in_text(onboarding: Onboarding, field: str, line: int | None) -> None:
    if line is not None and not 1 <= line <= len(onboarding.source):
        raise ValidationError({field: f"The text has lines 1 to {len(onboarding.source)}."})


def _text_errors(values: dict[str, str]) -> dict[str, str]:
    errors = {}
    for field, value in values.items():
        limit = TEXT_LIMITS["party" if field.startswith("party_") else field]
        if "\x00" in value:
            errors[field] = "Remove the NUL character."
        elif len(value) > limit:
            errors[field] = f"Keep it to {limit} characters (it has {len(value)})."
    return errors


def _code_errors(parties: list[str], codes: list[str]) -> dict[str, str]:
    """A code given to a party must be free, or be that party's already."""
    errors = {}
    for index, code in enumerate(codes, start=1):
        if not code:
            continue
        if code in codes[:index - 1]:
            errors[f"code_{index}"] = f"{code} is already given to the other party: give each party its own code."
            continue
        name = parties[index - 1] if index <= len(parties) else ""
        if not CODE_RE.match(code):
            errors[f"code_{index}"] = "A code is 2 to 8 capital letters or digits, starting with a letter (EU, NO, KR)."
            continue
        if not name or "\x00" in name:
            errors[f"code_{index}"] = "Give the party's name too."
            continue
        holder = Party.objects.filter(code=code).first()
        named = Party.objects.filter(name__iexact=name).first()
        if holder and holder.name.casefold() != name.casefold():
            errors[f"code_{index}"] = f"{code} is already the code of {holder.name}."
        elif named and named.code != code:
            errors[f"code_{index}"] = f"{named.name} is a party already, with the code {named.code}."
    return errors


EARLIEST_ADOPTION = date(2000, 1, 1)  # the tracker's horizon for meetings too: no partnership of its kind is older


def adoption_error(adopted_on: date) -> str:
    """A partnership is adopted between 2000 and today: schedules, month-ends and reminders count from it."""
    today = timezone.localdate()
    if not EARLIEST_ADOPTION <= adopted_on <= today:
        return f"Give the date of adoption, between {EARLIEST_ADOPTION:%d %B %Y} and today ({today:%d %B %Y})."
    return ""


@transaction.atomic
def onboarding_correct(*, onboarding: Onboarding, by, start_line: int | None, end_line: int | None, title: str,
                       short_title: str, parties: list[str], codes: list[str], adopted_on: date | None,
                       place: str) -> Onboarding:
    """Set the corrections the preview's form gives (a blank value is the reader's own), if the text still reads."""
    onboarding = _locked(onboarding)
    _readable(onboarding)
    _in_text(onboarding, "start_line", start_line)
    _in_text(onboarding, "end_line", end_line)
    parties = [name.strip() for name in parties]
    codes = [code.strip().upper() for code in codes]
    errors = _text_errors({"title": title, "short_title": short_title, "place": place} | {
        f"party_{i}": name for i, name in enumerate(parties, start=1)}) | _code_errors(parties, codes)
    if any(parties) and not all(parties):
        errors.setdefault("party_2" if parties[0] else "party_1", "Name both parties, or neither to keep those read.")
    if adopted_on is not None and (message := adoption_error(adopted_on)):
        errors["adopted_on"] = message
    if errors:
        raise ValidationError(errors)
    stored = onboarding.corrections
    try:
        overrides = replace(stored, start_line=start_line, end_line=end_line, title=title.strip(), place=place.strip(),
                            adopted_on=adopted_on, parties=tuple(name for name in parties if name))
    except ValueError as error:
        raise ValidationError({"end_line" if str(error).startswith("end") else "start_line": str(error)}) from None
    _check_reads(onboarding, overrides, "start_line")
    onboarding.overrides, onboarding.party_codes = overrides_to_json(overrides), codes
    onboarding.short_title = short_title.strip()
    onboarding.save(update_fields=["overrides", "party_codes", "short_title"])
    audit.write("onboarding reading corrected", by=by, object_ref=f"onboarding {onboarding.pk}",
                details={"corrections": onboarding.overrides, "codes": codes, "short title": onboarding.short_title})
    return onboarding


@transaction.atomic
def onboarding_mark_line(*, onboarding: Onboarding, by, line: int, role: str) -> Onboarding:
    """Say what a line is (heading, part, area, text, drop), or, with role "", leave it to the reader again."""
    onboarding = _locked(onboarding)
    _readable(onboarding)
    _in_text(onboarding, "line", line)
    if role and role not in ROLES:
        raise ValidationError({"role": f"Choose one of {', '.join(ROLES)}."})
    stored = onboarding.corrections
    roles = {number: value for number, value in stored.roles.items() if number != line} | ({line: role} if role else {})
    overrides = replace(stored, roles=roles)
    _check_reads(onboarding, overrides, "line")
    onboarding.overrides = overrides_to_json(overrides)
    onboarding.save(update_fields=["overrides"])
    audit.write("onboarding line marked", by=by, object_ref=f"onboarding {onboarding.pk}",
                details={"line": line, "role": role or "as read"})
    return onboarding


def _coded_parties(names: list[str], codes: list[str]) -> None:
    """The parties given a code, created with it before the import looks them up by name."""
    errors = _code_errors(names, codes)
    if errors:
        raise ValidationError(errors)
    for name, code in zip(names, codes):
        if code and not Party.objects.filter(name__iexact=name).exists():
            Party.objects.create(code=code, name=name)


@transaction.atomic
def onboarding_import(*, onboarding: Onboarding, by) -> Partnership:
    """Write the text as read (agreement.importer) and propose its commitments. Once imported, importing again
    changes nothing."""
    onboarding = _locked(onboarding)
    if onboarding.state != Onboarding.State.READING:
        return onboarding.partnership
    try:
        reading = reading_of(onboarding)
    except AgreementFormatError as error:
        raise ValidationError(_format_error(error)) from None
    if reading.agreement is None:
        raise ValidationError([f"Page {d.page}, line {d.line}: {d.message}" for d in reading.preview.blocking])
    if message := adoption_error(reading.agreement.adopted_on):
        raise ValidationError({"adopted_on": f"The text reads as adopted on {reading.agreement.adopted_on:%d %B %Y}. {message}"})
    slug = slugify(onboarding.short_title or reading.agreement.title)[:80].strip("-") or f"partnership-{onboarding.pk}"
    if Partnership.objects.filter(slug=slug).exists():
        raise ValidationError({"short_title": f"A partnership called “{slug}” exists already: give this one another "
                                              "short title."})
    _coded_parties(reading.agreement.parties, onboarding.party_codes)
    try:
        with transaction.atomic():
            partnership, _ = save_agreement(reading.agreement, slug=slug, short_title=onboarding.short_title)
    except (AgreementConflict, IntegrityError) as error:
        raise ValidationError(f"The text could not be imported: {error}") from None
    rows = ProposedCommitment.objects.bulk_create(_proposal_rows(onboarding, partnership))
    onboarding.state, onboarding.partnership, onboarding.imported_at = (
        Onboarding.State.REVIEWING, partnership, timezone.now())
    onboarding.save(update_fields=["state", "partnership", "imported_at"])
    audit.write("agreement imported for onboarding", by=by, object_ref=partnership.slug, details={
        "onboarding": onboarding.pk, "paragraphs": len(reading.agreement.paragraphs), "proposals": len(rows),
        "parties": list(partnership.parties.values_list("code", flat=True))})
    return partnership


def _proposal_rows(onboarding: Onboarding, partnership: Partnership) -> list[ProposedCommitment]:
    """The proposals (onboarding.proposals) for the text just imported, as rows for the curator."""
    paragraphs = {p.number: p for p in partnership.paragraphs.prefetch_related("subparagraphs")}
    found = propose(paragraphs_of(partnership), parties_of(partnership), known_clauses(exclude=partnership))
    rows = []
    for position, proposal in enumerate(found, start=1):
        paragraph = paragraphs[proposal.paragraph]
        sub = next((s for s in paragraph.subparagraphs.all() if s.label == proposal.subparagraph), None)
        text = sub.text if sub else paragraph.text
        rows.append(ProposedCommitment(
            onboarding=onboarding, position=position, ref=proposal.ref, paragraph=paragraph, subparagraph=sub,
            start=max(text.find(proposal.clause), 0), clause=proposal.clause, verb=proposal.verb[:80],
            title=title_for(proposal.clause, proposal.verb), strength=proposal.strength,
            strength_why=proposal.strength_why, cadence=proposal.cadence, cadence_words=proposal.cadence_words[:80],
            cadence_doubt=proposal.cadence_doubt, cadence_note=proposal.cadence_doubt, sides_why=proposal.sides_why,
            sides=[{"party": side.party, "lead": [o.organisation for o in side.owners if o.role == "lead"],
                    "supporting": [o.organisation for o in side.owners if o.role != "lead"]} for side in proposal.sides],
            owner_reasons={o.organisation: o.why for side in proposal.sides for o in side.owners},
            note=" ".join(proposal.notes),
        ))
    return rows
