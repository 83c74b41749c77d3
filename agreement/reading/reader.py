"""The reader of real agreements, from a PDF or a text: the agreement to save and a preview of how it was read.

1. Lines are taken with their pages (agreement.reading.source) and cleaned of emphasis and spacing.
2. Furniture, and what the administrator marked to drop, is set aside (agreement.reading.layout).
3. The title is found (after any cover note) or taken where the administrator set the start; what comes before
   it is front matter, what comes after the end the administrator set is dropped.
4. Broken ligatures are mended from the document's own words (agreement.reading.words).
5. The lines are assembled into paragraphs, sub-paragraphs, footnotes and headings (agreement.reading.assemble),
   the headings placed as parts and areas and the footnotes attached (agreement.reading.structure).
6. The date, place and parties come from the closing line and the title, or from the administrator.

Nothing is written: `agreement.importer.save_agreement` writes `Reading.agreement`.
"""

import re
from agreement.parsing import AgreementFormatError, ParsedAgreement, _clean, _split_parties
from agreement.reading.assemble import Assembler
from agreement.reading.layout import Line, find_title, furniture
from agreement.reading.preview import Doubt, Dropped, HeadingRead, Overrides, Preview, Reading, Repair, SourceLine
from agreement.reading.source import lines_from_bytes, lines_from_text
from agreement.reading.structure import DIVISION_TITLES, attach_footnotes, place
from agreement.reading.words import Vocabulary, mend_ligatures

TITLE_LENGTH, PLACE_LENGTH, PARTY_NAME_LENGTH = 300, 120, 200  # Partnership.title, .place, Party.name
DATE_RE = re.compile(r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November"
                     r"|December) \d{4}\b")
COMPOUND_PARTIES_RE = re.compile(r"^(?:the\s+)?([A-Z][\w.]*)\s*[–—-]\s*([A-Z][\w.]*)\s+\w", re.IGNORECASE)


def read_agreement(data: bytes, overrides: Overrides | None = None, *, part_headings=()) -> Reading:
    """Read an uploaded file: a PDF or UTF-8 text."""
    return read_lines(lines_from_bytes(data), overrides, part_headings=part_headings)


def read_text(text: str, overrides: Overrides | None = None, *, part_headings=()) -> Reading:
    return read_lines(lines_from_text(text), overrides, part_headings=part_headings)


def read_lines(source: list[SourceLine], overrides: Overrides | None = None, *, part_headings=()) -> Reading:
    overrides = overrides or Overrides()
    lines = [Line(s.number, s.page, s.text, _clean(s.text)) for s in source]
    if not any(line.text for line in lines):
        raise AgreementFormatError(1, "the file is empty; expected the agreement's title")
    doubts: list[Doubt] = []
    dropped, visible = _set_aside(lines, overrides)
    title = find_title(visible, overrides.start_line)
    if title is None:
        raise AgreementFormatError(overrides.start_line or 1, "nothing to read from the line set as the start")
    end = _end_index(visible, overrides.end_line)
    dropped += [Dropped(l.page, l.number, l.text, "front matter before the title") for l in visible[:title.start] if l.text]
    dropped += [Dropped(l.page, l.number, l.text, "after the end you set") for l in visible[end:] if l.text]
    vocabulary = Vocabulary(line.text for line in visible)
    repairs = _mend(visible[title.end:end], vocabulary, doubts)
    assembler = Assembler(vocabulary)
    for line in visible[title.end:end]:
        assembler.read(line, overrides.roles.get(line.number, ""))
    assembler.settle()

    def doubt(number: int, kind: str, message: str) -> None:
        doubts.append(Doubt(source[number - 1].page if 0 < number <= len(source) else 0, number, kind, message))

    if assembler.pending is not None:
        doubt(assembler.pending.line, "numbering", "the last number stands alone with no text after it")

    part_titles = {t.casefold() for t in (*DIVISION_TITLES, *part_headings, *overrides.part_headings)}
    parts, placed = place(assembler.items, part_titles, doubt)
    attach_footnotes(assembler.paragraphs, assembler.footnotes, doubt)
    doubts += assembler.doubts
    preview = Preview(
        title="", title_lines=[line.number for line in visible[title.start:title.end]], lines=source,
        headings=[HeadingRead(h.page, h.line, h.title, level, h.form) for h, level in placed],
        paragraphs=assembler.paragraphs, footnotes=assembler.footnotes,
        dropped=sorted(dropped + assembler.dropped, key=lambda d: d.line), repairs=repairs + assembler.repairs,
        redactions=assembler.redactions, doubts=doubts, parties=[], adopted_on=None, place="",
    )
    _settle_front(preview, title, assembler, overrides, source)
    preview.doubts.sort(key=lambda d: (d.line, d.kind))
    agreement = None if preview.blocking else ParsedAgreement(
        title=preview.title, parties=preview.parties, adopted_on=preview.adopted_on, place=preview.place,
        parts=parts, paragraphs=assembler.paragraphs)
    return Reading(agreement, preview)


def _set_aside(lines: list[Line], overrides: Overrides) -> tuple[list[Dropped], list[Line]]:
    """Furniture and the lines marked "drop", as dropped lines; the lines with those blanked out."""
    found = furniture(lines)
    for number, role in overrides.roles.items():
        if role == "drop":
            found[number] = "dropped as you marked it"
        elif number in found:
            del found[number]  # a line the administrator says is text, or a heading, is not furniture
    dropped = [Dropped(l.page, l.number, l.text, found[l.number]) for l in lines if l.number in found and l.text]
    visible = [Line(l.number, l.page, l.raw, "" if l.number in found else l.text) for l in lines]
    return dropped, visible


def _end_index(lines: list[Line], end_line: int | None) -> int:
    if end_line is None:
        return len(lines)
    return next((index for index, line in enumerate(lines) if line.number > end_line), len(lines))


def _mend(lines: list[Line], vocabulary: Vocabulary, doubts: list[Doubt]) -> list[Repair]:
    repairs = []
    for line in lines:
        if not line.text:
            continue
        line.text, mends, unsure = mend_ligatures(line.text, vocabulary)
        repairs += [Repair(line.page, line.number, mend.before, mend.after, mend.why) for mend in mends]
        doubts += [Doubt(line.page, line.number, "broken word", item.message) for item in unsure]
    return repairs


def _settle_front(preview: Preview, title, assembler: Assembler, overrides: Overrides, source: list[SourceLine]) -> None:
    """Title, parties, date and place: the administrator's where given, else the text's; blocking doubts where
    neither gives them, or where nothing was read."""
    last = source[-1]
    first_line = preview.title_lines[0] if preview.title_lines else 1

    def block(line: int, kind: str, message: str) -> None:
        preview.doubts.append(Doubt(preview.page_of(line), line, kind, message, blocking=True))

    preview.title = overrides.title or title.text
    if not preview.title:
        block(first_line, "title", "no title found: set where the agreement starts, or enter its title")
    if not overrides.title and title.how == "the cover note's subject" and title.text:
        preview.doubts.append(Doubt(preview.page_of(first_line), first_line, "title", "the text has no title of its own: the cover note's subject is taken"))
    if len(preview.title) > TITLE_LENGTH:
        preview.doubts.append(Doubt(preview.page_of(first_line), first_line, "title", f"the title is cut to {TITLE_LENGTH} characters"))
        preview.title = preview.title[:TITLE_LENGTH].rstrip()
    preview.parties = list(overrides.parties) or _parties(preview.title, assembler.paragraphs)
    if len(preview.parties) < 2:
        block(first_line, "parties", "the title does not name the parties (“… between X and Y”, “X–Y …”): enter them")
    elif any(len(name) > PARTY_NAME_LENGTH for name in preview.parties):
        block(first_line, "parties", f"a party's name read from the title is longer than {PARTY_NAME_LENGTH} characters: enter the parties")
    place_read, adopted_read = (assembler.closing[0], assembler.closing[1]) if assembler.closing else ("", None)
    preview.adopted_on = overrides.adopted_on or adopted_read
    preview.place = (overrides.place or place_read)[:PLACE_LENGTH]
    if preview.adopted_on is None:
        seen = sorted({found for line in source for found in DATE_RE.findall(line.text)}, key=_source_order(source))
        hint = f" (the text mentions {', '.join(seen[:3])})" if seen else ""
        block(last.number, "date", f"no closing line such as “Adopted in London on 19 May 2025.”: enter the date of adoption{hint}")
    if not preview.paragraphs:
        block(last.number, "paragraphs", "no numbered paragraph found; expected lines such as “1. The …” or “1.” alone")


def _source_order(source: list[SourceLine]):
    text = "\n".join(line.text for line in source)
    return lambda found: text.find(found)


def _parties(title: str, paragraphs) -> list[str]:
    """The parties the title names: "… between X and Y", or "X–Y …" with each name as the text defines it
    ("The European Union (EU)")."""
    if parties := _split_parties(title):
        return parties
    if not (match := COMPOUND_PARTIES_RE.match(title)):
        return []
    text = " ".join(paragraph.text for paragraph in paragraphs[:10])
    names = []
    for short in match.groups():
        defined = re.search(rf"((?:[A-Z][\w’'-]*\s+)(?:(?:of|the|and|for)\s+|[A-Z][\w’'-]*\s+)*)\((?:the\s+)?[“\"']?{re.escape(short)}[”\"']?\)", text)
        name = defined.group(1).strip() if defined else short
        names.append(re.sub(r"^the\s+", "", name, flags=re.IGNORECASE))
    return names

