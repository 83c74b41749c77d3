"""The headings as read, placed as the model's parts and areas; footnotes attached to the paragraphs that cite them.

The model has two levels, parts and the areas inside a part. A heading's level comes from its form: the
shallowest form the document uses (brackets and Roman numerals rank first, then letters, then decimals 1.1, 1.1.1)
is a part, the next an area, deeper ones are areas too (and reported). A plain heading (a short line standing
alone) sits one level under the numbered heading above it. A document whose headings are all plain has no form to
go by: its headings are areas, except those whose titles name a division of a text of this kind (Preamble,
General framework, Areas of cooperation, Way forward …), which are parts. An administrator's mark overrides all.
"""

from collections.abc import Callable

from django.utils.text import slugify

from agreement.parsing import (
    IMPLICIT_FIRST_PART, MARKER_IN_TEXT_RE, PART_HEADINGS, ParsedArea, ParsedFootnote, ParsedParagraph, ParsedPart,
    _SUPER_TO_DIGIT,
)
from agreement.reading.assemble import Heading

# Titles that name a division of a partnership text, wherever they stand: parts, not thematic areas.
DIVISION_TITLES = (*PART_HEADINGS, "Preface", "Introduction", "Context", "Objectives", "Principles",
                   "Shared principles", "General principles", "General provisions", "Scope", "Purpose",
                   "Fields of cooperation", "Areas of cooperation and dialogue", "Cooperation",
                   "Dialogue and consultation", "Implementation", "Implementation and review",
                   "Monitoring and review", "Review", "Final provisions", "Concluding provisions", "Conclusion",
                   "Next steps", "Way ahead")
TITLE_LENGTH = 200  # Part.title and Area.title
SLUG_LENGTH = 80

Doubter = Callable[[int, str, str], None]  # (line, kind, message)


def heading_levels(headings: list[Heading], part_titles: set[str]) -> list[int]:
    """1 for a part, 2 for an area, 3 and more for the deeper headings (placed as areas)."""
    ranks = sorted({heading.rank for heading in headings if heading.rank is not None})
    level_of_rank = {rank: index + 1 for index, rank in enumerate(ranks)}
    levels, enclosing = [], 0
    for heading in headings:
        if heading.role == "part" or heading.title.casefold() in part_titles:
            level = 1
        elif heading.role == "area":
            level = 2
        elif heading.rank is not None:
            level = level_of_rank[heading.rank]
        else:
            level = enclosing + 1 if ranks else 2
        if heading.rank is not None or level == 1:
            enclosing = level
        levels.append(level)
    return levels


def place(items: list, part_titles: set[str], doubt: Doubter) -> tuple[list[ParsedPart], list[tuple[Heading, str]]]:
    """Parts with their areas, and each paragraph's part and area set; also each heading with its level's name."""
    headings = [item for item in items if isinstance(item, Heading)]
    levels = dict(zip(map(id, headings), heading_levels(headings, part_titles), strict=True))
    parts: list[ParsedPart] = []
    placed, current_area = [], None

    def current_part(line: int) -> ParsedPart:
        if not parts:
            parts.append(ParsedPart(IMPLICIT_FIRST_PART, has_heading=False, line=line))
        return parts[-1]

    for index, item in enumerate(items):
        if isinstance(item, ParsedParagraph):
            current_part(item.line)
            item.part, item.area = len(parts) - 1, current_area
            continue
        level = levels[id(item)]
        _report_empty(item, level, items[index + 1:], levels, doubt)
        if level == 1:
            parts.append(ParsedPart(item.title, has_heading=True, line=item.line))
            current_area = None
        else:
            if level > 2:
                doubt(item.line, "heading", f"heading “{item.title}” is at depth {level}: it is placed as an area")
            part = current_part(item.line)
            part.areas.append(ParsedArea(item.title, item.line))
            current_area = len(part.areas) - 1
        placed.append((item, "part" if level == 1 else "area"))
    _distinct_titles(parts, doubt)
    return parts, placed


def _report_empty(heading: Heading, level: int, rest: list, levels: dict, doubt: Doubter) -> None:
    following = rest[0] if rest else None
    if following is None or isinstance(following, Heading) and levels[id(following)] <= level:
        doubt(heading.line, "heading", f"heading “{heading.title}” has no paragraph under it")


def _distinct_titles(parts: list[ParsedPart], doubt: Doubter) -> None:
    """Titles fit the columns, parts differ by title and a part's areas by slug: numbered "(2)" where they repeat."""
    seen_parts = set()
    for part in parts:
        part.title = _fitted(part.title, part.line, doubt)
        part.title = _unrepeated(part.title, lambda t: t.casefold(), seen_parts, part.line, doubt)
        seen_areas = set()
        for area in part.areas:
            area.title = _fitted(area.title, area.line, doubt)
            area.title = _unrepeated(area.title, lambda t: slugify(t)[:SLUG_LENGTH], seen_areas, area.line, doubt)


def _fitted(title: str, line: int, doubt: Doubter) -> str:
    if len(title) <= TITLE_LENGTH:
        return title
    doubt(line, "heading", f"a heading of {len(title)} characters is cut to {TITLE_LENGTH}: is it a heading?")
    return title[:TITLE_LENGTH].rstrip()


def _unrepeated(title: str, key, seen: set, line: int, doubt: Doubter) -> str:
    candidate, count = title, 1
    while key(candidate) in seen:
        count += 1
        candidate = f"{title[:TITLE_LENGTH - 5]} ({count})"
    if count > 1:
        doubt(line, "heading", f"heading “{title}” repeats one above it: it is imported as “{candidate}”")
    seen.add(key(candidate))
    return candidate


def attach_footnotes(paragraphs: list[ParsedParagraph], footnotes: list[ParsedFootnote], doubt: Doubter) -> None:
    """Each footnote goes with the first paragraph whose text (or a sub-paragraph's) carries its marker; one that
    no paragraph carries goes with the paragraph above it, and is reported."""
    by_marker: dict[str, ParsedFootnote] = {}
    for note in footnotes:
        if note.marker in by_marker:
            doubt(note.line, "footnote", f"footnote {note.marker} appears twice (first at line {by_marker[note.marker].line}): this one is not imported")
        elif len(note.marker) > 4:
            doubt(note.line, "footnote", f"footnote {note.marker} has too long a number: it is not imported")
        else:
            by_marker[note.marker] = note
    used = set()
    for paragraph in paragraphs:
        texts = [paragraph.text] + [sub.text for sub in paragraph.subparagraphs]
        for marker in (m.translate(_SUPER_TO_DIGIT) for text in texts for m in MARKER_IN_TEXT_RE.findall(text)):
            if marker not in by_marker:
                if marker not in used:
                    doubt(paragraph.line, "footnote", f"paragraph {paragraph.number} refers to footnote {marker}, whose text is not in the text")
                used.add(marker)
            elif marker not in used:
                paragraph.footnotes.append(by_marker[marker])
                used.add(marker)
    for marker, note in by_marker.items():
        if marker not in used and paragraphs:
            above = [p for p in paragraphs if p.line < note.line]
            host = above[-1] if above else paragraphs[0]
            host.footnotes.append(note)
            doubt(note.line, "footnote", f"no paragraph refers to footnote {marker}: it is placed with paragraph {host.number}")
