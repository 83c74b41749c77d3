"""Tags that draw the dashboards' charts and count tables: markup repeated hundreds of times a page, built once per
cell here rather than node by node in the template (reports.charts measures; this draws)."""

from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

from commitments.status import Status
from commitments.templatetags.tracker import BADGES

register = template.Library()

@register.simple_tag
def progress_columns(columns, base: str):
    """The columns of "progress over time", each segment opening the commitments with a side in that status then.
    Only the base address and labels need escaping; the rest is numbers and dates."""
    base, labels = escape(base), {s.value: escape(s.label) for s in Status}
    groups = []
    for column in columns:
        day, shown = f"{column.day:%Y-%m-%d}", date_format(column.day, "j M Y")
        segments = "".join(
            f'<a href="{base}&amp;as_of={day}&amp;side_status={status.value}" aria-label="{shown}: '
            f'{labels[status.value]}, {count} sides"><rect x="{column.x}" y="{y}" width="{column.width}" height="{height}" '
            f'class="fill-{status.value} col"><title>{shown}: {labels[status.value]} {count}</title></rect></a>'
            for status, count, y, height in column.segments
        )
        groups.append(f'<g>{segments}<text x="{column.x}" y="242" class="axis">{escape(column.label)}</text></g>')
    return mark_safe("".join(groups))


@register.simple_tag
def status_bar(label: str, segments):
    """One horizontal bar of status segments (reports.charts.stacked_bar), each opening its commitments."""
    label = escape(label)
    rects = "".join(
        f'<a href="{escape(s.href)}" aria-label="{label}: {escape(s.status.label)}, {s.count} ({s.share}%)">'
        f'<rect x="{s.x}" y="0" width="{s.width}" height="28" class="fill-{s.status.value}">'
        f'<title>{escape(s.status.label)}: {s.count} ({s.share}%)</title></rect></a>'
        for s in segments
    )
    return mark_safe(f'<div class="bar-row"><div class="bar-label">{label}</div><svg class="bar" viewBox="0 0 600 28" '
                     f'preserveAspectRatio="none" role="group" aria-label="{label}: status distribution">{rects}</svg></div>')


@register.simple_tag
def status_counts(counts, order):
    """A row's sides by status: a badge and a number for each status present, in `order`."""
    return mark_safe("".join(
        f'<span class="mini fill-bg-{status}" title="{escape(Status(status).label)}">{BADGES[status]} {counts[status]}</span> '
        for status in order if counts.get(status)
    ))


@register.simple_tag
def count_cells(counts, order):
    """One cell per status, in `order`."""
    return mark_safe("".join(f"<td>{int(counts.get(status, 0))}</td>" for status in order))


@register.simple_tag
def heat_cells(counts, order, base: str = "", area=None):
    """A heat-map row: one cell per status, shaded by its share of the row, linked to the matching commitments."""
    total = sum(counts.values())
    link = area is not None and (escape(base), escape(area.slug), escape(area.title))
    cells = []
    for status in order:
        n = int(counts.get(status, 0))
        inner = n or ""
        if n and link:
            label = escape(Status(status).label)
            inner = (f'<a href="{link[0]}&amp;area={link[1]}&amp;status={status}" aria-label="{link[2]}, {label}: {n}">'
                     f'{n}</a>')
        cells.append(f'<td class="heat-{heat_level(n, total)}">{inner}</td>')
    return mark_safe("".join(cells))


def heat_level(count: int, total: int) -> int:
    """0–4: how strongly a heat-map cell is shaded, by its share of the row."""
    if not count or not total:
        return 0
    return min(4, 1 + int(4 * count / total))
