"""Geometry for the server-rendered SVG charts. Templates draw; this only measures."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from commitments.status import Status

BAR_WIDTH = 600  # SVG user units
# The chart colour of each status (the same as static/css/app.css's .fill-* classes, for the PDF renderer).
FILLS = {
    Status.NOT_ASSESSED: "#c5cbd3",
    Status.NOT_STARTED: "#8a94a3",
    Status.IN_PROGRESS: "#f2c14e",
    Status.ON_TRACK: "#4caf7a",
    Status.AT_RISK: "#e8833a",
    Status.DELAYED: "#c8463d",
    Status.ACHIEVED: "#1f6f43",
    Status.ONGOING: "#2e8bc0",
    Status.DISCONTINUED: "#6b2d5c",
}


@dataclass
class Segment:
    status: Status
    count: int
    share: float  # percent
    x: float
    width: float
    href: str

    @property
    def fill(self) -> str:
        return FILLS[self.status]


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
