"""Rows first, formats second: one list of columns feeds the CSV, XLSX and PDF writers.

Every file opens with who produced it, when, for which partnership and filters, and as of which day. Cells that a
spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) are neutralised."""

import csv
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import batched

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_STARTS)  # each is one character
MIME = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
CSV_CHUNK = 1000  # lines per chunk of a streamed CSV: few enough writes to be cheap, few enough rows to hold


def neutralise(value):
    """A text cell that a spreadsheet would take for a formula gets a leading apostrophe (OWASP's advice)."""
    return _csv_cell(value) if isinstance(value, str) else value


def _csv_cell(value) -> str:
    """Any value as the text of a CSV cell, neutralised: the rule in one function, as each cell calls it."""
    text = value if type(value) is str else _text(value)
    return "'" + text if text[:1] in _FORMULA_FIRST else text  # a set look-up beats startswith() on a hot path


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable
    width: int = 16
    kind: str = "text"  # text, date, datetime, number


@dataclass(frozen=True)
class Header:
    """What every export states about itself."""

    title: str
    partnership: str
    filters: dict
    produced_by: str
    as_of: date | None
    produced_at: datetime
    marking: str = "OFFICIAL"

    def lines(self) -> list[tuple[str, str]]:
        filters = "; ".join(f"{k}: {v}" for k, v in self.filters.items()) or "none"
        return [
            ("Report", self.title),
            ("Partnership", self.partnership),
            ("Filters", filters),
            ("As of", f"end of {self.as_of:%d %B %Y}" if self.as_of else f"now ({timezone.localtime(self.produced_at):%d %B %Y %H:%M})"),
            ("Produced by", self.produced_by),
            ("Produced at", f"{timezone.localtime(self.produced_at):%d %B %Y %H:%M %Z}"),
            ("Handling", self.marking),
        ]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _local(value: datetime, zone) -> datetime:
    """Local wall-clock time, naive (as spreadsheets hold it); the zone is looked up once per file, not per cell."""
    return value.astimezone(zone).replace(tzinfo=None)


def _csv_text(columns: list[Column]) -> list[tuple[Callable, Callable]]:
    """Per column, its value and the function that turns it into neutralised text: chosen once per file, so that
    each cell costs two calls."""
    zone = timezone.get_current_timezone()

    def moment(value):
        if not isinstance(value, datetime):
            return _csv_cell(value)
        # Local wall-clock time to the minute; slicing off the offset is cheaper than removing the zone first.
        return value.astimezone(zone).isoformat(" ", "minutes")[:16]

    def day(value):
        return value.isoformat() if type(value) is date else _csv_cell(value)

    kinds = {"datetime": moment, "date": day}
    return [(column.value, kinds.get(column.kind, _csv_cell)) for column in columns]


class _Lines(list):
    """What csv.writer writes, kept until the chunk is sent."""

    write = list.append


def csv_response(filename: str, header: Header, columns: list[Column], rows: Iterable) -> StreamingHttpResponse:
    """UTF-8 with a BOM (so Excel reads it right), streamed CSV_CHUNK lines at a time in constant memory."""
    cells = _csv_text(columns)

    def lines():
        for label, value in header.lines():
            yield [label, neutralise(value)]
        yield []
        yield [c.header for c in columns]
        for row in rows:
            yield [text(value(row)) for value, text in cells]

    def stream():
        written = _Lines(["\ufeff"])
        writer = csv.writer(written)
        for chunk in batched(lines(), CSV_CHUNK):
            writer.writerows(chunk)
            yield "".join(written)
            written.clear()

    response = StreamingHttpResponse(stream(), content_type=MIME["csv"])
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename: str, header: Header, sheets: list[tuple[str, list[Column], Iterable]]) -> FileResponse:
    """A write-only workbook (constant memory) spooled to a temporary file: header frozen, filters on, widths set,
    dates as dates."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet_title, columns, rows in sheets:
        sheet = workbook.create_sheet(sheet_title[:31])
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        lines = header.lines()
        table_row = len(lines) + 2
        sheet.freeze_panes = f"A{table_row + 1}"
        for label, value in lines:
            cell = WriteOnlyCell(sheet, label)
            cell.font = bold
            sheet.append([cell, _string_cell(sheet, value)])
        sheet.append([])
        heads = []
        for column in columns:
            cell = WriteOnlyCell(sheet, column.header)
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            heads.append(cell)
        sheet.append(heads)
        cells = _xlsx_cells(sheet, columns)
        count = 0
        for count, row in enumerate(rows, start=1):
            sheet.append([cell(value(row)) for value, cell in cells])
        sheet.auto_filter.ref = f"A{table_row}:{get_column_letter(len(columns))}{table_row + max(count, 1)}"
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=MIME["xlsx"])


def _string_cell(sheet, value) -> WriteOnlyCell:
    # A text cell typed as text is never evaluated, whatever it starts with. Control characters that the XLSX
    # format cannot hold are dropped rather than failing the whole file.
    cell = WriteOnlyCell(sheet, None)
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
    cell.data_type = "s"
    return cell


def _xlsx_cells(sheet, columns: list[Column]) -> list[tuple[Callable, Callable]]:
    """Per column, its value and the function that makes it what the write-only sheet takes: chosen once per file.
    Plain values go in as they are; only dates and text that openpyxl would misread need a cell of their own."""
    zone = timezone.get_current_timezone()

    def text(value):
        if value is None or value == "":
            return None
        value = ILLEGAL_CHARACTERS_RE.sub("", value if type(value) is str else _text(value))
        # openpyxl takes "=…" for a formula and "#N/A" and the like for error codes unless the cell is typed.
        return _string_cell(sheet, value) if value.startswith(("=", "#")) else value

    def dated(kind, number_format, convert=lambda value: value):
        # One styled cell per column, refilled row after row: a write-only sheet writes each row out as it is
        # appended, and making a new styled cell for every date took an eighth of the whole file's time.
        cell = WriteOnlyCell(sheet)
        cell.number_format = number_format

        def fill(value):
            if type(value) is not kind:
                return text(value)
            cell.value = convert(value)
            return cell
        return fill

    def number(value):
        return value if isinstance(value, (int, float)) else text(value)

    def maker(column: Column) -> Callable:
        if column.kind == "datetime":
            return dated(datetime, "dd mmm yyyy hh:mm", lambda value: _local(value, zone))
        if column.kind == "date":
            return dated(date, "dd mmm yyyy")
        return number if column.kind == "number" else text

    return [(column.value, maker(column)) for column in columns]


def pdf_bytes(template: str, context: dict, request=None) -> bytes:
    """The template as a PDF, with the status colours and chart styles the pages use (static/css/status.css,
    charts.css)."""
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    html = render_to_string(template, context, request=request)
    styles = [CSS(filename=finders.find(f"css/{name}.css")) for name in ("status", "charts")]
    return HTML(string=html, base_url=request.build_absolute_uri("/") if request else None).write_pdf(stylesheets=styles)


def pdf_response(filename: str, template: str, context: dict, request=None) -> HttpResponse:
    response = HttpResponse(pdf_bytes(template, context, request), content_type=MIME["pdf"])
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response

