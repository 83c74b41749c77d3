"""Reads an agreement's text as PDF extractions give it and writes it to the database, all or nothing.

The reader (`parse_agreement`) is a pure function of the text. Its rules, in order, for each line:

1. Blank lines, form feeds and lone page numbers separate blocks and are otherwise ignored.
2. ``N. text`` starts paragraph N, and ``a. text`` sub-paragraph (a) of the current paragraph, when it begins a
   block, the line before it ended a sentence, or it carries a list marker ("- 13.", "- a."). Numbers and labels
   must follow in sequence.
3. A line starting with superscript digits (``¹ text``) is the text of that footnote, wherever it stands.
4. ``Adopted in PLACE on D Month YYYY.`` closes the document.
5. Any other line continues the block above it when no blank line separates them (hard wrapping), or when the
   paragraph above stopped mid-sentence (a page break). Otherwise it is a heading: a part if its title is one of
   the part headings, else a thematic area of the current part.

Markdown emphasis (``*inter alia*``, ``**TITLE**``) is removed; whitespace is collapsed to single spaces.
"""

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.text import slugify

from audit import log as audit

PART_HEADINGS = ("Preamble", "General framework", "Areas of Cooperation", "Way Forward")
IMPLICIT_FIRST_PART = "Preamble"
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPER_TO_DIGIT = str.maketrans(SUPERSCRIPTS, "0123456789")

_LIST_MARKER = r"(?:[-–•]\s+)?"
LIST_MARKER_RE = re.compile(r"^[-–•]\s+\(?[0-9a-z]{1,3}[.)]\s")
PARAGRAPH_RE = re.compile(rf"^{_LIST_MARKER}(\d{{1,3}})\.\s+(\S.*)$")
SUBPARAGRAPH_RE = re.compile(rf"^{_LIST_MARKER}\(?([a-z])[.)]\s+(\S.*)$")
FOOTNOTE_RE = re.compile(rf"^([{SUPERSCRIPTS}]+)\s*(\S.*)$")
MARKER_IN_TEXT_RE = re.compile(rf"(?<=\S)([{SUPERSCRIPTS}]+)")
CLOSING_RE = re.compile(r"^(?:Adopted|Done|Signed) (?:in|at) (.+?),? on (\d{1,2} \w+ \d{4})\.?$")
PAGE_NUMBER_RE = re.compile(r"^(?:-\s*)?\d{1,3}(?:\s*-)?$|^Page \d+( of \d+)?$", re.IGNORECASE)
EMPHASIS_RE = re.compile(r"\*{1,3}")
SENTENCE_END = (".", ":", ";", "!", "?", "”", '"', ")")


class AgreementFormatError(Exception):
    """The text is not an agreement in the expected form; `line` is 1-based."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


class AgreementConflict(Exception):
    """A partnership of that name already holds a different text."""


@dataclass
class ParsedFootnote:
    marker: str
    text: str
    line: int


@dataclass
class ParsedSubParagraph:
    label: str
    text: str
    line: int


@dataclass
class ParsedParagraph:
    number: int
    part: int
    area: int | None
    text: str
    line: int
    subparagraphs: list[ParsedSubParagraph] = field(default_factory=list)
    footnotes: list[ParsedFootnote] = field(default_factory=list)


@dataclass
class ParsedArea:
    title: str
    line: int


@dataclass
class ParsedPart:
    title: str
    has_heading: bool
    line: int
    areas: list[ParsedArea] = field(default_factory=list)


@dataclass
class ParsedAgreement:
    title: str
    parties: list[str]
    adopted_on: date
    place: str
    parts: list[ParsedPart]
    paragraphs: list[ParsedParagraph]

    def digest(self) -> str:
        """A fingerprint of the content, blind to line numbers, so a re-wrapped copy has the same one."""

        def strip_lines(value):
            if isinstance(value, dict):
                return {k: strip_lines(v) for k, v in value.items() if k != "line"}
            if isinstance(value, list):
                return [strip_lines(v) for v in value]
            return value

        content = strip_lines(asdict(self))
        content["adopted_on"] = self.adopted_on.isoformat()
        return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def decode_agreement(data: bytes) -> str:
    """Bytes to text, refusing what is not UTF-8 text with the line where it goes wrong."""
    if not data.strip():
        raise AgreementFormatError(1, "the file is empty; expected the agreement's title")
    if b"\x00" in data:
        raise AgreementFormatError(data[: data.index(b"\x00")].count(b"\n") + 1, "binary data (a NUL byte); expected UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise AgreementFormatError(line, "not UTF-8 text; export the agreement as UTF-8") from None


def _clean(line: str) -> str:
    return " ".join(EMPHASIS_RE.sub("", line).split())


def _join(text: str, more: str) -> str:
    # A word broken at a hyphen by wrapping ("counter-" / "terrorism") is re-joined without a space.
    if re.search(r"[\w]-$", text):
        return text + more
    return f"{text} {more}"


def _split_parties(title: str) -> list[str]:
    match = re.search(r"\bbetween\s+(.+?)\s+and\s+(.+)$", title, re.IGNORECASE)
    if not match:
        return []
    return [re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE) for name in match.groups()]


def parse_agreement(text: str, *, part_headings=PART_HEADINGS) -> ParsedAgreement:
    """Parse an agreement's text (see the module docstring for the rules)."""
    if not text.strip():
        raise AgreementFormatError(1, "the file is empty; expected the agreement's title")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    part_titles = {title.casefold(): title for title in part_headings}

    # The title: a **bold** block, or else the first non-blank line.
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    title_line = index + 1
    if lines[index].lstrip().startswith("**"):
        title_parts = []
        while index < len(lines):
            title_parts.append(lines[index])
            index += 1
            if lines[index - 1].rstrip().endswith("**") and len("".join(title_parts).strip()) > 2:
                break
        else:
            raise AgreementFormatError(title_line, "the bold title that starts here is never closed with **")
        title = _clean(" ".join(title_parts))
    else:
        title = _clean(lines[index])
        index += 1
    if PARAGRAPH_RE.match(title):
        raise AgreementFormatError(title_line, "expected the agreement's title before paragraph 1")

    parts: list[ParsedPart] = []
    paragraphs: list[ParsedParagraph] = []
    footnotes: list[ParsedFootnote] = []
    seen_numbers: dict[int, int] = {}
    closing: tuple[str, date, int] | None = None

    block = None  # what a hard-wrapped line continues: a heading, paragraph, sub-paragraph or footnote
    last_text = None  # the last paragraph or sub-paragraph, which a page break may have split mid-sentence
    waiting: ParsedPart | ParsedArea | None = None  # the last heading, until a paragraph comes under it
    current_area: int | None = None
    after_blank = True

    def text_is_open() -> bool:
        return last_text is not None and not last_text.text.rstrip(SUPERSCRIPTS).endswith(SENTENCE_END)

    def starts_block() -> bool:
        return after_blank or not isinstance(block, (ParsedParagraph, ParsedSubParagraph)) or not text_is_open()

    def current_part() -> ParsedPart:
        if not parts:
            parts.append(ParsedPart(IMPLICIT_FIRST_PART, has_heading=False, line=number))
        return parts[-1]

    for number, raw in enumerate(lines[index:], start=index + 1):
        line = _clean(raw)
        if not line or PAGE_NUMBER_RE.match(line):
            after_blank, block = True, None
            continue
        if closing:
            raise AgreementFormatError(number, f"text after the closing line (line {closing[2]}); expected the end")

        if match := FOOTNOTE_RE.match(line):
            block = ParsedFootnote(match.group(1).translate(_SUPER_TO_DIGIT), match.group(2), number)
            footnotes.append(block)
            after_blank = False
            continue

        listed = LIST_MARKER_RE.match(line) is not None  # "- 13." or "- a." starts a block wherever it stands
        if (match := PARAGRAPH_RE.match(line)) and (listed or starts_block()):
            value = int(match.group(1))
            if value in seen_numbers:
                raise AgreementFormatError(number, f"paragraph {value} appears twice (first at line {seen_numbers[value]})")
            expected = paragraphs[-1].number + 1 if paragraphs else 1
            if value != expected:
                if paragraphs:
                    raise AgreementFormatError(
                        number, f"paragraph {value} follows paragraph {paragraphs[-1].number}; expected {expected}"
                    )
                raise AgreementFormatError(number, f"the first paragraph is numbered {value}; expected 1")
            current_part()
            block = last_text = ParsedParagraph(value, len(parts) - 1, current_area, match.group(2), number)
            paragraphs.append(block)
            seen_numbers[value] = number
            waiting, after_blank = None, False
            continue

        if (match := SUBPARAGRAPH_RE.match(line)) and paragraphs and waiting is None and (listed or starts_block()):
            paragraph = paragraphs[-1]
            label = match.group(1)
            expected = chr(ord(paragraph.subparagraphs[-1].label) + 1) if paragraph.subparagraphs else "a"
            if label != expected:
                raise AgreementFormatError(
                    number, f"sub-paragraph ({label}) in paragraph {paragraph.number}; expected ({expected})"
                )
            block = last_text = ParsedSubParagraph(label, match.group(2), number)
            paragraph.subparagraphs.append(block)
            after_blank = False
            continue

        if (match := CLOSING_RE.match(line)) and starts_block():
            try:
                adopted_on = datetime.strptime(match.group(2), "%d %B %Y").date()
            except ValueError:
                raise AgreementFormatError(number, f"{match.group(2)!r} is not a date such as 19 May 2025") from None
            if waiting is not None:
                raise AgreementFormatError(waiting.line, f"heading {waiting.title!r} has no paragraph under it")
            closing = (match.group(1), adopted_on, number)
            block = None
            continue

        if not after_blank and block is not None:
            # Hard wrapping: the line goes on with the block above it.
            if isinstance(block, (ParsedPart, ParsedArea)):
                block.title = _join(block.title, line)
            else:
                block.text = _join(block.text, line)
            continue

        if text_is_open() and waiting is None:
            # A page break split the paragraph mid-sentence: the text goes on after the blank line.
            last_text.text = _join(last_text.text, line)
            block, after_blank = last_text, False
            continue

        # A heading: a part if its title is one of the part headings, else an area of the current part.
        if isinstance(waiting, ParsedArea) or isinstance(waiting, ParsedPart) and line.casefold() in part_titles:
            raise AgreementFormatError(waiting.line, f"heading {waiting.title!r} has no paragraph under it")
        if line.casefold() in part_titles:
            block = ParsedPart(line, has_heading=True, line=number)
            parts.append(block)
            current_area = None
        else:
            block = ParsedArea(line, number)
            current_part().areas.append(block)
            current_area = len(parts[-1].areas) - 1
        waiting, after_blank = block, False

    if waiting is not None:
        raise AgreementFormatError(waiting.line, f"heading {waiting.title!r} has no paragraph under it")
    if not paragraphs:
        raise AgreementFormatError(len(lines), "no numbered paragraph found; expected lines such as '1. The …'")
    if closing is None:
        raise AgreementFormatError(len(lines), "no closing line such as 'Adopted in London on 19 May 2025.'")

    _attach_footnotes(paragraphs, footnotes)
    return ParsedAgreement(
        title=title,
        parties=_split_parties(title),
        adopted_on=closing[1],
        place=closing[0],
        parts=parts,
        paragraphs=paragraphs,
    )


def _attach_footnotes(paragraphs: list[ParsedParagraph], footnotes: list[ParsedFootnote]) -> None:
    by_marker: dict[str, ParsedFootnote] = {}
    for note in footnotes:
        if note.marker in by_marker:
            raise AgreementFormatError(note.line, f"footnote {note.marker} appears twice (first at line {by_marker[note.marker].line})")
        by_marker[note.marker] = note
    used = set()
    for paragraph in paragraphs:
        texts = [paragraph.text] + [sub.text for sub in paragraph.subparagraphs]
        for marker in (m.translate(_SUPER_TO_DIGIT) for text in texts for m in MARKER_IN_TEXT_RE.findall(text)):
            if marker not in by_marker:
                raise AgreementFormatError(paragraph.line, f"paragraph {paragraph.number} refers to footnote {marker}, whose text is missing")
            if marker not in used:
                paragraph.footnotes.append(by_marker[marker])
                used.add(marker)
    for marker, note in by_marker.items():
        if marker not in used:
            raise AgreementFormatError(note.line, f"footnote {marker} is not referred to by any paragraph")


def _find_party(name: str, paragraphs: list[ParsedParagraph]):
    """The Party the title names, created on first sight with the abbreviation the text gives it ("… (EU)")."""
    from agreement.models import Party

    party = Party.objects.filter(name__iexact=name).first()
    if party:
        return party
    for paragraph in paragraphs:
        if match := re.search(rf"({re.escape(name)})\s+\(([A-Z]{{2,8}})\)", paragraph.text, re.IGNORECASE):
            return Party.objects.create(name=match.group(1), code=match.group(2))
    initials = "".join(word[0] for word in name.split() if word[0].isupper())[:8] or name[:8].upper()
    return Party.objects.create(name=name, code=initials)


@transaction.atomic
def save_agreement(parsed: ParsedAgreement, *, slug: str = "", short_title: str = "", replace: bool = False):
    """Write a parsed agreement; returns (partnership, outcome) with outcome "created", "unchanged" or "replaced".

    A partnership of the same slug with the same content is left alone; with different content it is refused
    unless `replace` is set, in which case the text is updated in place so commitments keep their paragraphs.
    """
    from agreement.models import Partnership

    slug = slug or slugify(short_title or parsed.title)[:80]
    digest = parsed.digest()
    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership and partnership.source_digest == digest:
        return partnership, "unchanged"
    if partnership and not replace:
        raise AgreementConflict(
            f"A partnership named {slug!r} already exists with a different text. "
            "Use --replace to update it, or --slug to import this text as another partnership."
        )
    outcome = "replaced" if partnership else "created"
    fields = {
        "title": parsed.title,
        "short_title": short_title or partnership and partnership.short_title or parsed.title[:120],
        "adopted_on": parsed.adopted_on,
        "place": parsed.place,
        "source_digest": digest,
    }
    if partnership:
        Partnership.objects.filter(pk=partnership.pk).update(**fields)
        partnership.refresh_from_db()
    else:
        partnership = Partnership.objects.create(slug=slug, **fields)
    partnership.parties.set([_find_party(name, parsed.paragraphs) for name in parsed.parties])
    _save_text(partnership, parsed)
    audit.write(f"agreement {outcome}", object_ref=slug, details={
        "title": parsed.title, "paragraphs": len(parsed.paragraphs), "digest": digest})
    return partnership, outcome


def _save_text(partnership, parsed: ParsedAgreement) -> None:
    """Parts, areas, paragraphs, sub-paragraphs and footnotes as parsed, updated in place; what the text no longer
    has is removed, unless commitments still refer to it."""
    from agreement.models import Area, Footnote, Paragraph, Part, SubParagraph

    parts, areas = [], {}
    for position, parsed_part in enumerate(parsed.parts, start=1):
        part, _ = Part.objects.update_or_create(
            partnership=partnership, position=position,
            defaults={"title": parsed_part.title, "has_heading": parsed_part.has_heading},
        )
        parts.append(part)
        for area_position, parsed_area in enumerate(parsed_part.areas, start=1):
            areas[(position - 1, area_position - 1)], _ = Area.objects.update_or_create(
                part=part, position=area_position,
                defaults={"title": parsed_area.title, "slug": slugify(parsed_area.title)[:80]},
            )
    for parsed_paragraph in parsed.paragraphs:
        paragraph, _ = Paragraph.objects.update_or_create(
            partnership=partnership, number=parsed_paragraph.number,
            defaults={
                "part": parts[parsed_paragraph.part],
                "area": areas.get((parsed_paragraph.part, parsed_paragraph.area)),
                "text": parsed_paragraph.text,
            },
        )
        labels = [sub.label for sub in parsed_paragraph.subparagraphs]
        paragraph.subparagraphs.exclude(label__in=labels).delete()
        for sub in parsed_paragraph.subparagraphs:
            SubParagraph.objects.update_or_create(paragraph=paragraph, label=sub.label, defaults={"text": sub.text})
        markers = [note.marker for note in parsed_paragraph.footnotes]
        paragraph.footnotes.exclude(marker__in=markers).delete()
        for note in parsed_paragraph.footnotes:
            Footnote.objects.update_or_create(paragraph=paragraph, marker=note.marker, defaults={"text": note.text})
    try:
        partnership.paragraphs.exclude(number__in=[p.number for p in parsed.paragraphs]).delete()
        Area.objects.filter(part__partnership=partnership).exclude(pk__in=[a.pk for a in areas.values()]).delete()
        partnership.parts.exclude(pk__in=[p.pk for p in parts]).delete()
    except ProtectedError as exc:
        raise AgreementConflict(
            f"The new text drops paragraphs that commitments still refer to ({len(exc.protected_objects)} "
            "commitments); move or remove those commitments first."
        ) from None
