"""Spreadsheet returns: the workbook an official fills in offline, and reading it back.

Reading does no checking of its own beyond the file's shape: every row with a new status is then tried through the
status service itself (`returns.services`), so a return obeys exactly the rules of the form and the API."""

import io
import zipfile
from dataclasses import asdict, dataclass
from datetime import date, datetime

from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from commitments.models import CommitmentSide, Marking
from commitments.status import Status

SHEET = "Return"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000  # every row after the header counts, blank or not
# What the workbook may unpack to: a return of 2,000 rows is a few megabytes; a zip bomb is refused before parsing.
MAX_MEMBERS = 200
MAX_UNPACKED = 50 * 1024 * 1024  # all members together
MAX_RATIO = 200  # unpacked size over packed size, per member (a filled-in return packs 5 to 20 times)
COLUMNS = [
    ("Commitment id", 12), ("Ref", 9), ("Commitment", 50), ("Side", 6), ("Current status", 16), ("Version", 9),
    ("New status", 16), ("Note", 50), ("True as of", 12), ("Marking", 20), ("Evidence title", 24),
    ("Evidence address", 36),
]
STATUS_LABELS = {s.label.lower(): s.value for s in Status if s != Status.NOT_ASSESSED}
EDITABLE = {"New status", "Note", "True as of", "Marking", "Evidence title", "Evidence address"}


class ReturnFileError(Exception):
    """The upload is not a return this tracker can read; nothing was applied."""


@dataclass
class ReturnRow:
    row: int
    commitment_id: int | None
    ref: str
    side: str
    version: int | None
    status: str
    note: str
    as_of: str | None  # ISO date
    marking: str
    evidence_title: str
    evidence_url: str
    error: str = ""
    conflict: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def build_workbook(organisation, partnership, *, produced_by: str) -> bytes:
    """The return of one organisation: a row per side it owns, with the status and version it has now."""
    sides = (
        CommitmentSide.objects.filter(owners__organisation=organisation, commitment__paragraph__partnership=partnership)
        .select_related("party", "commitment__paragraph", "commitment__subparagraph")
        .order_by("commitment__paragraph__number", "commitment__position", "party__code")
        .distinct()
    )
    today = timezone.localdate()
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    bold = Font(bold=True)
    intro = [
        ("Return", f"Status return of {organisation.name} ({organisation.party.code})"),
        ("Partnership", partnership.short_title),
        ("Produced", f"{timezone.localtime():%d %B %Y %H:%M} for {produced_by}"),
        ("How", "Fill in New status on the rows that changed; leave the others empty. A Note is needed for at "
                "risk, delayed and discontinued, and for any move back. True as of (required) is filled in with "
                f"the day of download, {today:%d %B %Y}: change it to the day the new status became true, never a "
                "day after you upload. Marking is OFFICIAL unless you choose OFFICIAL-SENSITIVE. Do not change "
                "Commitment id, Side or Version. Upload the file on the Returns page."),
        ("Handling", "OFFICIAL (OFFICIAL-SENSITIVE once notes so marked are written in)"),
    ]
    for label, value in intro:
        sheet.append([label, value])
        sheet.cell(sheet.max_row, 1).font = bold
    sheet.append([])
    header_row = len(intro) + 2  # openpyxl does not count an empty appended row in max_row
    sheet.append([name for name, _ in COLUMNS])
    editable_fill = PatternFill("solid", fgColor="FFF5D6")
    for index, (name, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(header_row, index)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = width
    for side in sides:
        commitment = side.commitment
        sheet.append([commitment.pk, commitment.reference, commitment.title, side.party.code,
                      Status(side.status).label, commitment.version, None, None, today, None, None, None])
        for index, (name, _) in enumerate(COLUMNS, start=1):
            if name in EDITABLE:
                sheet.cell(sheet.max_row, index).fill = editable_fill
            elif name == "Commitment":
                sheet.cell(sheet.max_row, index).alignment = Alignment(wrap_text=True, vertical="top")
    last = max(sheet.max_row, header_row + 1)
    statuses = DataValidation(type="list", formula1='"' + ",".join(s.label for s in Status if s != Status.NOT_ASSESSED) + '"',
                              allow_blank=True)
    markings = DataValidation(type="list", formula1=f'"{Marking.OFFICIAL},{Marking.SENSITIVE}"', allow_blank=True)
    sheet.add_data_validation(statuses)
    sheet.add_data_validation(markings)
    statuses.add(f"G{header_row + 1}:G{last}")
    markings.add(f"J{header_row + 1}:J{last}")
    for row in range(header_row + 1, last + 1):
        sheet.cell(row, 9).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(COLUMNS))}{last}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _as_of(value) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return "invalid:" + text


def read_workbook(data: bytes) -> list[ReturnRow]:
    """The rows that carry a new status, with their spreadsheet row numbers. Raises ReturnFileError."""
    try:
        return _read(data)
    except ReturnFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - a read-only workbook parses its sheets only as rows are read
        raise ReturnFileError(f"The workbook cannot be read ({exc.__class__.__name__}); save it again as .xlsx.") from None


def _read(data: bytes) -> list[ReturnRow]:
    if not data:
        raise ReturnFileError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise ReturnFileError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; a return is much smaller.")
    if not data.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReturnFileError("This is not an Excel workbook (.xlsx). Download the return, fill it in and upload it.")
    _check_unpacked(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise ReturnFileError(f"The workbook cannot be read ({exc.__class__.__name__}); save it again as .xlsx.") from None
    if SHEET not in book.sheetnames:
        raise ReturnFileError(f"The workbook has no sheet named “{SHEET}”: upload the return as downloaded.")
    names = [name for name, _ in COLUMNS]
    rows = book[SHEET].iter_rows(max_col=len(names), values_only=True)
    position = None
    for number, values in enumerate(rows, start=1):
        if values and _text(values[0]) == "Commitment id":
            found = [_text(v) for v in values[: len(names)]]
            if found != names:
                raise ReturnFileError(f"Row {number}: the columns have been changed; expected {', '.join(names)}.")
            position = number
            break
        if number > 20:
            break
    if position is None:
        raise ReturnFileError("No header row starting “Commitment id” was found: upload the return as downloaded.")
    result = []
    for number, values in enumerate(rows, start=position + 1):
        if number - position > MAX_ROWS:
            raise ReturnFileError(f"The return has more than {MAX_ROWS} rows; it cannot be a return of this tracker.")
        values = list(values or ()) + [None] * len(names)
        cells = dict(zip(names, values))
        if all(_text(v) == "" for v in values[: len(names)]):
            continue
        if _text(cells["New status"]) == "":
            continue  # unchanged
        status_text = _text(cells["New status"])
        row = ReturnRow(
            row=number,
            commitment_id=_int(cells["Commitment id"]),
            ref=_text(cells["Ref"]),
            side=_text(cells["Side"]).upper(),
            version=_int(cells["Version"]),
            status=STATUS_LABELS.get(status_text.lower(), status_text if status_text in Status.values else "invalid:" + status_text),
            note=_text(cells["Note"]),
            as_of=_as_of(cells["True as of"]),
            marking=_text(cells["Marking"]) or Marking.OFFICIAL,
            evidence_title=_text(cells["Evidence title"]),
            evidence_url=_text(cells["Evidence address"]),
        )
        result.append(row)
    return result


def _check_unpacked(data: bytes) -> None:
    """What the zip says it holds, checked before anything is unpacked; sizes are enforced again while reading
    (zipfile stops at a member's stated size)."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ReturnFileError(f"The workbook cannot be read ({exc.__class__.__name__}); save it again as .xlsx.") from None
    if len(members) > MAX_MEMBERS:
        raise ReturnFileError(f"The workbook holds {len(members)} parts (at most {MAX_MEMBERS}): it is not a return.")
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED:
        raise ReturnFileError(f"The workbook unpacks to {unpacked // (1024 * 1024)} MB (at most "
                              f"{MAX_UNPACKED // (1024 * 1024)} MB): it is not a return.")
    for member in members:
        if member.file_size > MAX_RATIO * max(member.compress_size, 1024):
            raise ReturnFileError(f"Part {member.filename} of the workbook unpacks {member.file_size // max(member.compress_size, 1)} "
                                  f"times its size (at most {MAX_RATIO}): it is not a return.")


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") and float(value) == int(float(value)) else None
    except (TypeError, ValueError):
        return None
