"""Loads what fixtures/commitments.toml says around its commitments: the conditions that govern them, the
instruments they refer to and the links between them and to the dialogue series that carry them.

It runs after the commitments and the partnership's dialogue series are loaded (the seed command calls it), checks
every entry against the text first, then writes, matching existing rows so that loading the same file again writes
nothing. Any fault raises CurationError, and the seed's transaction leaves everything as it was."""

import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from agreement.models import Footnote, Organisation, Partnership
from audit import log as audit
from commitments.curation import CurationError, read_toml, upsert
from commitments.models import Commitment, CommitmentCondition, CommitmentLink, Condition, Instrument, SERIES_LINKS
from commitments.services import reschedule

LINK_KINDS = set(CommitmentLink.Kind.values)
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@dataclass(frozen=True)
class Link:
    source: int
    kind: str
    target: int | None
    series: int | None
    note: str


@transaction.atomic
def load_references(partnership: Partnership, path: Path) -> int:
    """Conditions, instruments and links of the partnership's commitments file; the number of rows written."""
    data, name = read_toml(path), path.name
    commitments = {c.ref: c for c in Commitment.objects.filter(paragraph__partnership=partnership)
                   .select_related("paragraph", "subparagraph")}
    # The series are the dialogues app's, above this one: read through the partnership's reverse relation.
    series = dict(partnership.dialogue_series.values_list("slug", "pk"))
    conditions = _conditions(partnership, data.get("condition", []), name)
    instruments = _instruments(data.get("instrument", []), name)
    uses, cites, links = {}, {slug: set() for slug in instruments}, {}
    for entry in data.get("commitment", []):
        commitment = commitments.get(entry.get("ref"))
        if commitment is None:
            continue  # the commitments' own loader has refused it already
        where = f"{name}: commitment {commitment.ref!r}"
        _shaped(entry, where)
        text = _paragraph_text(commitment)
        uses.update(_condition_uses(entry, commitment, text, conditions, where))
        for slug in _citations(entry, text, instruments, where):
            cites[slug].add(commitment.pk)
        links |= _links(entry, commitment, commitments, series, where)  # one entry per ref: keys never clash
    _refuse_unused(conditions, uses, cites, name)
    _refuse_both_ways(links, {c.pk: ref for ref, c in commitments.items()}, name)
    written = (_write_conditions(partnership, conditions, uses, commitments)
               + _write_instruments(partnership, instruments, cites) + _write_links(links, commitments))
    if written:
        audit.write("commitment references loaded", object_ref=partnership.slug,
                    details={"file": name, "rows written": written})
    return written


def _paragraph_text(commitment: Commitment) -> str:
    """What a condition or a citation of the commitment may quote: its paragraph, and its sub-paragraph if any (the
    chapeau of ¶12 governs 12(a)–(f))."""
    sub = commitment.subparagraph.text if commitment.subparagraph_id else ""
    return f"{commitment.paragraph.text}\n{sub}"


def _shaped(entry: dict, where: str) -> None:
    """The keys this module reads, of the shape it reads them in: a mistyped file is refused, not a crash."""
    shapes = {"conditions": (dict, str), "instruments": (list, str), "links": (list, dict)}
    for key, (outer, inner) in shapes.items():
        value = entry.get(key, outer())
        items = value.values() if isinstance(value, dict) else value
        if not isinstance(value, outer) or not all(isinstance(item, inner) for item in items):
            raise CurationError(f"{where}: {key} must be a {'table' if outer is dict else 'list'} of "
                                f"{'strings' if inner is str else 'tables'}")


def _new_slug(slug, found: dict, where: str) -> None:
    """A slug names a page anchor and an API value: lower-case words joined by hyphens, each used once."""
    if not isinstance(slug, str) or not SLUG.fullmatch(slug) or len(slug) > 60:
        raise CurationError(f"{where}: a slug is lower-case letters, digits and hyphens, at most 60")
    if slug in found:
        raise CurationError(f"{where}: the slug is used twice")


def _required(entry: dict, keys: tuple, where: str) -> None:
    missing = [key for key in keys if not entry.get(key)]
    if missing:
        raise CurationError(f"{where}: missing {', '.join(missing)}")


def _conditions(partnership: Partnership, entries: list[dict], name: str) -> dict[str, dict]:
    """The conditions by slug. One of the whole partnership must quote its words from the text (a footnote or a
    paragraph); the others are quoted where each commitment cites them."""
    texts = list(Footnote.objects.filter(paragraph__partnership=partnership).values_list("text", flat=True))
    texts += list(partnership.paragraphs.values_list("text", flat=True))
    found = {}
    for entry in entries:
        where = f"{name}: condition {entry.get('slug')!r}"
        _required(entry, ("slug", "label"), where)
        _new_slug(entry["slug"], found, where)
        if len(entry["label"]) > 120:
            raise CurationError(f"{where}: the label is longer than 120 characters")
        whole = bool(entry.get("whole_partnership"))
        if whole:
            _required(entry, ("words", "stated_in"), where)
            if not any(entry["words"] in text for text in texts):
                raise CurationError(f"{where}: its words are not quoted exactly from the text")
        elif entry.get("words"):
            raise CurationError(f"{where}: only a condition of the whole partnership has words of its own")
        found[entry["slug"]] = {"label": entry["label"], "note": entry.get("note", ""), "whole_partnership": whole,
                                "words": entry.get("words", ""), "stated_in": entry.get("stated_in", "")}
    return found


def _instruments(entries: list[dict], name: str) -> dict[str, dict]:
    found = {}
    for entry in entries:
        where = f"{name}: instrument {entry.get('slug')!r}"
        _required(entry, ("slug", "short_name", "name", "kind", "cited_as"), where)
        _new_slug(entry["slug"], found, where)
        if not isinstance(entry["cited_as"], list) or not all(isinstance(w, str) and w for w in entry["cited_as"]):
            raise CurationError(f"{where}: cited_as must be a list of the words the text names it by")
        if entry["kind"] not in Instrument.Kind.values:
            raise CurationError(f"{where}: kind must be one of {', '.join(Instrument.Kind.values)}")
        if len(entry["short_name"]) > 60 or len(entry["name"]) > 300:
            raise CurationError(f"{where}: the short name is limited to 60 characters and the name to 300")
        found[entry["slug"]] = entry
    return found


def _condition_uses(entry: dict, commitment: Commitment, text: str, conditions: dict, where: str) -> dict:
    """(commitment pk, condition slug) -> the words of the paragraph that state the condition."""
    uses = {}
    for slug, words in entry.get("conditions", {}).items():
        if slug not in conditions:
            raise CurationError(f"{where}: unknown condition {slug!r}")
        if conditions[slug]["whole_partnership"]:
            raise CurationError(f"{where}: condition {slug!r} governs the whole partnership and is not listed")
        if not words or words not in text:
            raise CurationError(f"{where}: the words of condition {slug!r} are not quoted exactly from the paragraph")
        uses[(commitment.pk, slug)] = words
    return uses


def _citations(entry: dict, text: str, instruments: dict, where: str) -> list[str]:
    slugs = entry.get("instruments", [])
    for slug in slugs:
        if slug not in instruments:
            raise CurationError(f"{where}: unknown instrument {slug!r}")
        if not any(words in text for words in instruments[slug]["cited_as"]):
            raise CurationError(f"{where}: its paragraph does not name instrument {slug!r}")
    if len(set(slugs)) < len(slugs):
        raise CurationError(f"{where}: an instrument is listed twice")
    return slugs


def _links(entry: dict, commitment: Commitment, commitments: dict, series: dict, where: str) -> dict[tuple, Link]:
    """The entry's links, keyed by what makes a link the same link (its ends and kind)."""
    found = {}
    for link in entry.get("links", []):
        kind, to, slug = link.get("kind"), link.get("to"), link.get("series")
        if kind not in LINK_KINDS:
            raise CurationError(f"{where}: a link's kind must be one of {', '.join(sorted(LINK_KINDS))}")
        if kind in SERIES_LINKS:
            if to is not None or slug not in series:
                raise CurationError(f"{where}: a {kind} link names a dialogue series of the partnership ({slug!r})")
            found_link = Link(commitment.pk, kind, None, series[slug], link.get("note", ""))
        else:
            if slug is not None or to not in commitments or to == commitment.ref:
                raise CurationError(f"{where}: a {kind} link names another commitment of the partnership ({to!r})")
            found_link = Link(commitment.pk, kind, commitments[to].pk, None, link.get("note", ""))
        key = (found_link.source, kind, found_link.target, found_link.series)
        if key in found:
            raise CurationError(f"{where}: the {kind} link to {to or slug!r} is written twice")
        found[key] = found_link
    return found


def _refuse_unused(conditions: dict, uses: dict, cites: dict, name: str) -> None:
    """A condition or instrument no commitment cites is a mistake in the file, not a reference to keep."""
    used = {slug for _, slug in uses}
    for slug, condition in conditions.items():
        if not condition["whole_partnership"] and slug not in used:
            raise CurationError(f"{name}: condition {slug!r} governs no commitment")
    for slug, commitments in cites.items():
        if not commitments:
            raise CurationError(f"{name}: instrument {slug!r} is cited by no commitment")


def _refuse_both_ways(links: dict[tuple, Link], refs: dict[int, str], name: str) -> None:
    """"related_to" reads the same from both ends: written on both, it would show twice."""
    related = {(source, target) for source, kind, target, _ in links if kind == CommitmentLink.Kind.RELATED_TO}
    for source, target in related:
        if (target, source) in related and source < target:
            raise CurationError(f"{name}: {refs[source]!r} and {refs[target]!r} are related_to each other twice; "
                                "write it once, on the first")


def _write_conditions(partnership: Partnership, conditions: dict, uses: dict, commitments: dict) -> int:
    written = Condition.objects.filter(partnership=partnership).exclude(slug__in=conditions).delete()[0]
    rows = {}
    for slug, values in conditions.items():
        rows[slug], changed = upsert(Condition, {"partnership": partnership, "slug": slug}, values)
        written += changed
    ids = [c.pk for c in commitments.values()]
    kept = CommitmentCondition.objects.filter(commitment__in=ids)
    for (commitment, slug), words in uses.items():
        written += upsert(CommitmentCondition, {"commitment_id": commitment, "condition": rows[slug]}, {"words": words})[1]
    wanted = {(commitment, rows[slug].pk) for commitment, slug in uses}
    stale = [pk for pk, commitment, condition in kept.values_list("pk", "commitment", "condition")
             if (commitment, condition) not in wanted]
    return written + CommitmentCondition.objects.filter(pk__in=stale).delete()[0]


def _write_instruments(partnership: Partnership, instruments: dict, cites: dict) -> int:
    written = Instrument.objects.filter(partnership=partnership).exclude(slug__in=instruments).delete()[0]
    for slug, entry in instruments.items():
        instrument, changed = upsert(Instrument, {"partnership": partnership, "slug": slug}, {
            "short_name": entry["short_name"], "name": entry["name"], "kind": entry["kind"],
            "note": entry.get("note", ""),
        })
        written += changed
        if set(instrument.commitments.values_list("pk", flat=True)) != cites[slug]:
            instrument.commitments.set(cites[slug])
            written += 1
    return written


def _write_links(links: dict[tuple, Link], commitments: dict) -> int:
    existing = {(row.source_id, row.kind, row.target_id, row.series_id): row
                for row in CommitmentLink.objects.filter(source__in=[c.pk for c in commitments.values()])}
    stale = [row for key, row in existing.items() if key not in links]
    written = CommitmentLink.objects.filter(pk__in=[row.pk for row in stale]).delete()[0]
    rescheduled = {row.source_id for row in stale if row.kind == CommitmentLink.Kind.FULFILLED_BY}
    for key, link in links.items():
        row = existing.get(key)
        if row is None:
            CommitmentLink.objects.create(source_id=link.source, kind=link.kind, target_id=link.target,
                                          series_id=link.series, note=link.note)
            written += 1
            rescheduled |= {link.source} if link.kind == CommitmentLink.Kind.FULFILLED_BY else set()
        elif row.note != link.note:
            CommitmentLink.objects.filter(pk=row.pk).update(note=link.note)
            written += 1
    # A commitment now fulfilled by meetings (or no longer) counts its schedule from them (or from its updates).
    reschedule(c for c in commitments.values() if c.pk in rescheduled)
    return written


def organisations_dropped(path: Path) -> list[str]:
    """The organisations in the database that the organisations file no longer lists: the seed names them and
    leaves them, since officials, ownerships, returns or meetings may still refer to them."""
    listed = {entry.get("slug") for entry in read_toml(path).get("organisation", [])}
    return sorted(Organisation.objects.exclude(slug__in=listed).values_list("slug", flat=True))
