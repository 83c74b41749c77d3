"""Uploads cost what a return costs, whatever they hold: each bomb below is generated here, and refused with a
message saying which limit it hit, within 100 MB of memory and 5 seconds (generous bounds: a refusal takes well under
a second)."""

import io
import re
import time
import tracemalloc
import zipfile

import pytest

from agreement.models import Organisation
from returns.spreadsheet import ReturnFileError, build_workbook, read_workbook

pytestmark = pytest.mark.django_db
MEMORY_BOUND = 100 * 1024 * 1024
TIME_BOUND = 5.0


def a_return(partnership) -> bytes:
    return build_workbook(Organisation.objects.get(slug="eeas"), partnership, produced_by="test")


def rewritten(data: bytes, change) -> bytes:
    """The workbook with each member passed through `change(name, content)` (None drops it); extra members from
    change("", b"") as a dict."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info.filename))
            if content is not None:
                target.writestr(info.filename, content)
        for name, content in (change("", b"") or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def sheet_member(data: bytes) -> str:
    return next(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("xl/worksheets/sheet"))


def refused(data: bytes) -> str:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(ReturnFileError) as error:
            read_workbook(data)
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_BOUND and elapsed < TIME_BOUND, (peak, elapsed)
    return str(error.value)


def test_a_shared_string_of_hundreds_of_megabytes_is_refused_before_it_is_unpacked(partnership):
    huge = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>' + \
        b"A" * (300 * 1024 * 1024) + b"</t></si></sst>"
    data = rewritten(a_return(partnership), lambda name, content: {"xl/sharedStrings.xml": huge} if name == "" else (
        None if name == "xl/sharedStrings.xml" else content))
    assert len(data) < 2 * 1024 * 1024  # an allowed upload
    assert "unpacks to 300 MB (at most 50 MB)" in refused(data)


def test_a_million_blank_rows_are_counted_against_the_row_cap(partnership):
    data = a_return(partnership)
    member = sheet_member(data)
    last = int(re.search(rb'<dimension ref="A1:L(\d+)"', zipfile.ZipFile(io.BytesIO(data)).read(member)).group(1))
    blank = b"".join(b'<row r="%d"/>' % n for n in range(last + 1, last + 1_000_001))

    def add_rows(name, content):
        if name == member:
            content = content.replace(b'<dimension ref="A1:L%d"' % last, b'<dimension ref="A1:L%d"' % (last + 1_000_000))
            return content.replace(b"</sheetData>", blank + b"</sheetData>")
        return None if name == "" else content

    assert refused(rewritten(data, add_rows)) == "The return has more than 2000 rows; it cannot be a return of this tracker."


def test_a_workbook_of_a_thousand_parts_is_refused(partnership):
    extra = {f"xl/media/pad{n}.bin": b"x" for n in range(1000)}
    data = rewritten(a_return(partnership), lambda name, content: extra if name == "" else content)
    assert "holds 10" in refused(data) and "parts (at most 200)" in refused(data)


def test_an_entity_expansion_bomb_is_not_expanded(partnership):
    """A billion laughs in the sheet itself: the parser refuses the document type rather than expand it."""
    data = a_return(partnership)
    member = sheet_member(data)
    entities = b'<!DOCTYPE worksheet [<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10) for n in range(1, 10)) + b"]>"

    def bomb(name, content):
        if name == member:
            cell = b'<row r="9999"><c r="H9999" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
            return entities + content.replace(b"</sheetData>", cell + b"</sheetData>")
        return None if name == "" else content

    assert refused(rewritten(data, bomb)).startswith("The workbook cannot be read (")  # and nothing expanded
