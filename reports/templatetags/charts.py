"""Tags that draw the dashboards' charts and count tables: markup repeated hundreds of times a page, built once per
cell here rather than node by node in the template (reports.charts measures; this draws).

Every status a chart shows is painted with its colour from static/css/status.css (classes, never a colour here)
and carries its glyph or name, so that colour is never the only cue."""

from functools import cache

from django import template
from django.contrib.staticfiles import finders
from django.utils.dateformat import format as date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

from commitments.status import Status
from commitments.templatetags.tracker import BADGES, ICONS
from reports.charts import PLOT_HEIGHT, PLOT_TOP

register = template.Library()
LABELS = {s.value: escape(s.label) for s in Status}
GLYPHS = {s.value: ICONS[s] for s in Status}
AXIS_TICKS = (0, 25, 50, 75, 100)  # percent, under the horizontal bars


@register.simple_tag
def status_key(status: str):
    """A legend's entry: the status's swatch, with its glyph, and its name."""
    return mark_safe(f'<span class="swatch status-{status}" aria-hidden="true">{GLYPHS[status]}</span> {LABELS[status]}')


@register.simple_tag
def status_bar(label: str, segments, total=None):
    """One horizontal bar of status segments (reports.charts.stacked_bar), each opening its commitments and
    printing its count where it has room."""
    label = escape(label)
    count = sum(s.count for s in segments) if total is None else total
    parts = "".join(_segment(label, s) for s in segments)
    return mark_safe(
        f'<div class="hbar-row"><div class="hbar-label">{label} <span class="hbar-total">{count}</span></div>'
        f'<svg class="hbar" role="group" aria-label="{label}: status distribution">{parts}</svg></div>')


def _segment(label: str, s) -> str:
    status, name = s.status.value, LABELS[s.status.value]
    value = {"glyph": f"{GLYPHS[status]} {s.count}", "count": f"{s.count}"}.get(s.shows)
    text = f'<text x="{s.middle}%" y="19" class="seg-value" aria-hidden="true">{value}</text>' if value else ""
    shape = (f'<rect x="{s.left}%" y="0" width="{s.extent}%" height="28" class="seg fill-{status}">'
             f'<title>{name}: {s.count} ({s.share}%)</title></rect>{text}')
    if not s.href:
        return f'<g class="status-{status}">{shape}</g>'
    return (f'<a href="{escape(s.href)}" class="status-{status}" aria-label="{label}: {name}, {s.count} ({s.share}%)">'
            f'{shape}</a>')


@register.simple_tag
def bar_axis():
    """The share scale under a group of horizontal bars, in line with the bars."""
    ticks = "".join(
        f'<line x1="{t}%" x2="{t}%" y1="0" y2="5" class="tick"/>'
        f'<text x="{t}%" y="17" class="axis" text-anchor="{_anchor(t)}">{t}%</text>' for t in AXIS_TICKS)
    return mark_safe(f'<div class="hbar-row hbar-axis" aria-hidden="true"><div></div><svg class="hbar-scale">{ticks}</svg></div>')


def _anchor(percent: int) -> str:
    return "start" if percent == 0 else "end" if percent == 100 else "middle"


@register.simple_tag
def progress_columns(chart, base: str, title_id: str):
    """The columns of "progress over time" on their scale of sides, each segment opening the commitments with a
    side in that status then. Only the base address needs escaping; the rest is numbers, dates and labels."""
    base, height = escape(base), chart.height
    scale = "".join(f'<text x="100%" y="{t.y + 4}" class="axis" text-anchor="end" dx="-6">{t.value}</text>'
                    for t in chart.ticks)
    grid = "".join(f'<line x1="0" x2="100%" y1="{t.y}" y2="{t.y}" class="grid{" base" if not t.value else ""}"/>'
                   for t in chart.ticks)
    columns = "".join(_column(column, base) for column in chart.columns)
    return mark_safe(
        f'<div class="colchart"><svg class="colchart-scale" height="{height}" aria-hidden="true">{scale}</svg>'
        f'<svg class="colchart-plot" height="{height}" role="group" aria-labelledby="{escape(title_id)}">'
        f'{grid}{columns}</svg></div>')


def _column(column, base: str) -> str:
    day, shown = f"{column.day:%Y-%m-%d}", date_format(column.day, "j M Y")
    middle = round(column.x + column.width / 2, 2)
    pieces = "".join(
        f'<a href="{base}&amp;as_of={day}&amp;side_status={p.status.value}" class="status-{p.status.value}" '
        f'aria-label="{shown}: {LABELS[p.status.value]}, {p.count} sides"><rect x="{column.x}%" y="{p.y}" '
        f'width="{column.width}%" height="{p.height}" class="col fill-{p.status.value}"><title>{shown}: '
        f'{LABELS[p.status.value]} {p.count}</title></rect>'
        + (f'<text x="{middle}%" y="{p.middle}" class="col-value" aria-hidden="true">{p.count}</text>' if p.shows_count else "")
        + "</a>"
        for p in column.segments
    )
    label = ""
    if column.label:
        label = (f'<text x="{column.label_x}%" y="{PLOT_TOP + PLOT_HEIGHT + 17}" text-anchor="{column.anchor}" '
                 f'class="axis{"" if column.narrow else " wide-only"}">{escape(column.label)}</text>')
    return f"<g>{pieces}{label}</g>"


@register.simple_tag
def status_counts(counts, order):
    """A row's sides by status: a badge and a number for each status present, in `order`."""
    return mark_safe("".join(
        f'<span class="mini" title="{LABELS[status]}">{BADGES[status]} {counts[status]}</span> '
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
        if not n:
            cells.append('<td class="heat-0"></td>')
            continue
        share = f"{round(100 * n / total)}%"
        inner = f'{n}<span class="visually-hidden"> ({share})</span>'
        if link:
            inner = (f'<a href="{link[0]}&amp;area={link[1]}&amp;status={status}" '
                     f'aria-label="{link[2]}, {LABELS[status]}: {n} ({share})">{n}</a>')
        cells.append(f'<td class="heat-{heat_level(n, total)}" title="{share} of the row">{inner}</td>')
    return mark_safe("".join(cells))


def heat_level(count: int, total: int) -> int:
    """0–4: how strongly a heat-map cell is shaded, by its share of the row: under a quarter, under a half, under
    three quarters, the rest."""
    if not count or not total:
        return 0
    return min(4, 1 + int(4 * count / total))


@register.simple_tag
def svg_status_colours():
    """For an SVG in a PDF: WeasyPrint draws an inline SVG with the styles inside it only, not the document's, so
    a PDF's chart carries the status colours (static/css/status.css) in a <style> of its own. Pages never use
    this: their CSP allows no inline style, and their SVGs take the stylesheet like any element."""
    return mark_safe(f"<style>{_status_css()}</style>")


@cache
def _status_css() -> str:
    with open(finders.find("css/status.css"), encoding="utf-8") as css:
        return css.read()
