"""Analysts' outputs: the commitment list, the status history and the progress reports as files, now or as of a
past day, with the same filters and permissions as the pages they come from. CSV and Excel files are written as
they are downloaded; PDFs are prepared in the background (reports.report_pdfs) while the reader waits on a page."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone

from commitments.access import may_read_note, sensitive_commitment_ids
from commitments.filters import one_partnership, sorted_filter
from commitments.history import with_sides
from agreement.choice import chosen_partnership, scoped_query
from common.pagination import CappedPaginator
from reports import columns, dashboard
from reports.filters import commitment_rows, history_filter, progress, report_inputs
from reports.access import user_may_see_portfolio
from reports.models import GeneratedPdf
from reports.portfolio import portfolio
from reports.pdfs import pdf_serve
from reports.report_pdfs import addresses, readers_report_pdf, report_pdf_request
from common.exports import Header, csv_response, xlsx_response

FORMATS = {"csv", "xlsx", "pdf"}
CHANGES_SHOWN = 50  # per table on the report page; the downloads have them all
STREAM_CHUNK = 2000  # rows fetched at a time from the server-side cursor while streaming
REFRESH_SECONDS = 2


def _header(request, title, partnership, filters, as_of) -> Header:
    user = request.user
    who = f"{user.get_full_name() or user.username}" + (f" ({user.organisation.short_name})" if user.organisation_id else "")
    return Header(title=title, partnership=str(partnership), filters=filters, produced_by=who, as_of=as_of,
                  produced_at=timezone.now())


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise Http404("Exports come as csv, xlsx or pdf.")


def _bad_filters(form) -> HttpResponseBadRequest:
    problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
    return HttpResponseBadRequest(f"These filters are not valid: {problems}", content_type="text/plain; charset=utf-8")


def _pdf(request: HttpRequest, name: str, filename: str, params) -> HttpResponse:
    """A finished PDF of the same report at once; otherwise it is queued and the reader waits on its page. `params`
    name the partnership shown, which the background rendering cannot read from the reader's session."""
    pdf = report_pdf_request(name=name, params=params, user=request.user, filename=filename)
    if pdf.state == GeneratedPdf.State.READY:
        return pdf_serve(pdf)
    return redirect("reports:pdf_status", pdf.pk)


def commitments_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _check_format(fmt)
    partnership = chosen_partnership(request)
    params = scoped_query(request, partnership)
    filterset, _, _ = sorted_filter(params)
    if not filterset.is_valid():
        return _bad_filters(filterset.form)
    name = f"commitments-{(filterset.as_of_day or timezone.localdate()):%Y-%m-%d}"
    if fmt == "pdf":
        return _pdf(request, "commitments", name, params)
    rows = commitment_rows(filterset)
    cols = columns.commitment_columns([p.code for p in partnership.parties.all()])
    header = _header(request, "Commitments", partnership, filterset.active, filterset.as_of_day)
    if fmt == "csv":
        return csv_response(name, header, cols, rows)
    return xlsx_response(name, header, [("Commitments", cols, rows)])


def history_page(request: HttpRequest) -> HttpResponse:
    partnership = chosen_partnership(request)
    query = scoped_query(request, partnership)
    filterset = one_partnership(history_filter(query), partnership)
    page = CappedPaginator(filterset.qs, 50).get_page(request.GET.get("page"))
    readable = sensitive_commitment_ids(request.user)
    query.pop("page", None)
    return render(request, "reports/history.html", {
        "filter": filterset, "page": page, "query": query.urlencode(), "partnership": partnership,
        "rows": [(u, may_read_note(u.marking, u.commitment_id, readable)) for u in page.object_list],
    })


def history_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The status history: the CSV and XLSX stream plain rows from a server-side cursor, in constant memory."""
    _check_format(fmt)
    partnership = chosen_partnership(request)
    params = scoped_query(request, partnership)
    filterset = history_filter(params)
    if not filterset.is_valid():
        return _bad_filters(filterset.form)
    name = f"status-history-{timezone.localdate():%Y-%m-%d}"
    if fmt == "pdf":
        return _pdf(request, "history", name, params)
    cols = columns.history_columns(sensitive_commitment_ids(request.user))
    header = _header(request, "Status history", partnership, filterset.active, None)
    if fmt == "csv":
        return csv_response(name, header, cols, _streamed(filterset.qs))
    return xlsx_response(name, header, [("Status history", cols, _streamed(filterset.qs))])


def _streamed(updates):
    """The rows of history_columns from a server-side cursor, read inside a transaction: outside one, PostgreSQL
    would have to hold the cursor, computing and storing the whole result before the first row goes out."""
    with transaction.atomic(using=updates.db):
        yield from columns.history_rows(updates).iterator(chunk_size=STREAM_CHUNK)


def report_page(request: HttpRequest) -> HttpResponse:
    partnership = chosen_partnership(request)
    form, as_of, comparison = report_inputs(request.GET, partnership)
    return render(request, "reports/index.html", {
        "partnership": partnership, "form": form, "as_of": as_of, "today": timezone.localdate(),
        **progress(partnership, as_of, with_overview=True), "order": dashboard.STATUS_ORDER,
        "comparison": comparison, "query": scoped_query(request, partnership).urlencode(),
        **_shown_changes(comparison), "changes_shown": CHANGES_SHOWN,
    })


def _shown_changes(comparison) -> dict:
    """The first changes of each table, their sides loaded together."""
    if comparison is None:
        return {"status_changes": [], "newly_late": []}
    shown = {"status_changes": comparison.status_changes[:CHANGES_SHOWN], "newly_late": comparison.newly_late[:CHANGES_SHOWN]}
    with_sides(shown["status_changes"] + shown["newly_late"])
    return shown


def overview_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _check_format(fmt)
    partnership = chosen_partnership(request)
    form, as_of, _ = report_inputs(request.GET, partnership)
    if form.is_bound and not form.is_valid():
        return _bad_filters(form)
    name = f"progress-report-{(as_of or timezone.localdate()):%Y-%m-%d}"
    if fmt == "pdf":
        return _pdf(request, "overview", name, scoped_query(request, partnership))
    tables = progress(partnership, as_of)
    header = _header(request, "Progress by area and by owner organisation", partnership, {}, as_of)
    if fmt == "csv":
        return csv_response(name, header, columns.breakdown_columns(with_group=True),
                            [("Area", r) for r in tables["areas"]] + [("Owner organisation", r) for r in tables["owners"]])
    return xlsx_response(name, header, [
        ("By area", columns.breakdown_columns(), tables["areas"]),
        ("By owner organisation", columns.breakdown_columns(), tables["owners"]),
    ])


def changes_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _check_format(fmt)
    partnership = chosen_partnership(request)
    form, _, comparison = report_inputs(request.GET, partnership)
    if (form.is_bound and not form.is_valid()) or comparison is None:
        return HttpResponseBadRequest("Give a valid 'since' day (and optionally 'until') to compare.",
                                      content_type="text/plain; charset=utf-8")
    name = f"changes-{comparison.since:%Y-%m-%d}-to-{comparison.until:%Y-%m-%d}"
    if fmt == "pdf":
        return _pdf(request, "changes", name, scoped_query(request, partnership))
    header = _header(request, f"Changes from {comparison.since:%d %B %Y} to {comparison.until:%d %B %Y}", partnership,
                     {"since": comparison.since.isoformat(), "until": comparison.until.isoformat()}, comparison.until)
    changed = with_sides(comparison.changed)
    if fmt == "csv":
        return csv_response(name, header, columns.change_columns(), changed)
    return xlsx_response(name, header, [
        ("Changes per side", columns.change_columns(), changed),
        ("Updates recorded", columns.history_columns(sensitive_commitment_ids(request.user)),
         _streamed(comparison.updates())),
    ])


def portfolio_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The portfolio page's rows (reports.portfolio) as CSV or Excel."""
    if fmt not in {"csv", "xlsx"}:
        raise Http404("The portfolio comes as csv or xlsx.")
    if not user_may_see_portfolio(request.user):
        raise PermissionDenied("The portfolio is for analysts, reviewers and administrators.")
    rows = portfolio(request.user, timezone.localdate())
    header = _header(request, "Portfolio of partnerships", "All partnerships", {}, None)
    name = f"portfolio-{timezone.localdate():%Y-%m-%d}"
    if fmt == "csv":
        return csv_response(name, header, columns.portfolio_columns(), rows)
    return xlsx_response(name, header, [("Portfolio", columns.portfolio_columns(), rows)])


def _readers_pdf(request: HttpRequest, pdf_id: int) -> GeneratedPdf:
    pdf = readers_report_pdf(user=request.user, pdf_id=pdf_id)
    if pdf is None:
        raise Http404("No such report PDF for you.")
    return pdf


def pdf_status(request: HttpRequest, pdf_id: int) -> HttpResponse:
    pdf = _readers_pdf(request, pdf_id)
    response = render(request, "reports/pdf_status.html", {
        "pdf": pdf, "refresh_seconds": REFRESH_SECONDS, **addresses(pdf),
    })
    if pdf.pending:
        # The header, not <meta http-equiv="refresh">: the same reload without inline markup that axe-core rejects.
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


def pdf_file(request: HttpRequest, pdf_id: int) -> HttpResponse:
    pdf = _readers_pdf(request, pdf_id)
    if pdf.state != GeneratedPdf.State.READY:
        return redirect("reports:pdf_status", pdf.pk)
    return pdf_serve(pdf)
