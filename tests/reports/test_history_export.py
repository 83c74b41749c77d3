"""The status history as CSV and XLSX, row by row: what each column holds, what is withheld from whom, and the same
updates as the history page lists for the same filters."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from commitments.models import Commitment, EvidenceLink, StatusUpdate

BRUSSELS = ZoneInfo("Europe/Brussels")
TITLE_14_1 = "Regular exchanges on security issues of common interest"
TITLE_12A = "Six-monthly foreign and security policy dialogue of the HR and UK Secretaries"
TWO_LINKS = "Minute <https://example.org/minute>; Annex <https://example.org/annex>"


def write(ref, party, *, by, at, as_of, status, previous, note, marking="OFFICIAL", evidence=(), on_time=True,
          corrects=None, illustrative=False) -> StatusUpdate:
    """A history row written directly, every field given: these tests read the history, they do not record it."""
    commitment = Commitment.objects.get(ref=ref)
    update = StatusUpdate.objects.create(
        commitment=commitment, side=commitment.sides.get(party__code=party), status=status, previous_status=previous,
        note=note, as_of=as_of, marking=marking, corrects=corrects, created_by=by, created_at=at, version_after=2,
        on_time=on_time, side_status_after=status, illustrative=illustrative,
    )
    EvidenceLink.objects.bulk_create(EvidenceLink(update=update, title=t, url=u) for t, u in evidence)
    return update


@pytest.fixture
def history(partnership, eu_official, uk_official) -> dict[str, StatusUpdate]:
    """Four updates: one with two evidence links (September 2025, summer time), one OFFICIAL-SENSITIVE with
    evidence (January 2026, winter time), one on 12(a) whose note looks like a formula, and a correction."""
    a = write("14.1", "EU", by=eu_official, at=datetime(2025, 9, 10, 10, 0, tzinfo=BRUSSELS), as_of=date(2025, 9, 10),
              status="in_progress", previous="not_assessed", note="Exchanges resumed at working level.",
              evidence=[("Minute", "https://example.org/minute"), ("Annex", "https://example.org/annex")])
    b = write("14.1", "EU", by=eu_official, at=datetime(2026, 1, 20, 9, 30, tzinfo=BRUSSELS), as_of=date(2026, 1, 20),
              status="on_track", previous="in_progress", note="The venue is disputed.", marking="OFFICIAL-SENSITIVE",
              evidence=[("Cable", "https://example.org/cable")])
    c = write("12a", "UK", by=uk_official, at=datetime(2026, 2, 10, 16, 45, tzinfo=BRUSSELS), as_of=date(2026, 2, 10),
              status="at_risk", previous="not_assessed", note="=1+1 looks like a formula", on_time=False,
              illustrative=True)
    d = write("14.1", "EU", by=eu_official, at=datetime(2026, 3, 1, 11, 0, tzinfo=BRUSSELS), as_of=date(2025, 8, 28),
              status="on_track", previous="on_track", note="Corrects the September entry: resumed in August.",
              corrects=a)
    return {"a": a, "b": b, "c": c, "d": d}


def csv_table(client, **query) -> list[list[str]]:
    response = client.get(reverse("reports:history_export", args=["csv"]), query)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff"))))
    assert rows[rows.index([]) + 1][0] == "Recorded"
    return rows[rows.index([]) + 2:]


def xlsx_sheet(client, name="history_export", sheet="Status history", **query):
    response = client.get(reverse(f"reports:{name}", args=["xlsx"]), query)
    assert response.status_code == 200
    worksheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))[sheet]
    first = next(r for r in range(1, 20) if worksheet.cell(r, 1).value == "Recorded") + 1
    return [list(row) for row in worksheet.iter_rows(min_row=first)]


def values(row) -> list:
    return [cell.value for cell in row]


def test_each_csv_column_holds_what_its_heading_says_newest_first(client, analyst, history):
    client.force_login(analyst)
    a, b, c, d = (history[k].pk for k in "abcd")
    assert csv_table(client) == [
        ["2026-03-01 11:00", "2025-08-28", "¶14.1", TITLE_14_1, "EU", "On track", "On track",
         "Corrects the September entry: resumed in August.", "", "OFFICIAL", "eu-official", "yes", str(a), "no",
         str(d)],
        ["2026-02-10 16:45", "2026-02-10", "¶12(a)", TITLE_12A, "UK", "At risk", "Not yet assessed",
         "'=1+1 looks like a formula", "", "OFFICIAL", "uk-official", "no", "", "yes", str(c)],
        ["2026-01-20 09:30", "2026-01-20", "¶14.1", TITLE_14_1, "EU", "On track", "In progress",
         "[withheld: OFFICIAL-SENSITIVE]", "", "OFFICIAL-SENSITIVE", "eu-official", "yes", "", "no", str(b)],
        ["2025-09-10 10:00", "2025-09-10", "¶14.1", TITLE_14_1, "EU", "In progress", "Not yet assessed",
         "Exchanges resumed at working level.", TWO_LINKS, "OFFICIAL", "eu-official", "yes", "", "no", str(a)],
    ]


def test_each_xlsx_cell_is_typed_dates_as_dates_text_as_text_ids_as_numbers(client, analyst, history):
    client.force_login(analyst)
    a, b, c, d = (history[k].pk for k in "abcd")
    rows = xlsx_sheet(client)
    assert [values(row) for row in rows] == [
        [datetime(2026, 3, 1, 11, 0), datetime(2025, 8, 28), "¶14.1", TITLE_14_1, "EU", "On track", "On track",
         "Corrects the September entry: resumed in August.", None, "OFFICIAL", "eu-official", "yes", a, "no", d],
        [datetime(2026, 2, 10, 16, 45), datetime(2026, 2, 10), "¶12(a)", TITLE_12A, "UK", "At risk", "Not yet assessed",
         "=1+1 looks like a formula", None, "OFFICIAL", "uk-official", "no", None, "yes", c],
        [datetime(2026, 1, 20, 9, 30), datetime(2026, 1, 20), "¶14.1", TITLE_14_1, "EU", "On track", "In progress",
         "[withheld: OFFICIAL-SENSITIVE]", None, "OFFICIAL-SENSITIVE", "eu-official", "yes", None, "no", b],
        [datetime(2025, 9, 10, 10, 0), datetime(2025, 9, 10), "¶14.1", TITLE_14_1, "EU", "In progress",
         "Not yet assessed", "Exchanges resumed at working level.", TWO_LINKS, "OFFICIAL", "eu-official", "yes", None,
         "no", a],
    ]
    recorded, as_of, note, update_id = rows[1][0], rows[1][1], rows[1][7], rows[1][14]
    assert (recorded.number_format, as_of.number_format) == ("dd mmm yyyy hh:mm", "dd mmm yyyy")
    assert (note.data_type, update_id.data_type) == ("s", "n")  # the formula-like note is text, never run


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_sensitive_note_and_its_evidence_show_only_to_those_who_may_read_them(
        client, history, analyst, eda_official, eu_official, reviewer, fmt):
    withheld = ["[withheld: OFFICIAL-SENSITIVE]", "" if fmt == "csv" else None]
    shown = ["The venue is disputed.", "Cable <https://example.org/cable>"]
    for user, expected in ((analyst, withheld), (eda_official, withheld), (eu_official, shown), (reviewer, shown)):
        client.force_login(user)
        rows = csv_table(client) if fmt == "csv" else [values(row) for row in xlsx_sheet(client)]
        sensitive = next(row for row in rows if row[9] == "OFFICIAL-SENSITIVE")
        assert sensitive[7:9] == expected, user.username


@pytest.mark.parametrize(("query", "expected"), [
    ({"ref": "14.1", "recorded_from": "2026-01-01"}, ["d", "b"]),
    ({"owner": "fcdo"}, ["c"]),
    ({"side": "EU", "status": "on_track"}, ["d", "b"]),
    ({"recorded_to": "2025-12-31"}, ["a"]),
])
def test_the_exports_list_the_updates_the_history_page_lists_for_the_same_filters(
        client, analyst, history, query, expected):
    client.force_login(analyst)
    ids = [history[name].pk for name in expected]
    page = client.get(reverse("reports:history"), query)
    assert [u.pk for u in page.context["page"].object_list] == ids
    assert [int(row[14]) for row in csv_table(client, **query)] == ids
    assert [row[14].value for row in xlsx_sheet(client, **query)] == ids


def test_xlsx_text_drops_control_characters_and_keeps_error_codes_as_text(client, analyst, eu_official, partnership):
    write("14.1", "EU", by=eu_official, at=datetime(2026, 1, 5, 8, 0, tzinfo=BRUSSELS), as_of=date(2026, 1, 5),
          status="in_progress", previous="not_assessed", note="Bell\x07 rang\x1b twice")
    write("14.1", "EU", by=eu_official, at=datetime(2026, 1, 6, 8, 0, tzinfo=BRUSSELS), as_of=date(2026, 1, 6),
          status="in_progress", previous="in_progress", note="#N/A")
    client.force_login(analyst)
    notes = [row[7] for row in xlsx_sheet(client)]
    assert [(n.value, n.data_type) for n in notes] == [("#N/A", "s"), ("Bell rang twice", "s")]
    assert [row[7] for row in csv_table(client)] == ["#N/A", "Bell\x07 rang\x1b twice"]


def test_the_changes_workbook_lists_the_updates_recorded_in_the_period_oldest_first(client, analyst, history):
    client.force_login(analyst)
    rows = xlsx_sheet(client, name="changes", sheet="Updates recorded", since="2025-12-01", until="2026-02-28")
    b, c = history["b"].pk, history["c"].pk
    assert [values(row) for row in rows] == [
        [datetime(2026, 1, 20, 9, 30), datetime(2026, 1, 20), "¶14.1", TITLE_14_1, "EU", "On track", "In progress",
         "[withheld: OFFICIAL-SENSITIVE]", None, "OFFICIAL-SENSITIVE", "eu-official", "yes", None, "no", b],
        [datetime(2026, 2, 10, 16, 45), datetime(2026, 2, 10), "¶12(a)", TITLE_12A, "UK", "At risk", "Not yet assessed",
         "=1+1 looks like a formula", None, "OFFICIAL", "uk-official", "no", None, "yes", c],
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_longer_history_takes_no_more_queries_to_export(client, analyst, eu_official, partnership, fmt):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("reports:history_export", args=[fmt]))
            b"".join(response.streaming_content)
        return len(captured.captured_queries)

    def add(count):
        for n in range(count):
            write("14.1", "EU", by=eu_official, at=datetime(2025, 10, 1, 8, n, tzinfo=BRUSSELS),
                  as_of=date(2025, 10, 1), status="in_progress", previous="in_progress", note=f"Entry {n}.",
                  evidence=[("Minute", "https://example.org/m")])

    client.force_login(analyst)
    add(2)
    few = queries()
    add(50)
    assert queries() == few


def test_an_outsider_gets_no_history_file(client, outsider, history):
    client.force_login(outsider)
    for fmt in ("csv", "xlsx"):
        assert client.get(reverse("reports:history_export", args=[fmt])).status_code == 403
