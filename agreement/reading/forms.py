"""The forms a line of an agreement takes, recognised by their shape alone: paragraph numbers (with their text or
alone on the line), sub-paragraph labels, redactions, and headings (bracketed, numbered with Roman numerals,
letters or decimals, "Part I", or a short line standing alone)."""

import re
from dataclasses import dataclass

from agreement.parsing import PARAGRAPH_RE, SUBPARAGRAPH_RE

_LIST_MARKER = r"(?:[-–•]\s+)?"
NUMBER_ALONE_RE = re.compile(rf"^{_LIST_MARKER}(\d{{1,3}})\.$")
LABEL_ALONE_RE = re.compile(rf"^{_LIST_MARKER}\(?([a-z])[.)]$")
ROMAN_ITEM_RE = re.compile(rf"^{_LIST_MARKER}\(?([ivx]{{1,5}})[.)](?:\s+\S.*)?$")
REDACTION_RE = re.compile(r"^[\[(]?\s*(?:(?:\.\.\.|…|\(\.\.\.\)|\(…\))\s*)?(DELETED|REDACTED)\s*[\])]?\.?$")
REDACTION_IN_TEXT_RE = re.compile(r"\b(DELETED|REDACTED)\b")

BRACKET_RE = re.compile(r"^\[\s*([^\[\]]{1,150}?)\s*\]$")
ROMAN_RE = re.compile(r"^([IVXLC]{1,7})\.\s+(\S.*)$")
LETTER_RE = re.compile(r"^([A-Z])\.\s+(\S.*)$")
DECIMAL_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?\s+(\S.*)$")
KEYWORD_RE = re.compile(r"^(Part|Chapter|Title|Section)\s+([IVXLC]{1,7}|\d{1,2})\b[.:]?\s*[–—-]?\s*(.*)$", re.IGNORECASE)
KEYWORD_RANK = {"part": 0, "chapter": 0, "title": 0, "section": 1}
MAX_HEADING_WORDS = 20
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


@dataclass(frozen=True)
class HeadingForm:
    form: str  # "bracket", "roman", "letter", "decimal", "keyword"
    rank: int  # 0 for the top of the document, deeper headings higher
    label: str  # "II", "A", "1.2"; empty for a bracketed heading
    title: str


def roman_value(numeral: str) -> int | None:
    total, previous = 0, 0
    for char in reversed(numeral):
        value = ROMAN_VALUES[char]
        total, previous = (total - value, previous) if value < previous else (total + value, value)
    return total if _to_roman(total) == numeral else None


def _to_roman(value: int) -> str:
    out = ""
    for number, numeral in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= number:
            out, value = out + numeral, value - number
    return out


def reads_as_heading(title: str, *, numbered: bool) -> bool:
    """Short enough to be a heading; unnumbered, it must also start with a capital and not end as a sentence
    or a clause does."""
    words = title.split()
    if not words or len(words) > MAX_HEADING_WORDS:
        return False
    if numbered:
        return not title.endswith((";", ","))
    return (title[0].isupper() or title[0].isdigit() or title[0] in "“\"(") and not title.endswith((".", ";", ",", ":"))


def heading_form(text: str, *, last_letter: str = "", last_roman: int = 0) -> HeadingForm | None:
    """The heading a line's form makes of it, or None. A lone "I.", "C." … is a Roman numeral or a letter by the
    sequence it continues."""
    if match := BRACKET_RE.match(text):
        return HeadingForm("bracket", 0, "", match.group(1)) if not REDACTION_RE.match(text) else None
    if match := KEYWORD_RE.match(text):
        return HeadingForm("keyword", KEYWORD_RANK[match.group(1).lower()], match.group(2), match.group(3) or text)
    if match := DECIMAL_RE.match(text):
        if reads_as_heading(match.group(2), numbered=True):
            return HeadingForm("decimal", match.group(1).count(".") + 1, match.group(1), match.group(2))
        return None
    roman = ROMAN_RE.match(text)
    letter = LETTER_RE.match(text)
    match = roman or letter
    if not match or not reads_as_heading(match.group(2), numbered=True):
        return None
    label, title = match.group(1), match.group(2)
    value = roman_value(label) if roman else None
    next_letter = letter and last_letter and chr(ord(last_letter) + 1) == label
    if value and not (next_letter and not (last_roman and value == last_roman + 1)):
        return HeadingForm("roman", 0, label, title)
    return HeadingForm("letter", 1, label, title) if letter else None


def is_structural(text: str) -> bool:
    """A paragraph's start or a heading by its form: what ends a title block and is never furniture."""
    return bool(PARAGRAPH_RE.match(text) or NUMBER_ALONE_RE.match(text) or heading_form(text))


def is_subparagraph(text: str) -> bool:
    return bool(SUBPARAGRAPH_RE.match(text) or LABEL_ALONE_RE.match(text))
