"""What on the page is not the agreement: furniture (what repeats at the top or the foot of the pages), and the
front matter before the title (a Council-register cover note); and where the title is.

Furniture is found by repetition, not by a list: a line within the first or last few lines of a page whose shape
(digits read as any number, so "15432/25 RM/ab 2" and "… 3" are one shape) recurs on enough pages. Lone page
numbers and rules are furniture wherever they stand. Lines that carry the text's structure (a paragraph number
alone, a sub-paragraph label, "DELETED") are never furniture, however often they recur.
"""

import math
import re
from dataclasses import dataclass

from agreement.parsing import PAGE_NUMBER_RE
from agreement.reading.forms import NUMBER_ALONE_RE, REDACTION_RE, LABEL_ALONE_RE, is_structural

ZONE = 4  # lines at the top and the foot of a page where furniture stands
SHARE_OF_PAGES = 0.4
RULE_RE = re.compile(r"^[_\-–—=.·•\s]{3,}$")
COVER_LABEL_RE = re.compile(
    r"^(From|To|Subject|No\. prev\. doc\.|No\. Cion doc\.|Date of receipt|Recipient|Sender|Encl\.)\s*:", re.IGNORECASE)
COVER_SCAN = 80  # a cover note's labels stand within its first lines
BOLD_TITLE_START = "**"


@dataclass
class Line:
    """A line as the reader works with it: cleaned (emphasis and spacing gone), with where it came from."""

    number: int
    page: int
    raw: str
    text: str


@dataclass
class TitleFound:
    start: int  # index of the title's first line in the lines
    end: int  # index of the first line after the title
    text: str
    subject: str  # the cover note's "Subject:", if any
    how: str


def shape(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.casefold().split()))


def furniture(lines: list[Line]) -> dict[int, str]:
    """Line number -> why it is furniture."""
    found = {}
    for line in lines:
        if line.text and (PAGE_NUMBER_RE.match(line.text) or RULE_RE.match(line.text)):
            found[line.number] = "a page number" if PAGE_NUMBER_RE.match(line.text) else "a rule"
    pages: dict[int, list[Line]] = {}
    for line in lines:
        if line.text and line.number not in found:
            pages.setdefault(line.page, []).append(line)
    if len(pages) < 2:
        return found
    seen: dict[str, set[int]] = {}
    for page, page_lines in pages.items():
        for line in page_lines[:ZONE] + page_lines[-ZONE:]:
            if not _carries_structure(line.text):
                seen.setdefault(shape(line.text), set()).add(page)
    needed = max(2, math.ceil(len(pages) * SHARE_OF_PAGES))
    for page, page_lines in pages.items():
        for line in page_lines[:ZONE] + page_lines[-ZONE:]:
            recurs = len(seen.get(shape(line.text), ()))
            if recurs >= needed and not _carries_structure(line.text):
                found[line.number] = f"page furniture: it recurs on {recurs} pages"
    return found


def _carries_structure(text: str) -> bool:
    return bool(NUMBER_ALONE_RE.match(text) or LABEL_ALONE_RE.match(text) or REDACTION_RE.match(text)
                or is_structural(text))


def find_title(lines: list[Line], start_line: int | None) -> TitleFound | None:
    """The title: at `start_line` if the administrator set it; else, after any cover note, the first block set
    in capitals or bold before the text begins, or the first block."""
    content = [index for index, line in enumerate(lines) if line.text]
    if not content:
        return None
    subject = _subject(lines, content)
    if start_line is not None:
        first = next((i for i in content if lines[i].number >= start_line), None)
        return _title_at(lines, first, subject, "the line you set") if first is not None else None
    begin = _after_cover_note(lines, content)
    candidates = [i for i in content if i >= begin]
    first_structure = next((i for i in candidates if is_structural(lines[i].text)), None)
    for index in candidates:
        if first_structure is not None and index >= first_structure:
            break
        if _block_start(lines, index) and _title_like(lines[index]):
            return _title_at(lines, index, subject, "the first block in capitals or bold")
    if candidates and candidates[0] != first_structure and not (subject and begin):
        return _title_at(lines, candidates[0], subject, "the first block of the text")
    # No title of its own after the cover note: the subject stands for it, and what precedes the text is dropped.
    at = first_structure if first_structure is not None else (candidates[0] if candidates else len(lines))
    return TitleFound(at, at, subject, subject, "the cover note's subject")


def _block_start(lines: list[Line], index: int) -> bool:
    return index == 0 or not lines[index - 1].text or lines[index - 1].page != lines[index].page


def _title_like(line: Line) -> bool:
    if line.raw.lstrip().startswith(BOLD_TITLE_START):
        return True
    letters = [c for c in line.text if c.isalpha()]
    words = [w for w in line.text.split() if len(w) > 1 and any(c.isalpha() for c in w)]
    return len(words) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters) and not COVER_LABEL_RE.match(line.text)


def _subject(lines: list[Line], content: list[int]) -> str:
    for index in content[:COVER_SCAN]:
        if match := re.match(r"^Subject\s*:\s*(.*)$", lines[index].text, re.IGNORECASE):
            words = [match.group(1)]
            following = index + 1
            while following < len(lines) and lines[following].text and not COVER_LABEL_RE.match(lines[following].text):
                words.append(lines[following].text)
                following += 1
            return " ".join(" ".join(words).split())
    return ""


def _after_cover_note(lines: list[Line], content: list[int]) -> int:
    """Where the agreement may begin: after the page that holds a cover note's last label (From:, To:,
    Subject: …), or after that label's block when the text has no pages; at the start when there is no cover note."""
    labels = [index for index in content[:COVER_SCAN] if COVER_LABEL_RE.match(lines[index].text)]
    if not labels:
        return 0
    last = labels[-1]
    later_page = next((i for i in content if lines[i].page > lines[last].page), None)
    if later_page is not None:
        return later_page
    while last < len(lines) and lines[last].text:
        last += 1
    return last


def _title_at(lines: list[Line], index: int, subject: str, how: str) -> TitleFound:
    """The title block that starts at `index`: a **bold** run, or the lines up to the next blank line (joining
    blocks set in capitals that follow one another)."""
    end = index
    if lines[index].raw.lstrip().startswith(BOLD_TITLE_START):
        while end < len(lines):
            end += 1
            if lines[end - 1].raw.rstrip().endswith("**") and len("".join(l.raw for l in lines[index:end]).strip()) > 2:
                break
        else:
            end, how = index + 1, "the first line (its ** is never closed)"
    else:
        while end < len(lines) and lines[end].text and lines[end].page == lines[index].page and (
                end == index or not is_structural(lines[end].text)):
            end += 1
            if (end < len(lines) - 1 and not lines[end].text and _title_like(lines[index])
                    and _title_like(lines[end + 1]) and not is_structural(lines[end + 1].text)):
                end += 1  # a title in capitals set over two blocks
    text = " ".join(" ".join(line.text for line in lines[index:end]).split())
    return TitleFound(index, end, text, subject, how)
