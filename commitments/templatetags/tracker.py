import re
from datetime import date

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from commitments.cadence import DueState
from commitments.status import RAG, Status
from agreement.parsing import SUPERSCRIPTS

register = template.Library()

# One glyph per status, shown beside the label so that colour is never the only signal.
ICONS = {
    Status.NOT_ASSESSED: "?",
    Status.NOT_STARTED: "○",
    Status.IN_PROGRESS: "◔",
    Status.ON_TRACK: "✓",
    Status.AT_RISK: "!",
    Status.DELAYED: "▼",
    Status.ACHIEVED: "★",
    Status.ONGOING: "↻",
    Status.DISCONTINUED: "✕",
}
_SUPER_RE = re.compile(f"[{SUPERSCRIPTS}]+")
_TO_DIGITS = str.maketrans(SUPERSCRIPTS, "0123456789")


def _badge(status: Status, prefix: str = "") -> str:
    return format_html(
        '<span class="badge status-{} rag-{}"><span class="badge-icon" aria-hidden="true">{}</span> {}{}</span>',
        status.value, RAG[status], ICONS[status], prefix, status.label,
    )


# Drawn once: a list of two hundred commitments shows a badge or two on every row.
BADGES = {status.value: _badge(status) for status in Status}
DUE_GLYPHS = {DueState.STALE: "⚠", DueState.OVERDUE: "●", DueState.DUE_SOON: "◐", DueState.UP_TO_DATE: "○"}
DUE_BADGES = {
    state.value: format_html('<span class="due due-{}"><span aria-hidden="true">{}</span> {}</span>', state.value,
                             DUE_GLYPHS[state], state.label)
    for state in DueState
}


@register.simple_tag
def status_badge(value: str, prefix: str = ""):
    return _badge(Status(value), prefix) if prefix else BADGES[value]


@register.simple_tag
def due_badge(state: str):
    """Whether a side's update is up to date, due soon, overdue or stale: a glyph and a word, never colour alone."""
    return DUE_BADGES[state]


@register.filter
def footnote_links(text: str):
    """Paragraph text with its superscript footnote markers linked to the footnotes."""

    def link(match):
        marker = match.group(0).translate(_TO_DIGITS)
        return f'<sup><a href="#fn{marker}" id="fnref{marker}" aria-label="footnote {marker}">{marker}</a></sup>'

    return mark_safe(_SUPER_RE.sub(link, escape(text)))


@register.filter
def highlight(text: str, clause: str):
    """The paragraph with the commitment's clause marked."""
    escaped, quoted = escape(text), escape(clause)
    if not clause or quoted not in escaped:
        return mark_safe(escaped)
    return mark_safe(escaped.replace(quoted, f"<mark>{quoted}</mark>", 1))


@register.filter
def get(mapping, key):
    return mapping.get(key, 0) if mapping else 0


LABELS = dict(Status.choices)


@register.simple_tag
def status_label(value: str) -> str:
    return LABELS[value]


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@register.filter
def short_date(value) -> str:
    """A day, or an ISO date string (as stored in packs), as "2 Dec 2026": what |date:"j M Y" writes, without its
    locale machinery, for the pack's hundred dates a page."""
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@register.filter
def isodate(value):
    """An ISO date or date-time string (as stored in frozen packs) back to a date for the |date filter."""
    from datetime import date, datetime

    if not value:
        return None
    return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
