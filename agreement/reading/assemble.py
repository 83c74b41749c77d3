"""The text after the title, a line at a time, into paragraphs, sub-paragraphs, footnotes and headings.

The rules of `agreement.parsing` (which this reader gives the same result as, on the texts that one reads), made
lenient: what that parser refuses is read as well as it can be and reported as a doubt. For each line, in order:

1. A blank line, a page break or a line of furniture separates blocks.
2. A line after a paragraph number or sub-paragraph label standing alone ("1.", "(a)") is that one's text.
3. ``¹ text`` is a footnote's text; so is ``1 text`` when 1 is the next footnote and the text above carries it
   as a marker glued to a word ("(TCA).1 Under"), which becomes ¹.
4. ``N. text`` or ``N.`` alone starts paragraph N, and ``a. text``, ``(a) text`` or ``(a)`` sub-paragraph (a),
   when it begins a block, the line before ended a sentence, or it carries a list marker. A number out of order
   is read as text, a gap is reported. Items ``(i)``, ``(ii)`` stay in the text of their sub-paragraph.
5. ``DELETED`` alone is a redaction: kept in the text it interrupts, else reported as in no paragraph.
6. ``Adopted in PLACE on D Month YYYY.`` (or Done / Signed, at) closes the document; what follows is dropped.
7. A heading by its form ([Preface], II. …, A. …, 1.2 …, Part I) that begins a block is a heading.
8. Any other line goes on with the block above it when no blank line separates them, or with the paragraph above
   when that one stopped mid-sentence (a page break).
9. What is left is a heading if it reads as one (short, capitalised, no closing stop), else unnumbered text,
   which goes on with the paragraph above and is reported.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from agreement.parsing import (
    CLOSING_RE, FOOTNOTE_RE, LIST_MARKER_RE, PARAGRAPH_RE, SENTENCE_END, SUBPARAGRAPH_RE, SUPERSCRIPTS,
    ParsedFootnote, ParsedParagraph, ParsedSubParagraph,
)
from agreement.reading.forms import (
    LABEL_ALONE_RE, NUMBER_ALONE_RE, REDACTION_IN_TEXT_RE, REDACTION_RE, ROMAN_ITEM_RE, heading_form,
    is_structural, is_subparagraph, reads_as_heading, roman_value,
)
from agreement.reading.layout import Line
from agreement.reading.preview import Doubt, Dropped, Redaction, Repair
from agreement.reading.words import Vocabulary, join_lines

PLAIN_FOOTNOTE_RE = re.compile(r"^(\d{1,3})\s+(\S.*)$")
TO_SUPERSCRIPT = str.maketrans("0123456789", SUPERSCRIPTS)
_SUPER_TO_DIGIT = str.maketrans(SUPERSCRIPTS, "0123456789")
MAX_GAP = 20  # a paragraph number further on than this is read as text, not as paragraphs gone missing


@dataclass
class Heading:
    """A heading as read; `agreement.reading.structure` makes it a part or an area."""

    title: str
    line: int
    page: int
    form: str
    rank: int | None
    role: str = ""
    provisional: bool = False  # a loose line that may yet turn out to be text (Assembler.settle)


class Assembler:
    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.items: list[Heading | ParsedParagraph] = []
        self.paragraphs: list[ParsedParagraph] = []
        self.footnotes: list[ParsedFootnote] = []
        self.doubts: list[Doubt] = []
        self.repairs: list[Repair] = []
        self.redactions: list[Redaction] = []
        self.dropped: list[Dropped] = []
        self.closing: tuple[str, date | None, int] | None = None
        self.block = None  # what a hard-wrapped line continues
        self.last_text = None  # the last paragraph or sub-paragraph
        self.waiting: Heading | None = None  # the last heading, until a paragraph comes under it
        self.pending = None  # a paragraph or sub-paragraph whose number stood alone, until its text comes
        self.after_blank, self.page = True, 0
        self.last_letter, self.last_roman, self.next_footnote = "", 0, 1

    # -- the line loop ------------------------------------------------------------------------------------------

    def read(self, line: Line, role: str = "") -> None:
        if line.page != self.page:
            self.after_blank, self.block, self.page = True, None, line.page
        if not line.text:
            self.after_blank, self.block = True, None
            return
        if self.closing:
            self.dropped.append(Dropped(line.page, line.number, line.text, f"after the closing line (line {self.closing[2]})"))
            return
        if role == "text":
            self._as_text(line)
        elif role in ("heading", "part", "area"):
            form = self._numbered(line.text)
            self._heading(line, form.title if form else line.text, "marked", None, "" if role == "heading" else role)
        else:
            listed = LIST_MARKER_RE.match(line.text) is not None
            rules = (self._pending_text, self._footnote, self._paragraph, self._number_alone, self._subparagraph,
                     self._label_alone, self._roman_item, self._redaction, self._closing_line, self._formal_heading,
                     self._continued, self._plain)
            next(rule for rule in rules if rule(line, line.text, listed))
        if REDACTION_IN_TEXT_RE.search(line.text) and self.block is not None:
            self.redactions.append(Redaction(line.page, line.number, self._where(self.block)))

    def doubt(self, line: Line, kind: str, message: str, blocking: bool = False) -> None:
        self.doubts.append(Doubt(line.page, line.number, kind, message, blocking))

    # -- state --------------------------------------------------------------------------------------------------

    def _text_is_open(self) -> bool:
        return self.last_text is not None and not self.last_text.text.rstrip(SUPERSCRIPTS).endswith(SENTENCE_END)

    def _starts_block(self, listed: bool) -> bool:
        return (listed or self.after_blank or not isinstance(self.block, (ParsedParagraph, ParsedSubParagraph))
                or not self._text_is_open())

    def _where(self, block) -> str:
        return self._where_in(self.paragraphs[-1] if self.paragraphs else None, block)

    @staticmethod
    def _where_in(paragraph: ParsedParagraph | None, block) -> str:
        if isinstance(block, ParsedParagraph):
            return f"¶{block.number}"
        if isinstance(block, ParsedSubParagraph):
            return f"¶{paragraph.number}({block.label})"
        if isinstance(block, ParsedFootnote):
            return f"footnote {block.marker}"
        return f"heading “{block.title}”" if isinstance(block, Heading) else ""

    def _join(self, block, line: Line) -> None:
        """`line` goes on with `block` (a text, a footnote or a heading's title)."""
        attribute = "title" if isinstance(block, Heading) else "text"
        before = getattr(block, attribute)
        joined, mend, unsure = join_lines(before, line.text, self.vocabulary) if before else (line.text, None, None)
        setattr(block, attribute, joined)
        if mend:
            self.repairs.append(Repair(line.page, line.number, mend.before, mend.after, mend.why))
        if unsure:
            self.doubt(line, "hyphenation", unsure.message)

    # -- the rules, in order ------------------------------------------------------------------------------------

    def _pending_text(self, line: Line, text: str, listed: bool) -> bool:
        if self.pending is None:
            return False
        pending, self.pending = self.pending, None
        if is_structural(text) or is_subparagraph(text) or FOOTNOTE_RE.match(text):
            self.doubt(line, "numbering", f"{self._where(pending)} stands alone with no text after it")
            return False
        pending.text = text
        self.block, self.after_blank = pending, False
        return True

    def _footnote(self, line: Line, text: str, listed: bool) -> bool:
        if match := FOOTNOTE_RE.match(text):
            marker = match.group(1).translate(_SUPER_TO_DIGIT)
        elif (match := PLAIN_FOOTNOTE_RE.match(text)) and int(match.group(1)) == self.next_footnote \
                and self._raise_glued_marker(match.group(1)):
            marker = match.group(1)
        else:
            return False
        self.block = ParsedFootnote(marker, match.group(2), line.number)
        self.footnotes.append(self.block)
        self.next_footnote = int(marker) + 1
        self.after_blank = False
        return True

    def _raise_glued_marker(self, marker: str) -> bool:
        """Turn the marker glued to a word in the text above ("(TCA).1 Under") into a superscript (¹)."""
        glued = re.compile(rf"(?<=[a-z.,;:)\]”’\"]){marker}(?=\s|$|[.,;:)])")
        for paragraph in reversed(self.paragraphs[-6:]):
            for holder in [*reversed(paragraph.subparagraphs), paragraph]:
                if found := list(glued.finditer(holder.text)):
                    at = found[-1]
                    holder.text = holder.text[:at.start()] + marker.translate(TO_SUPERSCRIPT) + holder.text[at.end():]
                    return True
        return False

    def _accept_number(self, line: Line, value: int) -> bool:
        last = self.paragraphs[-1].number if self.paragraphs else 0
        if value == last + 1:
            return True
        if last < value <= last + MAX_GAP:
            gone = f"{last + 1}" if value == last + 2 else f"{last + 1}–{value - 1}"
            opening = f"the first paragraph is numbered {value}" if not last else f"paragraph {value} follows {last}"
            self.doubt(line, "numbering", f"{opening}: paragraph {gone} is not in the text")
            return True
        self.doubt(line, "numbering", f"“{value}.” after paragraph {last} is out of order: read as text")
        return False

    def _new_paragraph(self, line: Line, value: int, text: str) -> ParsedParagraph:
        paragraph = ParsedParagraph(value, 0, None, text, line.number)
        self.paragraphs.append(paragraph)
        self.items.append(paragraph)
        self.block = self.last_text = paragraph
        self.waiting, self.after_blank = None, False
        return paragraph

    def _paragraph(self, line: Line, text: str, listed: bool) -> bool:
        match = PARAGRAPH_RE.match(text)
        if not (match and self._starts_block(listed) and self._accept_number(line, int(match.group(1)))):
            return False
        self._new_paragraph(line, int(match.group(1)), match.group(2))
        return True

    def _number_alone(self, line: Line, text: str, listed: bool) -> bool:
        match = NUMBER_ALONE_RE.match(text)
        if not (match and self._starts_block(listed) and self._accept_number(line, int(match.group(1)))):
            return False
        self.pending = self._new_paragraph(line, int(match.group(1)), "")
        return True

    def _accept_label(self, line: Line, label: str, listed: bool) -> bool:
        if not (self.paragraphs and self.waiting is None and self._starts_block(listed)):
            return False
        paragraph = self.paragraphs[-1]
        expected = chr(ord(paragraph.subparagraphs[-1].label) + 1) if paragraph.subparagraphs else "a"
        if label == expected:
            return True
        if label in "ivx" and ROMAN_ITEM_RE.match(line.text):
            return False  # an item (i), (v), (x) inside a sub-paragraph
        if label > expected:
            self.doubt(line, "numbering", f"sub-paragraph ({label}) in paragraph {paragraph.number}; ({expected}) is not in the text")
            return True
        return False

    def _new_subparagraph(self, line: Line, label: str, text: str) -> ParsedSubParagraph:
        sub = ParsedSubParagraph(label, text, line.number)
        self.paragraphs[-1].subparagraphs.append(sub)
        self.block = self.last_text = sub
        self.after_blank = False
        return sub

    def _subparagraph(self, line: Line, text: str, listed: bool) -> bool:
        if not ((match := SUBPARAGRAPH_RE.match(text)) and self._accept_label(line, match.group(1), listed)):
            return False
        self._new_subparagraph(line, match.group(1), match.group(2))
        return True

    def _label_alone(self, line: Line, text: str, listed: bool) -> bool:
        if not ((match := LABEL_ALONE_RE.match(text)) and self._accept_label(line, match.group(1), listed)):
            return False
        self.pending = self._new_subparagraph(line, match.group(1), "")
        return True

    def _roman_item(self, line: Line, text: str, listed: bool) -> bool:
        if not (ROMAN_ITEM_RE.match(text) and self.last_text is not None and self.waiting is None):
            return False
        self._join(self.last_text, line)
        self.block, self.after_blank = self.last_text, False
        return True

    def _redaction(self, line: Line, text: str, listed: bool) -> bool:
        if not REDACTION_RE.match(text):
            return False
        if self._continued(line, text, listed):
            return True
        after = f" after {self._where(self.items[-1])}" if self.items else ""
        self.redactions.append(Redaction(line.page, line.number, ""))
        self.doubt(line, "redaction", f"a redacted passage{after} is in no paragraph: it is not imported")
        self.block, self.after_blank = None, False
        return True

    def _closing_line(self, line: Line, text: str, listed: bool) -> bool:
        if not ((match := CLOSING_RE.match(text)) and self._starts_block(False)):
            return False
        try:
            adopted_on = datetime.strptime(match.group(2), "%d %B %Y").date()
        except ValueError:
            adopted_on = None
            self.doubt(line, "date", f"{match.group(2)!r} is not a date such as 19 May 2025")
        self.closing, self.block = (match.group(1), adopted_on, line.number), None
        return True

    def _numbered(self, text: str):
        """The heading form of `text`, the letters and numerals it continues noted."""
        form = heading_form(text, last_letter=self.last_letter, last_roman=self.last_roman)
        if form and form.form == "letter":
            self.last_letter = form.label
        elif form and form.form == "roman":
            self.last_roman = roman_value(form.label) or self.last_roman
        return form

    def _formal_heading(self, line: Line, text: str, listed: bool) -> bool:
        if not (self._starts_block(listed) and (form := self._numbered(text))):
            return False
        self._heading(line, form.title, form.form, form.rank)
        return True

    def _continued(self, line: Line, text: str, listed: bool) -> bool:
        if not self.after_blank and self.block is not None:
            self._join(self.block, line)  # hard wrapping: the line goes on with the block above it
            return True
        if self._text_is_open() and self.waiting is None:
            self._join(self.last_text, line)  # a page break split the paragraph mid-sentence
            self.block, self.after_blank = self.last_text, False
            return True
        return False

    def _plain(self, line: Line, text: str, listed: bool) -> bool:
        """A heading, until its block ends; if by then it does not read as one, `settle` makes it text."""
        self._heading(line, text, "plain", None)
        if not reads_as_heading(text, numbered=False):
            self.waiting.provisional, self.waiting = True, None
        return True

    def settle(self) -> None:
        """Loose lines that turned out not to be headings go on with the paragraph above them, reported."""
        for heading in [item for item in self.items if isinstance(item, Heading) and item.provisional]:
            if reads_as_heading(heading.title, numbered=False):
                continue
            index = self.items.index(heading)
            del self.items[index]
            above = [item for item in self.items[:index] if isinstance(item, ParsedParagraph)]
            line = Line(heading.line, heading.page, heading.title, heading.title)
            if not above:
                self.doubt(line, "text", "text outside any numbered paragraph: it is not imported (mark the line "
                                         "as a heading, or set where the agreement starts)")
                self.dropped.append(Dropped(heading.page, heading.line, heading.title, "text in no paragraph"))
                continue
            target = above[-1].subparagraphs[-1] if above[-1].subparagraphs else above[-1]
            self.doubt(line, "text", f"unnumbered text read as part of {self._where_in(above[-1], target)}")
            self._join(target, line)

    def _as_text(self, line: Line) -> None:
        """A line the administrator marked as text: it goes on with the block above it."""
        target = self.block if self.block is not None and not self.after_blank else self.last_text
        if target is None:
            self.doubt(line, "text", "a line marked as text has no paragraph above it to go on with")
            self.dropped.append(Dropped(line.page, line.number, line.text, "text in no paragraph"))
            return
        self._join(target, line)
        self.block, self.after_blank = target, False

    def _heading(self, line: Line, title: str, form: str, rank: int | None, role: str = "") -> None:
        heading = Heading(title, line.number, line.page, form, rank, role)
        self.items.append(heading)
        self.block = self.waiting = heading
        self.after_blank = False
