"""Geometry for the server-rendered SVG charts. Templates draw; this only measures."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from commitments.status import Status

BAR_WIDTH = 600  # SVG user units


@dataclass
class Segment:
    status: Status
    count: int
    share: float  # percent
    x: float
    width: float
    href: str


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
class Column:
    day: date
    label: str
    x: float
    width: float
    segments: list  # (status, count, y, height)
    total: int


def stacked_columns(points: list[tuple[date, Counter]], order: list[Status], *, width=720, height=220) -> list[Column]:
    """One column per point in time, stacked by status, scaled to the largest total."""
    if not points:
        return []
    top = max(sum(c.values()) for _, c in points) or 1
    step = width / len(points)
    columns = []
    for index, (day, counts) in enumerate(points):
        y, segments = float(height), []
        for status in reversed(order):
            count = counts.get(status, 0)
            if count:
                h = height * count / top
                y -= h
                segments.append((Status(status), count, round(y, 2), round(h, 2)))
        columns.append(
            Column(day, day.strftime("%b %y"), round(index * step + step * 0.1, 2), round(step * 0.8, 2), segments,
                   sum(counts.values()))
        )
    return columns
