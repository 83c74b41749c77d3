"""What the reader shows before anything is written: the text as read, what it made of each line, what it dropped,
what it repaired and what it doubts, each with its page and line. And what the administrator may correct."""

from dataclasses import dataclass, field
from datetime import date

from agreement.parsing import ParsedAgreement, ParsedFootnote, ParsedParagraph

# What an administrator may say of a line (Overrides.roles).
ROLES = ("heading", "part", "area", "text", "drop")


@dataclass(frozen=True)
class SourceLine:
    """One line of the text as extracted: its number (1-based, counted over the whole text) and its page."""

    number: int
    page: int
    text: str


@dataclass(frozen=True)
class Dropped:
    """A line that is not the agreement's: page furniture, the front matter before the title, or what follows
    the end."""

    page: int
    line: int
    text: str
    why: str


@dataclass(frozen=True)
class Repair:
    """A broken word the reader mended because the document's own words leave one reading."""

    page: int
    line: int
    before: str
    after: str
    why: str


@dataclass(frozen=True)
class Redaction:
    """A "DELETED" passage; `kept_in` names the paragraph whose text keeps it ("¶7", "¶5(b)"), or is empty."""

    page: int
    line: int
    kept_in: str


@dataclass(frozen=True)
class Doubt:
    """Something the reader could not settle alone. A blocking doubt stops the import until it is resolved."""

    page: int
    line: int
    kind: str
    message: str
    blocking: bool = False


@dataclass(frozen=True)
class HeadingRead:
    page: int
    line: int
    title: str
    level: str  # "part" or "area"
    form: str  # "bracket", "roman", "letter", "decimal", "plain" or "marked" (an administrator said so)


@dataclass
class Preview:
    title: str
    title_lines: list[int]
    lines: list[SourceLine]
    headings: list[HeadingRead]
    paragraphs: list[ParsedParagraph]
    footnotes: list[ParsedFootnote]
    dropped: list[Dropped]
    repairs: list[Repair]
    redactions: list[Redaction]
    doubts: list[Doubt]
    parties: list[str]
    adopted_on: date | None
    place: str

    @property
    def blocking(self) -> list[Doubt]:
        return [doubt for doubt in self.doubts if doubt.blocking]

    def page_of(self, line: int) -> int:
        return self.lines[line - 1].page if 0 < line <= len(self.lines) else 0


@dataclass(frozen=True)
class Overrides:
    """What the administrator corrects in the preview. Line numbers are those of `Preview.lines`.

    - `start_line`: the first line of the title; every line before it is front matter.
    - `end_line`: the last line of the agreement; every line after it is dropped.
    - `roles`: line number -> "heading" (the reader chooses part or area), "part", "area", "text" (the line goes
      on with the text above it, even if it looks like a heading, a number or furniture) or "drop".
    - `adopted_on`, `place`, `title`, `parties`: where the text gives none, or gives them wrongly.
    - `part_headings`: more titles that open a part rather than an area.
    """

    start_line: int | None = None
    end_line: int | None = None
    roles: dict[int, str] = field(default_factory=dict)
    adopted_on: date | None = None
    place: str = ""
    title: str = ""
    parties: tuple[str, ...] = ()
    part_headings: tuple[str, ...] = ()

    def __post_init__(self):
        for name in ("start_line", "end_line"):
            if getattr(self, name) is not None and getattr(self, name) < 1:
                raise ValueError(f"{name.replace('_', ' ')}: lines are numbered from 1")
        if self.start_line and self.end_line and self.end_line < self.start_line:
            raise ValueError(f"end line: line {self.end_line} is before the start, line {self.start_line}")
        for number, role in self.roles.items():
            if role not in ROLES:
                raise ValueError(f"line {number}: {role!r} is not one of {', '.join(ROLES)}")


@dataclass
class Reading:
    """The reader's result: the agreement to save (None while a blocking doubt stands) and its preview."""

    agreement: ParsedAgreement | None
    preview: Preview
