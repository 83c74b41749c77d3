"""Exports: the same rows, filters and permissions as the pages; headers that say what they are; files that open."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from commitments.models import Commitment
from commitments.services import Evidence, commitment_update_status
from common.exports import Column, Header, neutralise, xlsx_response


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response) -> list[list[str]]:
    text = content(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def table(rows):
    """The data rows after the header block and its blank line."""
    blank = rows.index([])
    return rows[blank + 1], rows[blank + 2:]


@pytest.fixture
def signed_in(client, analyst):
    client.force_login(analyst)
    return client


def test_the_csv_holds_the_filtered_list_and_says_what_it_is(signed_in, analyst, partnership):
    query = {"area": "maritime-security", "strength": "firm"}
    page = signed_in.get(reverse("commitments:list"), query)
    assert page.context["page"].paginator.num_pages == 1
    expected = sorted(r.commitment.reference for r in page.context["rows"])
    rows = csv_rows(signed_in.get(reverse("reports:commitments", args=["csv"]), query))
    head = dict(r for r in rows[: rows.index([])])
    assert head["Report"] == "Commitments"
    assert head["Partnership"] == "EU–UK Security and Defence Partnership"
    assert "Area: Maritime Security" in head["Filters"] and "Strength: Firm" in head["Filters"]
    assert head["Produced by"] == "analyst-1"
    assert head["As of"].startswith("now")
    assert head["Handling"] == "OFFICIAL"
    columns, data = table(rows)
    assert columns[:4] == ["Ref", "Paragraph", "Area", "Commitment"]
    assert "EU status" in columns and "UK owners" in columns
    assert sorted(r[0] for r in data) == expected


def test_the_downloads_keep_the_order_the_list_is_sorted_in(signed_in, partnership):
    query = {"area": "maritime-security", "sort": "-title"}
    shown = [r.commitment.reference for r in signed_in.get(reverse("commitments:list"), query).context["rows"]]
    in_the_text = [c.reference for c in Commitment.objects.filter(paragraph__area__slug="maritime-security")
                   .order_by("paragraph__number", "position")]
    assert shown != in_the_text and sorted(shown) == sorted(in_the_text)  # the sort reorders this area

    _, data = table(csv_rows(signed_in.get(reverse("reports:commitments", args=["csv"]), query)))
    assert [r[0] for r in data] == shown
    titles = [r[3] for r in data]
    assert titles == sorted(titles, key=str.lower, reverse=True)

    sheet = load_workbook(io.BytesIO(content(signed_in.get(reverse("reports:commitments", args=["xlsx"]), query))))
    rows = list(sheet["Commitments"].iter_rows(values_only=True))
    first = next(n for n, row in enumerate(rows) if row[0] == "Ref") + 1
    assert [row[0] for row in rows[first:]] == shown


def test_the_xlsx_has_a_frozen_header_filters_widths_and_real_dates(signed_in, partnership, eu_official):
    commitment = Commitment.objects.get(ref="14.1")
    commitment_update_status(commitment=commitment, party_code="EU", status="on_track", note="=HYPERLINK(\"x\")",
                             as_of=date.today(), by=eu_official, expected_version=commitment.version)
    response = signed_in.get(reverse("reports:history_export", args=["xlsx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(content(response)))["Status history"]
    header_row = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "Recorded")
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{header_row}:")
    assert sheet.column_dimensions["H"].width == 60
    first = header_row + 1
    assert sheet.cell(first, 2).is_date and sheet.cell(first, 2).number_format == "dd mmm yyyy"
    note = sheet.cell(first, 8)
    assert (note.value, note.data_type) == ('=HYPERLINK("x")', "s")  # text, never a formula


def test_the_overview_workbook_has_a_sheet_per_breakdown(signed_in, partnership):
    book = load_workbook(io.BytesIO(content(signed_in.get(reverse("reports:overview", args=["xlsx"])))))
    assert book.sheetnames == ["By area", "By owner organisation"]


def test_sensitive_notes_are_withheld_in_exports_as_on_the_pages(client, partnership, eu_official, analyst, reviewer):
    commitment = Commitment.objects.get(ref="14.1")
    commitment_update_status(commitment=commitment, party_code="EU", status="at_risk", note="The venue is disputed.",
                             as_of=date.today(), marking="OFFICIAL-SENSITIVE",
                             evidence=[Evidence("Minute", "https://example.org/minute")], by=eu_official,
                             expected_version=commitment.version)
    for user, sees in ((analyst, False), (reviewer, True), (eu_official, True)):
        client.force_login(user)
        text = content(client.get(reverse("reports:history_export", args=["csv"]))).decode()
        assert ("The venue is disputed." in text) is sees
        assert ("https://example.org/minute" in text) is sees
        assert ("[withheld: OFFICIAL-SENSITIVE]" in text) is not sees


def test_an_export_as_of_a_past_day_says_so(signed_in, partnership):
    rows = csv_rows(signed_in.get(reverse("reports:commitments", args=["csv"]), {"as_of": "2025-12-31"}))
    head = dict(r for r in rows[: rows.index([])])
    assert head["As of"] == "end of 31 December 2025"


def test_bad_formats_and_filters_are_refused_clearly(signed_in, partnership):
    assert signed_in.get("/reports/commitments.docx").status_code == 404
    response = signed_in.get(reverse("reports:commitments", args=["csv"]), {"strength": "bogus"})
    assert response.status_code == 400
    assert "strength" in response.content.decode()


def test_an_account_without_a_role_cannot_export(client, outsider, partnership):
    client.force_login(outsider)
    for name in ("commitments", "history_export", "overview"):
        assert client.get(reverse(f"reports:{name}", args=["csv"])).status_code == 403
    client.logout()
    assert client.get(reverse("reports:commitments", args=["csv"])).status_code == 302


# OWASP's CSV injection list: a cell starting with any of these is run as a formula by some spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
dangerous = st.text(min_size=0, max_size=30).map(lambda s: s) | st.builds(
    lambda start, rest: start + rest, st.sampled_from(FORMULA_STARTS), st.text(max_size=30)
)


@given(value=dangerous)
@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_cell_a_spreadsheet_would_run_survives_neutralising(value):
    safe = neutralise(value)
    assert not safe.startswith(FORMULA_STARTS)
    assert safe in (value, "'" + value)  # nothing else is changed


@given(values=st.lists(st.builds(lambda s, r: s + r, st.sampled_from(FORMULA_STARTS), st.text(max_size=20)), min_size=1, max_size=10))
@settings(max_examples=40, deadline=None)
def test_formula_like_text_stays_text_in_csv_and_xlsx(values):
    from django.utils import timezone

    from common.exports import csv_response

    header = Header(title="t", partnership="p", filters={}, produced_by="=cmd", as_of=None, produced_at=timezone.now())
    columns = [Column("Value", lambda v: v)]
    text = b"".join(csv_response("x", header, columns, values).streaming_content).decode()
    for row in list(csv.reader(io.StringIO(text[1:]))):
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell
    book = load_workbook(io.BytesIO(b"".join(xlsx_response("x", header, [("S", columns, values)]))))
    for row in book["S"].iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value
