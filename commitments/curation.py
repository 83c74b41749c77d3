"""Loads the curated encoding in fixtures/ (organisations.toml, commitments.toml): validates every entry first,
then writes all of it in one transaction, matching existing rows by slug or reference so a re-run changes nothing."""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import F, ProtectedError

from commitments.models import Commitment, CommitmentSide, Ownership
from commitments.status import Cadence, Strength, least_advanced
from agreement.models import Organisation, Partnership, Party
from audit import log as audit


class CurationError(Exception):
    """What is wrong with curated data. `problems` holds, for a commitments file, every problem of each entry by its
    ref (all of them, so a curator sees them at once); the message names them all."""

    def __init__(self, message: str, problems: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.problems = problems or {}


def read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CurationError(f"{path.name}: {exc}") from None


def upsert(model, lookup: dict, values: dict):
    """The row for `lookup`, created with `values` or given those that differ, and whether it was written. Loading
    unchanged fixtures again writes nothing, so it takes no row lock that would make it wait for an official's
    update in progress."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        return model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        row.save(update_fields=changed)
    return row, bool(changed)


@transaction.atomic
def load_organisations(path: Path) -> int:
    data = read_toml(path)
    written = [upsert(Party, {"code": entry["code"]}, {"name": entry["name"]})[1] for entry in data.get("party", [])]
    parties = {party.code: party for party in Party.objects.all()}
    count = 0
    for entry in data.get("organisation", []):
        if entry.get("party") not in parties:
            raise CurationError(f"{path.name}: organisation {entry.get('slug')!r} names unknown party {entry.get('party')!r}")
        parent = Organisation.objects.get(slug=entry["parent"]) if entry.get("parent") else None
        written.append(upsert(Organisation, {"slug": entry["slug"]}, {
            "party": parties[entry["party"]], "short_name": entry["short_name"], "name": entry["name"], "parent": parent,
        })[1])
        count += 1
    if any(written):
        audit.write("organisations loaded", details={"file": path.name, "rows written": sum(written)})
    return count


@dataclass
class _Entry:
    ref: str
    paragraph: object
    subparagraph: object
    position: int
    fields: dict
    sides: dict  # party code -> ([lead slugs], [supporting slugs])


def _validate(partnership: Partnership, entries: list[dict], source: str) -> list[_Entry]:
    """Every entry checked, every problem of each collected; nothing returned unless all pass."""
    paragraphs = {p.number: p for p in partnership.paragraphs.prefetch_related("subparagraphs")}
    organisations = {o.slug: o for o in Organisation.objects.select_related("party")}
    party_codes = set(partnership.parties.values_list("code", flat=True))
    seen, positions, result, problems = set(), {}, [], {}
    for index, entry in enumerate(entries, start=1):
        ref = str(entry.get("ref", f"#{index}"))
        try:
            if entry.get("ref") in seen:
                raise CurationError("the reference is used twice")
            seen.add(entry.get("ref"))
            checked = _entry(entry, paragraphs, party_codes, organisations)
        except CurationError as problem:
            problems.setdefault(ref, []).append(str(problem))
            continue
        positions[checked.paragraph.number] = positions.get(checked.paragraph.number, 0) + 1
        checked.position = positions[checked.paragraph.number]
        result.append(checked)
    if problems:
        raise CurationError("; ".join(f"{source}: commitment {ref!r}: {message}" for ref, messages in problems.items()
                                      for message in messages), problems)
    return result


def _entry(entry: dict, paragraphs: dict, party_codes: set[str], organisations: dict) -> _Entry:
    missing = {"ref", "paragraph", "title", "clause", "strength", "cadence"} - entry.keys()
    if missing:
        raise CurationError(f"missing {', '.join(sorted(missing))}")
    paragraph = paragraphs.get(entry["paragraph"])
    if paragraph is None:
        raise CurationError(f"there is no paragraph {entry['paragraph']}")
    subparagraph = None
    if "subparagraph" in entry:
        subparagraph = next((s for s in paragraph.subparagraphs.all() if s.label == entry["subparagraph"]), None)
        if subparagraph is None:
            raise CurationError(f"paragraph {paragraph.number} has no sub-paragraph ({entry['subparagraph']})")
    source_text = subparagraph.text if subparagraph else paragraph.text
    if not isinstance(entry["clause"], str) or entry["clause"] not in source_text:
        raise CurationError("the clause is not quoted exactly from the paragraph")
    if entry["strength"] not in Strength.values:
        raise CurationError(f"strength must be one of {', '.join(Strength.values)}")
    if entry["cadence"] not in Cadence.values:
        raise CurationError(f"cadence must be one of {', '.join(Cadence.values)}")
    return _Entry(
        ref=entry["ref"], paragraph=paragraph, subparagraph=subparagraph, position=0,
        fields={
            "title": entry["title"],
            "clause": entry["clause"],
            "strength": entry["strength"],
            "cadence": entry["cadence"],
            "cadence_note": entry.get("cadence_note", ""),
            "curation_note": entry.get("note", ""),
            "lead_reason": entry.get("lead_reason", ""),
            "target_date": entry.get("target_date"),
        },
        sides=_owners(entry, party_codes, organisations),
    )


def _owners(entry: dict, party_codes: set[str], organisations: dict) -> dict[str, tuple[list, list]]:
    """Per side the entry names, its lead organisations (one, or several the text names as equals) and the
    supporting ones, each checked to be of that side."""
    sides = {}
    for code in sorted(party_codes & entry.keys()):
        lead = entry[code].get("lead")
        if not lead:
            raise CurationError(f"no lead organisation on the {code} side")
        leads = lead if isinstance(lead, list) else [lead]
        supporting = list(entry[code].get("supporting", []))
        for slug in leads + supporting:
            if slug not in organisations:
                raise CurationError(f"unknown organisation {slug!r} on the {code} side")
            if organisations[slug].party.code != code:
                raise CurationError(f"{slug!r} is not a {code} organisation")
        if set(leads) & set(supporting) or len(set(leads + supporting)) < len(leads + supporting):
            raise CurationError(f"an organisation is named twice on the {code} side")
        sides[code] = (leads, supporting)
    if not sides:
        raise CurationError(f"no owner on any side ({', '.join(sorted(party_codes))})")
    return sides


@transaction.atomic
def load_commitments(partnership: Partnership, source: Path | dict, *, name: str = "") -> int:
    """Create or update the partnership's commitments from a file, or from the same encoding already parsed (a
    dict as tomllib reads the file; `name` says where it came from). Statuses and history are never touched; the
    schedules and overall status that derive from what changed are recomputed."""
    data, name = (source, name or "the encoding") if isinstance(source, dict) else (read_toml(source), source.name)
    entries = _validate(partnership, data.get("commitment", []), name)
    existing = {(c.paragraph_id, c.ref): c for c in Commitment.objects.filter(paragraph__partnership=partnership)}
    if any(existing.get((e.paragraph.pk, e.ref), e).position != e.position for e in entries):
        # Positions are re-assigned below; park the old ones out of the way of the unique constraint first.
        Commitment.objects.filter(paragraph__partnership=partnership).update(position=F("position") + 1000)
    written, known = 0, ({p.code: p for p in Party.objects.all()}, {o.slug: o for o in Organisation.objects.all()})
    for entry in entries:
        values = {"subparagraph": entry.subparagraph, "position": entry.position, **entry.fields}
        commitment, changed = upsert(Commitment, {"paragraph": entry.paragraph, "ref": entry.ref}, values)
        written += changed + _load_sides(commitment, entry, partnership, *known)
    kept = {(e.paragraph.pk, e.ref) for e in entries}
    for key, commitment in existing.items():
        if key not in kept:
            if commitment.updates.exists():
                raise CurationError(f"commitment {commitment.ref}: it has recorded updates and cannot be removed")
            try:
                with transaction.atomic():
                    commitment.delete()
            except ProtectedError:
                raise CurationError(f"commitment {commitment.ref}: a meeting refers to it (agenda, review or "
                                    "milestone) and it cannot be removed") from None
            written += 1
    if written:
        audit.write("commitments loaded", object_ref=partnership.slug, details={"file": name, "rows written": written})
    return len(entries)


def _load_sides(commitment: Commitment, entry: "_Entry", partnership: Partnership, parties: dict,
                organisations: dict) -> int:
    """The commitment's sides and owners as the entry gives them; how many rows were written."""
    written = 0
    for code, (leads, supporting) in entry.sides.items():
        side, created = CommitmentSide.objects.get_or_create(commitment=commitment, party=parties[code])
        wanted = {slug: Ownership.Role.LEAD for slug in leads} | {slug: Ownership.Role.SUPPORTING for slug in supporting}
        written += created + side.owners.exclude(organisation__slug__in=wanted).delete()[0]
        for slug, role in wanted.items():
            written += upsert(Ownership, {"side": side, "organisation": organisations[slug]}, {"role": role})[1]
    stale_sides = commitment.sides.exclude(party__code__in=entry.sides)
    if stale_sides.filter(updates__isnull=False).exists():
        raise CurationError(f"commitment {entry.ref}: a side with recorded updates cannot be removed")
    written += stale_sides.delete()[0]
    sides = list(commitment.sides.all())
    for side in sides:
        before = side.plan
        side.reschedule(commitment, partnership.adopted_on)
        if side.plan != before:
            side.save(update_fields=["due_on", "overdue_on", "stale_on"])
            written += 1
    # A side added or removed changes the overall status: the least advanced of the sides.
    overall = least_advanced(side.status for side in sides)
    if commitment.status != overall:
        Commitment.objects.filter(pk=commitment.pk).update(status=overall)
        commitment.status = overall
        written += 1
    return written

