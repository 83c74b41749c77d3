"""The reports as PDFs (the commitment list, the status history, the progress report, the changes between two days),
rendered in the background by reports.pdfs and kept in the database, as the briefing pack's is (reports.pack_pdf).

A report PDF's key is what it is built from, so asking again for the same report is served the finished file:
- the report and what was asked of it: its filters or days, as the sorted query string of the fields it reads;
- the data it reads: today's date (lateness moves with the day) and the last audit entry of a write a report may
  show. Every write is audited in its transaction (a status update, a commitment or organisation changed, fixtures
  loaded, the admin), so any of them makes a new key; sign-ins and personal settings do not;
- for the history and the changes, which show OFFICIAL-SENSITIVE notes to some readers only: the notes the reader
  may read (commitments.access): all of them, none, or those of the commitments their organisation owns.

Readers whose rights give the same key share one file, which names no reader. A PDF is served only to a reader who
may read every note it shows, checked again at each download against what it was built with."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from commitments.access import may_read_note, sensitive_commitment_ids
from commitments.filters import CommitmentFilter, sorted_filter
from commitments.history import with_sides
from common.exports import Header, pdf_bytes
from reports import columns, dashboard
from reports.filters import (HistoryFilter, commitment_rows, history_filter, progress, report_inputs,
                             selected_partnership)
from reports.models import GeneratedPdf
from reports.pdfs import pdf_request

ROW_LIMIT = 2000  # rows of history in a PDF; the CSV and Excel files have them all
KEEP = timedelta(days=1)  # a report's key names its day: older ones are never asked for again
SHARED = f"{settings.SITE_NAME}, for every reader with the same rights (this copy names no one)"

# Audited writes that change nothing a report shows. Any other write, named here or not, makes a new key.
NOT_SHOWN = ["signed in", "signed out", "sign-in failed", "password changed", "API token issued", "API token revoked",
             "calendar address renewed", "notifications marked read", "reminders sent"]


@dataclass(frozen=True)
class Report:
    name: str
    title: str  # as the waiting page names it
    template: str
    fields: tuple[str, ...]  # the query string's fields it reads
    page: str  # the page it is asked for from, and the export that asks for it
    export: str
    build: Callable[[QueryDict, set[int] | None], dict]  # its template's context, from what it was asked
    notes: bool = False  # shows OFFICIAL-SENSITIVE notes to those who may read them

    @property
    def kind(self) -> str:
        return f"report-{self.name}"


def _header(title, partnership, filters, as_of) -> Header:
    return Header(title=title, partnership=str(partnership), filters=filters, produced_by=SHARED, as_of=as_of,
                  produced_at=timezone.now())


def _commitments(params: QueryDict, readable) -> dict:
    filterset, _, _ = sorted_filter(params)
    partnership = selected_partnership(filterset, params)
    return {"header": _header("Commitments", partnership, filterset.active, filterset.as_of_day),
            "rows": commitment_rows(filterset), "parties": [p.code for p in partnership.parties.all()]}


def _with_notes(updates, readable) -> list[tuple]:
    return [(u, may_read_note(u.marking, u.commitment_id, readable)) for u in updates]


def _history(params: QueryDict, readable) -> dict:
    filterset = history_filter(params)
    partnership = selected_partnership(filterset, params)
    rows = list(filterset.qs[: ROW_LIMIT + 1])
    return {"header": _header("Status history", partnership, filterset.active, None),
            "rows": _with_notes(rows[:ROW_LIMIT], readable), "truncated": len(rows) > ROW_LIMIT, "limit": ROW_LIMIT}


def _overview(params: QueryDict, readable) -> dict:
    partnership = selected_partnership(None, params)
    _, as_of, _ = report_inputs(params, partnership)
    found = progress(partnership, as_of, with_overview=True)
    return {"header": _header("Progress by area and by owner organisation", partnership, {}, as_of),
            "order": dashboard.STATUS_ORDER, "bars": columns.overview_bars(found["overview"]), **found}


def _changes(params: QueryDict, readable) -> dict:
    partnership = selected_partnership(None, params)
    _, _, comparison = report_inputs(params, partnership)
    title = f"Changes from {comparison.since:%d %B %Y} to {comparison.until:%d %B %Y}"
    days = {"since": comparison.since.isoformat(), "until": comparison.until.isoformat()}
    listed = list(comparison.updates()[: ROW_LIMIT + 1])
    return {"header": _header(title, partnership, days, comparison.until), "comparison": comparison,
            "changed": with_sides(comparison.changed), "readable_updates": _with_notes(listed[:ROW_LIMIT], readable),
            "truncated": len(listed) > ROW_LIMIT, "limit": ROW_LIMIT}


REPORTS = {report.name: report for report in [
    Report("commitments", "The commitment list", "reports/pdf/commitments.html",
           (*CommitmentFilter.base_filters, "sort"), "commitments:list", "reports:commitments", _commitments),
    Report("history", "The status history", "reports/pdf/history.html", tuple(HistoryFilter.base_filters),
           "reports:history", "reports:history_export", _history, notes=True),
    Report("overview", "The progress report", "reports/pdf/overview.html", ("partnership", "as_of"),
           "reports:index", "reports:overview", _overview),
    Report("changes", "The changes between two days", "reports/pdf/changes.html", ("partnership", "since", "until"),
           "reports:index", "reports:changes", _changes, notes=True),
]}
BY_KIND = {report.kind: report for report in REPORTS.values()}


def last_reported_write() -> int:
    """The last audit entry of a write a report may show: a backwards walk of the log's primary key that stops at
    the first such entry, so only the sign-ins and the like recorded since are read."""
    entries = AuditEntry.objects.exclude(action__in=NOT_SHOWN).exclude(action__startswith="two-factor")
    return entries.order_by("-pk").values_list("pk", flat=True).first() or 0


def _asked(report: Report, params: QueryDict) -> list[list[str]]:
    return sorted([name, params[name]] for name in set(report.fields) if params.get(name))


def report_pdf_request(*, name: str, params: QueryDict, user, filename: str) -> GeneratedPdf:
    """The reader's PDF of the report asked for with `params` (already checked by the export): ready, or queued."""
    report = REPORTS[name]
    inputs = {"asked": _asked(report, params), "day": timezone.localdate().isoformat(), "write": last_reported_write()}
    if report.notes:
        readable = sensitive_commitment_ids(user)
        inputs["readable"] = "all" if readable is None else sorted(readable)
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:32]
    return pdf_request(kind=report.kind, key=f"{report.kind}:{digest}", filename=f"{filename}.pdf", params=inputs,
                       by=user, reusable=True)


def _may_read_all(shown, readable: set[int] | None) -> bool:
    """Whether a reader who may read the notes of `readable` (None: all) may read every note a PDF shows."""
    if shown is None or readable is None:
        return True
    return shown != "all" and set(shown) <= readable


def readers_report_pdf(*, user, pdf_id: int) -> GeneratedPdf | None:
    """The report PDF if the reader may read everything in it now, else None (as if there were no such PDF)."""
    pdf = GeneratedPdf.objects.defer("content").filter(pk=pdf_id, kind__in=list(BY_KIND)).first()
    if pdf is None or not _may_read_all(pdf.params.get("readable"), sensitive_commitment_ids(user)):
        return None
    return pdf


def addresses(pdf: GeneratedPdf) -> dict:
    """The waiting page's links: the page the report came from and the export that asks for it again."""
    report = BY_KIND[pdf.kind]
    query = QueryDict(mutable=True)
    for name, value in pdf.params.get("asked", []):
        query[name] = value
    suffix = f"?{query.urlencode()}" if query else ""
    return {"title": report.title, "back": reverse(report.page) + suffix,
            "again": reverse(report.export, args=["pdf"]) + suffix}


def render_report_pdf(pdf: GeneratedPdf) -> bytes:
    """From the stored inputs only, with the rights recorded when it was asked for."""
    report = BY_KIND[pdf.kind]
    params = QueryDict(mutable=True)
    for name, value in pdf.params["asked"]:
        params[name] = value
    shown = pdf.params.get("readable")
    readable = None if shown in (None, "all") else set(shown)
    return pdf_bytes(report.template, report.build(params, readable))
