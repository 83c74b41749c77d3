"""Reads an agreement's text as PDF extractions give it (agreement.importer writes what it reads).

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
    title, index = _title(lines)
    reader = _Reader({title.casefold(): title for title in part_headings})
    for number, raw in enumerate(lines[index:], start=index + 1):
        reader.read(number, _clean(raw))
    return reader.agreement(title, len(lines))


def _title(lines: list[str]) -> tuple[str, int]:
    """The title (a **bold** block, or else the first non-blank line) and the index of the line after it."""
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
    return title, index


class _Reader:
    """The text after the title, a line at a time: each rule of the module docstring is one method, tried in turn."""

    def __init__(self, part_titles: dict[str, str]):
        self.part_titles = part_titles
        self.parts: list[ParsedPart] = []
        self.paragraphs: list[ParsedParagraph] = []
        self.footnotes: list[ParsedFootnote] = []
        self.seen_numbers: dict[int, int] = {}
        self.closing: tuple[str, date, int] | None = None
        self.block = None  # what a hard-wrapped line continues: a heading, paragraph, sub-paragraph or footnote
        self.last_text = None  # the last paragraph or sub-paragraph, which a page break may have split mid-sentence
        self.waiting: ParsedPart | ParsedArea | None = None  # the last heading, until a paragraph comes under it
        self.current_area: int | None = None
        self.after_blank = True

    def read(self, number: int, line: str) -> None:
        if not line or PAGE_NUMBER_RE.match(line):
            self.after_blank, self.block = True, None
            return
        if self.closing:
            raise AgreementFormatError(number, f"text after the closing line (line {self.closing[2]}); expected the end")
        listed = LIST_MARKER_RE.match(line) is not None  # "- 13." or "- a." starts a block wherever it stands
        for rule in (self._footnote, self._paragraph, self._subparagraph, self._closing_line, self._continued):
            if rule(number, line, listed):
                return
        self._heading(number, line)

    def _text_is_open(self) -> bool:
        return self.last_text is not None and not self.last_text.text.rstrip(SUPERSCRIPTS).endswith(SENTENCE_END)

    def _starts_block(self, listed: bool) -> bool:
        return (listed or self.after_blank or not isinstance(self.block, (ParsedParagraph, ParsedSubParagraph))
                or not self._text_is_open())

    def _current_part(self, number: int) -> ParsedPart:
        if not self.parts:
            self.parts.append(ParsedPart(IMPLICIT_FIRST_PART, has_heading=False, line=number))
        return self.parts[-1]

    def _footnote(self, number: int, line: str, listed: bool) -> bool:
        if not (match := FOOTNOTE_RE.match(line)):
            return False
        self.block = ParsedFootnote(match.group(1).translate(_SUPER_TO_DIGIT), match.group(2), number)
        self.footnotes.append(self.block)
        self.after_blank = False
        return True

    def _paragraph(self, number: int, line: str, listed: bool) -> bool:
        if not ((match := PARAGRAPH_RE.match(line)) and self._starts_block(listed)):
            return False
        value = int(match.group(1))
        if value in self.seen_numbers:
            raise AgreementFormatError(number, f"paragraph {value} appears twice (first at line {self.seen_numbers[value]})")
        expected = self.paragraphs[-1].number + 1 if self.paragraphs else 1
        if value != expected and self.paragraphs:
            raise AgreementFormatError(
                number, f"paragraph {value} follows paragraph {self.paragraphs[-1].number}; expected {expected}")
        if value != expected:
            raise AgreementFormatError(number, f"the first paragraph is numbered {value}; expected 1")
        self._current_part(number)
        self.block = self.last_text = ParsedParagraph(value, len(self.parts) - 1, self.current_area, match.group(2), number)
        self.paragraphs.append(self.block)
        self.seen_numbers[value] = number
        self.waiting, self.after_blank = None, False
        return True

    def _subparagraph(self, number: int, line: str, listed: bool) -> bool:
        match = SUBPARAGRAPH_RE.match(line)
        if not (match and self.paragraphs and self.waiting is None and self._starts_block(listed)):
            return False
        paragraph, label = self.paragraphs[-1], match.group(1)
        expected = chr(ord(paragraph.subparagraphs[-1].label) + 1) if paragraph.subparagraphs else "a"
        if label != expected:
            raise AgreementFormatError(number, f"sub-paragraph ({label}) in paragraph {paragraph.number}; expected ({expected})")
        self.block = self.last_text = ParsedSubParagraph(label, match.group(2), number)
        paragraph.subparagraphs.append(self.block)
        self.after_blank = False
        return True

    def _closing_line(self, number: int, line: str, listed: bool) -> bool:
        if not ((match := CLOSING_RE.match(line)) and self._starts_block(False)):
            return False
        try:
            adopted_on = datetime.strptime(match.group(2), "%d %B %Y").date()
        except ValueError:
            raise AgreementFormatError(number, f"{match.group(2)!r} is not a date such as 19 May 2025") from None
        self._no_heading_waiting()
        self.closing, self.block = (match.group(1), adopted_on, number), None
        return True

    def _continued(self, number: int, line: str, listed: bool) -> bool:
        if not self.after_blank and self.block is not None:
            # Hard wrapping: the line goes on with the block above it.
            if isinstance(self.block, (ParsedPart, ParsedArea)):
                self.block.title = _join(self.block.title, line)
            else:
                self.block.text = _join(self.block.text, line)
            return True
        if self._text_is_open() and self.waiting is None:
            # A page break split the paragraph mid-sentence: the text goes on after the blank line.
            self.last_text.text = _join(self.last_text.text, line)
            self.block, self.after_blank = self.last_text, False
            return True
        return False

    def _heading(self, number: int, line: str) -> None:
        """A part if its title is one of the part headings, else an area of the current part."""
        is_part = line.casefold() in self.part_titles
        if isinstance(self.waiting, ParsedArea) or isinstance(self.waiting, ParsedPart) and is_part:
            self._no_heading_waiting()
        if is_part:
            self.block = ParsedPart(line, has_heading=True, line=number)
            self.parts.append(self.block)
            self.current_area = None
        else:
            self.block = ParsedArea(line, number)
            self._current_part(number).areas.append(self.block)
            self.current_area = len(self.parts[-1].areas) - 1
        self.waiting, self.after_blank = self.block, False

    def _no_heading_waiting(self) -> None:
        if self.waiting is not None:
            raise AgreementFormatError(self.waiting.line, f"heading {self.waiting.title!r} has no paragraph under it")

    def agreement(self, title: str, line_count: int) -> ParsedAgreement:
        self._no_heading_waiting()
        if not self.paragraphs:
            raise AgreementFormatError(line_count, "no numbered paragraph found; expected lines such as '1. The …'")
        if self.closing is None:
            raise AgreementFormatError(line_count, "no closing line such as 'Adopted in London on 19 May 2025.'")
        _attach_footnotes(self.paragraphs, self.footnotes)
        place, adopted_on, _ = self.closing
        return ParsedAgreement(title=title, parties=_split_parties(title), adopted_on=adopted_on, place=place,
                               parts=self.parts, paragraphs=self.paragraphs)


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
