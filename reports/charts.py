"""Geometry for the server-rendered SVG charts. Templates draw; this only measures.

The dashboard's charts place things across in percent of their width and down in pixels: an SVG without a viewBox
keeps its text at the page's size at any width, where a scaled viewBox shrinks the labels to nothing on a phone."""

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date

from commitments.status import Status

BAR_WIDTH = 600  # SVG user units of the briefing pack's bars (a viewBox stretched to the width)
GLYPH_FITS, COUNT_FITS = 9.0, 5.0  # percent of a bar's width: room for "✓ 12", for "12" on a phone-wide bar
PLOT_HEIGHT, PLOT_TOP = 220, 10  # pixels: the columns' height, and room above for the top tick's label
COLUMN_VALUE_FITS = 15  # pixels: a column segment at least this tall shows its count (on wide screens)
LABELS_WIDE, LABELS_NARROW = 12, 6  # month labels under the columns at most, on a wide screen and on a phone


@dataclass
class Segment:
    status: Status
    count: int
    share: float  # percent of the bar
    x: float  # in BAR_WIDTH units
    width: float
    href: str

    @property
    def left(self) -> float:
        return round(100 * self.x / BAR_WIDTH, 2)

    @property
    def extent(self) -> float:
        return round(100 * self.width / BAR_WIDTH, 2)

    @property
    def middle(self) -> float:
        return round(self.left + self.extent / 2, 2)

    @property
    def shows(self) -> str:
        """What of its value the segment has room to print: "glyph" and count, the "count" alone, or "" (its
        tooltip, its name read aloud and the table of numbers beside the chart still say it)."""
        return "glyph" if self.extent >= GLYPH_FITS else "count" if self.extent >= COUNT_FITS else ""


def status_bars(overall: Counter, per_side: dict, order: list[Status], *, link=None,
                overall_label: str = "All commitments") -> list[tuple[str, list[Segment]]]:
    """The bar of every commitment's overall status, then one bar per side. `link(status, code)` gives a segment's
    address (code None on the overall bar); without it, segments link nowhere."""
    def href(code):
        return (lambda status: link(status, code)) if link else (lambda status: "")

    return [(overall_label, stacked_bar(overall, order, href(None)))] + [
        (f"{code} side", stacked_bar(counts, order, href(code))) for code, counts in per_side.items()]


def stacked_bar(counts: Counter, order: list[Status], href) -> list[Segment]:
    """Segments of one horizontal bar, in `order`, sized by count; `href(status)` links each to its list."""
    total = sum(counts.values())
    segments, x = [], 0.0
    for status in order:
        count = counts.get(status, 0)
        if not count:
            continue
        width = BAR_WIDTH * count / total
        segments.append(Segment(Status(status), count, round(100 * count / total, 1), round(x, 2), round(width, 2), href(status)))
        x += width
    return segments


@dataclass
class Piece:
    """A status's part of one column, in pixels from the top of the plot."""

    status: Status
    count: int
    y: float
    height: float

    @property
    def shows_count(self) -> bool:
        return self.height >= COLUMN_VALUE_FITS

    @property
    def middle(self) -> float:
        return round(self.y + self.height / 2 + 4, 2)  # + 4: the baseline of 11px text centred on the middle


@dataclass
class Column:
    day: date
    label: str  # under the column; "" where labels would run into each other
    narrow: bool  # the label stays on a phone too
    anchor: str  # "start", "middle" or "end": the first and last labels keep inside the chart
    x: float  # percent of the plot's width
    width: float
    segments: list[Piece]
    total: int

    @property
    def label_x(self) -> float:
        return {"start": self.x, "end": round(self.x + self.width, 2)}.get(self.anchor, round(self.x + self.width / 2, 2))


@dataclass
class Tick:
    value: int
    y: float


@dataclass
class ColumnChart:
    columns: list[Column]
    ticks: list[Tick]
    height: int = PLOT_TOP + PLOT_HEIGHT + 24  # and the month labels below


def nice_step(top: int, most: int = 5) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50… that divides `top` into at most `most` steps."""
    magnitude = 10 ** max(0, int(math.log10(max(top, 1))) - 1)
    while True:
        for factor in (1, 2, 5):
            if top <= factor * magnitude * most:
                return factor * magnitude
        magnitude *= 10


def stacked_columns(points: list[tuple[date, Counter]], order: list[Status], *, today: date | None = None) -> ColumnChart:
    """One column per point in time, stacked by status, on a scale of round numbers just above the largest total.
    Month-ends are labelled "May 25"; `today`'s column "Today". Labels are counted back from the latest, which is
    always shown; on a phone every other one is dropped."""
    if not points:
        return ColumnChart([], [])
    top = max(sum(c.values()) for _, c in points) or 1
    step = nice_step(top)
    scale = step * math.ceil(top / step)
    wide, narrow = label_steps(len(points))
    slot = 100 / len(points)
    columns = []
    for index, (day, counts) in enumerate(points):
        back = len(points) - 1 - index
        label = "" if back % wide else ("Today" if day == today else day.strftime("%b %y"))
        anchor = "end" if back == 0 else "start" if index == 0 else "middle"
        columns.append(Column(day, label, not back % narrow, anchor, round(index * slot + slot * 0.1, 2),
                              round(slot * 0.8, 2), _pieces(counts, order, scale), sum(counts.values())))
    ticks = [Tick(value, round(PLOT_TOP + PLOT_HEIGHT * (1 - value / scale), 2)) for value in range(0, scale + 1, step)]
    return ColumnChart(columns, ticks)


def label_steps(count: int) -> tuple[int, int]:
    """Label every how many columns, on a wide screen and on a phone: at most LABELS_WIDE and LABELS_NARROW
    labels, the phone's a subset of the wide screen's."""
    wide = max(1, math.ceil(count / LABELS_WIDE))
    return wide, wide * math.ceil(math.ceil(count / LABELS_NARROW) / wide)


def _pieces(counts: Counter, order: list[Status], scale: int) -> list[Piece]:
    """The column's statuses from the bottom up, the first of `order` on top."""
    y, pieces = float(PLOT_TOP + PLOT_HEIGHT), []
    for status in reversed(order):
        if count := counts.get(status, 0):
            height = PLOT_HEIGHT * count / scale
            y -= height
            pieces.append(Piece(Status(status), count, round(y, 2), round(height, 2)))
    return pieces
