"""Analysts' outputs: the commitment list, the status history and the progress reports as files, now or as of a
past day, with the same filters and permissions as the pages they come from."""

from django import forms
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone

from reports import dashboard
from commitments.access import may_read_note, sensitive_commitment_ids
from commitments.filters import CommitmentFilter, UpdateFilter
from commitments.history import compare, facts, with_sides
from commitments.models import StatusUpdate
from commitments.selectors import commitment_order
from agreement.selectors import partnership_asked
from common.pagination import CappedPaginator
from reports import columns
from common.exports import Header, csv_response, pdf_response, xlsx_response

FORMATS = {"csv", "xlsx", "pdf"}
PDF_ROW_LIMIT = 2000
CHANGES_SHOWN = 50  # per table on the report page; the downloads have them all
STREAM_CHUNK = 2000  # rows fetched at a time from the server-side cursor while streaming


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


def commitments_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _check_format(fmt)
    filterset = CommitmentFilter(request.GET or None, queryset=commitment_order())
    if filterset.is_bound and not filterset.is_valid():
        return _bad_filters(filterset.form)
    partnership = filterset.form.cleaned_data.get("partnership") if filterset.is_bound else None
    partnership = partnership or partnership_asked(request.GET.get("partnership"))
    rows = filterset.rows_as_of(*filterset.matching_as_of()) if filterset.as_of_day else filterset.rows()
    parties = [p.code for p in partnership.parties.all()]
    cols = columns.commitment_columns(parties)
    header = _header(request, "Commitments", partnership, filterset.active, filterset.as_of_day)
    name = f"commitments-{(filterset.as_of_day or timezone.localdate()):%Y-%m-%d}"
    if fmt == "csv":
        return csv_response(name, header, cols, rows)
    if fmt == "xlsx":
        return xlsx_response(name, header, [("Commitments", cols, rows)])
    return pdf_response(name, "reports/pdf/commitments.html", {"header": header, "rows": rows, "parties": parties}, request)


def history_filter(params) -> UpdateFilter:
    """The history page's filters over every update, newest first; its exports and the benchmark use it too.

    No update is listed twice: filtering by owner meets at most one ownership per side (one per organisation)."""
    return UpdateFilter(
        params or None,
        queryset=StatusUpdate.objects.select_related(
            "commitment__paragraph__partnership", "commitment__subparagraph", "side__party", "created_by__organisation"
        ).order_by("-created_at", "-pk"),
    )


def history_page(request: HttpRequest) -> HttpResponse:
    filterset = history_filter(request.GET)
    page = CappedPaginator(filterset.qs, 50).get_page(request.GET.get("page"))
    readable = sensitive_commitment_ids(request.user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "reports/history.html", {
        "filter": filterset, "page": page, "query": query.urlencode(),
        "rows": [(u, may_read_note(u.marking, u.commitment_id, readable)) for u in page.object_list],
    })


def history_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The status history: the CSV and XLSX stream plain rows from a server-side cursor, in constant memory."""
    _check_format(fmt)
    filterset = history_filter(request.GET)
    if filterset.is_bound and not filterset.is_valid():
        return _bad_filters(filterset.form)
    updates = filterset.qs
    partnership = (filterset.form.cleaned_data.get("partnership") if filterset.is_bound else None) or partnership_asked(request.GET.get("partnership"))
    readable = sensitive_commitment_ids(request.user)
    header = _header(request, "Status history", partnership, filterset.active, None)
    name = f"status-history-{timezone.localdate():%Y-%m-%d}"
    if fmt == "csv":
        return csv_response(name, header, columns.history_columns(readable), _streamed(updates))
    if fmt == "xlsx":
        return xlsx_response(name, header, [("Status history", columns.history_columns(readable), _streamed(updates))])
    rows = list(updates[: PDF_ROW_LIMIT + 1])
    return pdf_response(name, "reports/pdf/history.html", {
        "header": header, "rows": [(u, may_read_note(u.marking, u.commitment_id, readable)) for u in rows[:PDF_ROW_LIMIT]],
        "truncated": len(rows) > PDF_ROW_LIMIT, "limit": PDF_ROW_LIMIT,
    }, request)


def _streamed(updates):
    """The rows of history_columns from a server-side cursor, read inside a transaction: outside one, PostgreSQL
    would have to hold the cursor, computing and storing the whole result before the first row goes out."""
    with transaction.atomic(using=updates.db):
        yield from columns.history_rows(updates).iterator(chunk_size=STREAM_CHUNK)


class ReportForm(forms.Form):
    as_of = forms.DateField(required=False, label="As it stood on", widget=forms.DateInput(attrs={"type": "date"}),
                            help_text="Empty for now.")
    since = forms.DateField(required=False, label="Changes since", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="until", widget=forms.DateInput(attrs={"type": "date"}),
                            help_text="Empty for today.")

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for name in ("as_of", "since", "until"):
            day = data.get(name)
            if day and day < self.partnership.adopted_on:
                self.add_error(name, f"The Partnership was adopted on {self.partnership.adopted_on:%d %B %Y}.")
            if day and day > today:
                self.add_error(name, "Choose today or a day in the past.")
        if data.get("since") and data.get("until") and data["since"] >= data["until"]:
            self.add_error("until", "The end must come after the start.")
        return data


def _report_data(request, partnership):
    form = ReportForm(request.GET or None, partnership=partnership)
    today = timezone.localdate()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    as_of = data.get("as_of")
    as_of = as_of if as_of and as_of < today else None
    comparison = None
    if data.get("since"):
        comparison = compare(partnership, data["since"], data.get("until") or today, today=today)
    return form, as_of, comparison


def report_page(request: HttpRequest) -> HttpResponse:
    partnership = partnership_asked(request.GET.get("partnership"))
    form, as_of, comparison = _report_data(request, partnership)
    today = timezone.localdate()
    found = facts(partnership, as_of, today=today)
    return render(request, "reports/index.html", {
        "partnership": partnership, "form": form, "as_of": as_of, "today": today,
        "areas": dashboard.breakdown(partnership, today, by="area", facts=found),
        "owners": dashboard.breakdown(partnership, today, by="owner", facts=found),
        "overview": dashboard.overview(partnership, today, facts=found),
        "order": dashboard.STATUS_ORDER, "comparison": comparison, "query": request.GET.urlencode(),
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
    partnership = partnership_asked(request.GET.get("partnership"))
    form, as_of, _ = _report_data(request, partnership)
    if form.is_bound and not form.is_valid():
        return _bad_filters(form)
    today = timezone.localdate()
    found = facts(partnership, as_of, today=today)
    areas = dashboard.breakdown(partnership, today, by="area", facts=found)
    owners = dashboard.breakdown(partnership, today, by="owner", facts=found)
    header = _header(request, "Progress by area and by owner organisation", partnership, {}, as_of)
    name = f"progress-report-{(as_of or today):%Y-%m-%d}"
    if fmt == "csv":
        return csv_response(name, header, columns.breakdown_columns(with_group=True),
                            [("Area", r) for r in areas] + [("Owner organisation", r) for r in owners])
    if fmt == "xlsx":
        return xlsx_response(name, header, [
            ("By area", columns.breakdown_columns(), areas), ("By owner organisation", columns.breakdown_columns(), owners),
        ])
    overview = dashboard.overview(partnership, today, facts=found)
    return pdf_response(name, "reports/pdf/overview.html", {
        "header": header, "areas": areas, "owners": owners, "overview": overview, "order": dashboard.STATUS_ORDER,
        "bars": columns.overview_bars(overview),
    }, request)


def changes_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _check_format(fmt)
    partnership = partnership_asked(request.GET.get("partnership"))
    form, _, comparison = _report_data(request, partnership)
    if (form.is_bound and not form.is_valid()) or comparison is None:
        return HttpResponseBadRequest("Give a valid 'since' day (and optionally 'until') to compare.",
                                      content_type="text/plain; charset=utf-8")
    header = _header(request, f"Changes from {comparison.since:%d %B %Y} to {comparison.until:%d %B %Y}", partnership,
                     {"since": comparison.since.isoformat(), "until": comparison.until.isoformat()}, comparison.until)
    name = f"changes-{comparison.since:%Y-%m-%d}-to-{comparison.until:%Y-%m-%d}"
    changed = with_sides(comparison.changed)
    readable = sensitive_commitment_ids(request.user)
    if fmt == "csv":
        return csv_response(name, header, columns.change_columns(), changed)
    if fmt == "xlsx":
        return xlsx_response(name, header, [
            ("Changes per side", columns.change_columns(), changed),
            ("Updates recorded", columns.history_columns(readable), _streamed(comparison.updates())),
        ])
    listed = list(comparison.updates()[: PDF_ROW_LIMIT + 1])
    return pdf_response(name, "reports/pdf/changes.html", {
        "header": header, "comparison": comparison, "changed": changed,
        "readable_updates": [(u, may_read_note(u.marking, u.commitment_id, readable)) for u in listed[:PDF_ROW_LIMIT]],
        "truncated": len(listed) > PDF_ROW_LIMIT, "limit": PDF_ROW_LIMIT,
    }, request)

