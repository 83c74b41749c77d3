"""Rows first, formats second: one list of columns feeds the CSV, XLSX and PDF writers.

Every file opens with who produced it, when, for which partnership and filters, and as of which day. Cells that a
spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) are neutralised."""

import csv
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MIME = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def neutralise(value):
    """A text cell that a spreadsheet would take for a formula gets a leading apostrophe (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: Header, columns: list[Column], rows: Iterable) -> StreamingHttpResponse:
    """UTF-8 with a BOM (so Excel reads it right), streamed row by row in constant memory."""
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"
        for label, value in header.lines():
            yield writer.writerow([label, neutralise(value)])
        yield writer.writerow([])
        yield writer.writerow([c.header for c in columns])
        for row in rows:
            yield writer.writerow([neutralise(_text(c.value(row))) for c in columns])

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
        count = 0
        for row in rows:
            sheet.append([_cell(sheet, column, column.value(row)) for column in columns])
            count += 1
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


def _cell(sheet, column: Column, value):
    if value is None or value == "":
        return None
    if column.kind == "date" and isinstance(value, date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "dd mmm yyyy"
        return cell
    if column.kind == "datetime" and isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, timezone.localtime(value).replace(tzinfo=None))
        cell.number_format = "dd mmm yyyy hh:mm"
        return cell
    if column.kind == "number" and isinstance(value, (int, float)):
        return value
    return _string_cell(sheet, _text(value))


def pdf_bytes(template: str, context: dict, request=None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/") if request else None).write_pdf()


def pdf_response(filename: str, template: str, context: dict, request=None) -> HttpResponse:
    response = HttpResponse(pdf_bytes(template, context, request), content_type=MIME["pdf"])
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response

