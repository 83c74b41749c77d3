"""Spreadsheet returns: an official downloads the organisation's return, fills it in offline and uploads it; the
tracker checks every row through the status service, shows a preview, and records nothing until the official
applies it, and then all of it or none.

Every expected message below is the wording the app promises in `returns/services.py`, `returns/spreadsheet.py`
and `commitments/services.py`; every row number is the spreadsheet's own, worked out from the downloaded sheet."""

import io
import random
import struct
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from django.utils.html import escape
from openpyxl import load_workbook

from commitments.models import Commitment, CommitmentSide, Marking, StatusUpdate
from commitments.services import commitment_update_status
from commitments.status import Status
from agreement.models import Organisation
from returns.models import Return
from returns.services import return_apply
from returns.spreadsheet import COLUMNS, MAX_BYTES, MAX_ROWS, SHEET, build_workbook
from tests.conftest import at_once, commitment, make_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAMES = [name for name, _ in COLUMNS]
AS_OF = date.today() - timedelta(days=3)  # a few days ago: neither in the future nor before adoption
ADOPTED = date(2025, 5, 19)
STATUS_CHOICES = [s.label for s in Status if s != Status.NOT_ASSESSED]


# --- helpers --------------------------------------------------------------------------------------------------


class ReturnSheet:
    """A downloaded return opened for editing, its cells addressed by column name."""

    def __init__(self, data: bytes):
        self.book = load_workbook(io.BytesIO(data))
        self.sheet = self.book[SHEET]
        self.header = next(r for r in range(1, 31) if self.sheet.cell(r, 1).value == "Commitment id")
        self.column = {name: index for index, name in enumerate(NAMES, start=1)}

    def header_names(self) -> list:
        return [self.sheet.cell(self.header, index).value for index in range(1, len(NAMES) + 1)]

    def data_rows(self) -> list[int]:
        return [r for r in range(self.header + 1, self.sheet.max_row + 1) if self.sheet.cell(r, 1).value is not None]

    def get(self, row: int, name: str):
        return self.sheet.cell(row, self.column[name]).value

    def fill(self, row: int, values: dict) -> int:
        for name, value in values.items():
            self.sheet.cell(row, self.column[name]).value = value
        return row

    def row_of(self, commitment: Commitment, side: str = "EU") -> int:
        found = [r for r in self.data_rows() if self.get(r, "Commitment id") == commitment.pk and self.get(r, "Side") == side]
        assert len(found) == 1, f"{commitment.reference} {side}: rows {found}"
        return found[0]

    def data(self) -> bytes:
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()


def download(client, slug: str = "eeas") -> bytes:
    response = client.get(f"/returns/download/{slug}.xlsx")
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    return response.content


def upload(client, data: bytes, name: str = "return.xlsx", content_type: str = XLSX):
    return client.post("/returns/upload/", {"file": SimpleUploadedFile(name, data, content_type=content_type)})


def upload_and_preview(client, data: bytes) -> tuple[Return, str]:
    """Upload, follow the redirect to the preview, and give the Return and the preview's HTML."""
    response = upload(client, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    match = resolve(response["Location"])
    assert match.url_name == "detail"
    record = Return.objects.get(pk=match.kwargs["pk"])
    page = client.get(response["Location"])
    assert page.status_code == 200
    return record, page.content.decode()


def apply_form(record: Return) -> str:
    return f'action="{reverse("returns:apply", args=[record.pk])}"'


def post_apply(client, record: Return):
    return client.post(reverse("returns:apply", args=[record.pk]), follow=True)


def record_status(commitment: Commitment, user, status, *, side: str = "EU", note: str = "", as_of: date = AS_OF):
    """An update recorded the ordinary way, through the status service."""
    commitment.refresh_from_db()
    return commitment_update_status(
        commitment=commitment, party_code=side, status=status, note=note, as_of=as_of, by=user,
        expected_version=commitment.version,
    )


def versions() -> dict[int, int]:
    return dict(Commitment.objects.values_list("pk", "version"))


def side_statuses() -> dict[int, str]:
    return dict(CommitmentSide.objects.values_list("pk", "status"))


def owned_sides(partnership, slug: str):
    return CommitmentSide.objects.filter(
        owners__organisation__slug=slug, commitment__paragraph__partnership=partnership
    ).select_related("party", "commitment__paragraph", "commitment__subparagraph").distinct()


def filled_eeas_return(client, ref: str = "11.1") -> bytes:
    """The signed-in official's return with one valid row filled in."""
    sheet = ReturnSheet(download(client))
    sheet.fill(sheet.row_of(commitment(ref)), {"New status": "In progress", "True as of": AS_OF})
    return sheet.data()


# --- round trip -----------------------------------------------------------------------------------------------


def test_round_trip_download_fill_preview_then_apply_records_normal_updates(client, partnership, eu_official):
    first, second = commitment("14.1"), commitment("11.1")
    # Give one side a status and a version other than the seed's, so the return has something to carry.
    earlier = record_status(first, eu_official, Status.IN_PROGRESS)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.version == 2

    client.force_login(eu_official)
    response = client.get("/returns/download/eeas.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert 'filename="return-eeas-' in response["Content-Disposition"]
    sheet = ReturnSheet(response.content)

    # One row per EU side the EEAS owns (lead or supporting), each with its current status and the version.
    assert sheet.header_names() == NAMES
    sides = {(s.commitment_id, s.party.code): s for s in owned_sides(partnership, "eeas")}
    assert sides and {code for _, code in sides} == {"EU"}
    rows = sheet.data_rows()
    keys = [(sheet.get(r, "Commitment id"), sheet.get(r, "Side")) for r in rows]
    assert len(keys) == len(set(keys)) == len(sides)
    assert set(keys) == set(sides)
    for r, key in zip(rows, keys):
        side = sides[key]
        assert sheet.get(r, "Ref") == side.commitment.reference
        assert sheet.get(r, "Commitment") == side.commitment.title
        assert sheet.get(r, "Current status") == Status(side.status).label
        assert sheet.get(r, "Version") == side.commitment.version
        assert all(sheet.get(r, name) is None for name in
                   ("New status", "Note", "Marking", "Evidence title", "Evidence address"))
        assert sheet.get(r, "True as of").date() == date.today()  # filled in with the day, as the form does
    first_row, second_row = sheet.row_of(first), sheet.row_of(second)
    assert sheet.get(first_row, "Current status") == "In progress"
    assert sheet.get(first_row, "Version") == 2

    # The header stays in view; New status and Marking offer their lists.
    assert sheet.sheet.freeze_panes == f"A{sheet.header + 1}"
    validations = sheet.sheet.data_validations.dataValidation
    status_list = [v for v in validations if v.type == "list" and "On track" in (v.formula1 or "")]
    marking_list = [v for v in validations if v.type == "list" and "OFFICIAL-SENSITIVE" in (v.formula1 or "")]
    assert len(status_list) == 1 and len(marking_list) == 1
    assert status_list[0].formula1.strip('"').split(",") == STATUS_CHOICES
    assert marking_list[0].formula1.strip('"').split(",") == [Marking.OFFICIAL, Marking.SENSITIVE]
    for r in rows:
        assert f"G{r}" in status_list[0].sqref
        assert f"J{r}" in marking_list[0].sqref

    # Fill two rows: one with a note and evidence, the other with an ISO date written as text.
    sheet.fill(first_row, {
        "New status": "On track", "Note": "The first consultations were held as planned.", "True as of": AS_OF,
        "Evidence title": "Joint press statement", "Evidence address": "https://www.eeas.europa.eu/statement-1",
    })
    sheet.fill(second_row, {"New status": "In progress", "True as of": AS_OF.isoformat()})
    updates_before, versions_before, statuses_before = StatusUpdate.objects.count(), versions(), side_statuses()
    second_side = CommitmentSide.objects.get(commitment=second, party__code="EU")

    record, html = upload_and_preview(client, sheet.data())

    assert html.count("Will be recorded") == 2
    assert f"<td>{first_row}</td>" in html and f"<td>{second_row}</td>" in html
    assert "cannot be applied" not in html
    assert apply_form(record) in html
    assert "Apply 2 updates" in html
    assert record.state == Return.State.PREVIEWED
    assert record.organisation.slug == "eeas" and record.uploaded_by == eu_official
    assert sorted((r["row"], r["error"], r["conflict"]) for r in record.rows) == sorted([(first_row, "", ""), (second_row, "", "")])
    # Nothing is recorded by the preview.
    assert StatusUpdate.objects.count() == updates_before
    assert versions() == versions_before
    assert side_statuses() == statuses_before

    response = post_apply(client, record)
    assert response.status_code == 200
    assert "2 updates recorded from the return." in response.content.decode()

    record.refresh_from_db()
    assert record.state == Return.State.APPLIED
    assert record.applied_count == 2
    assert record.applied_at is not None
    new = StatusUpdate.objects.exclude(pk=earlier.pk).select_related("side__party")
    assert new.count() == 2
    assert StatusUpdate.objects.count() == updates_before + 2
    by_commitment = {u.commitment_id: u for u in new}
    assert set(by_commitment) == {first.pk, second.pk}

    one = by_commitment[first.pk]
    assert one.created_by == eu_official
    assert one.side.party.code == "EU"
    assert one.status == Status.ON_TRACK
    assert one.previous_status == Status.IN_PROGRESS
    assert one.note == "The first consultations were held as planned."
    assert one.as_of == AS_OF
    assert one.marking == Marking.OFFICIAL
    assert one.corrects is None and not one.illustrative
    assert one.version_after == versions_before[first.pk] + 1
    assert [(e.title, e.url) for e in one.evidence.all()] == [("Joint press statement", "https://www.eeas.europa.eu/statement-1")]

    two = by_commitment[second.pk]
    assert two.created_by == eu_official
    assert two.side.party.code == "EU"
    assert two.status == Status.IN_PROGRESS
    assert two.previous_status == statuses_before[second_side.pk]
    assert two.note == ""
    assert two.as_of == AS_OF
    assert two.version_after == versions_before[second.pk] + 1
    assert not two.evidence.exists()

    after = versions()
    assert after[first.pk] == versions_before[first.pk] + 1
    assert after[second.pk] == versions_before[second.pk] + 1
    assert {pk: v for pk, v in after.items() if pk not in (first.pk, second.pk)} == \
        {pk: v for pk, v in versions_before.items() if pk not in (first.pk, second.pk)}
    assert CommitmentSide.objects.get(commitment=first, party__code="EU").status == Status.ON_TRACK
    assert CommitmentSide.objects.get(commitment=second, party__code="EU").status == Status.IN_PROGRESS

    # A normal history entry: the commitment's page shows it with its evidence link.
    page = client.get(first.get_absolute_url()).content.decode()
    assert "The first consultations were held as planned." in page
    assert 'href="https://www.eeas.europa.eu/statement-1"' in page and "Joint press statement" in page

    # Applied once: applying again records nothing more.
    html = client.get(record.get_absolute_url()).content.decode()
    assert apply_form(record) not in html
    response = post_apply(client, record)
    assert "This return has already been applied or discarded." in response.content.decode()
    assert StatusUpdate.objects.count() == updates_before + 2
    assert versions() == after
    record.refresh_from_db()
    assert record.state == Return.State.APPLIED and record.applied_count == 2


# --- bad rows -------------------------------------------------------------------------------------------------


@dataclass
class Ctx:
    sheet: ReturnSheet
    target: Commitment  # 14.1: EU side led by the EEAS, UK side by the FCDO
    row: int  # the target's row


@dataclass
class BadRow:
    edit: Callable[[Ctx], tuple[int, str]]  # fills the bad row, gives its row number and the message expected
    before: Callable | None = None  # run through the status service before the return is downloaded


def _fill(ctx: Ctx, **values) -> int:
    cells = {"New status": "In progress", "True as of": AS_OF}
    cells.update({name.replace("_", " ").capitalize(): value for name, value in values.items()})
    return ctx.sheet.fill(ctx.row, cells)


def _set(ctx: Ctx, row: int, cells: dict) -> int:
    return ctx.sheet.fill(row, {"New status": "In progress", "True as of": AS_OF, **cells})


def _repeated(ctx: Ctx):
    _set(ctx, ctx.row, {})
    later = ctx.sheet.data_rows()[-1]
    assert later > ctx.row
    _set(ctx, later, {"Commitment id": ctx.target.pk, "Side": "EU", "Version": ctx.target.version,
                      "New status": "On track"})
    return later, f"Repeats row {ctx.row} (the same commitment and side)."


def _side_not_bound(ctx: Ctx):
    one_sided = commitment("18.1")  # the EU's invitation: binds the EU side only, led by the EEAS
    assert [s.party.code for s in one_sided.sides.select_related("party")] == ["EU"]
    row = _set(ctx, ctx.sheet.row_of(one_sided), {"Side": "UK"})
    return row, f"{one_sided.reference} does not bind the “UK” side."


def _on_track_first(target, official):
    record_status(target, official, Status.ON_TRACK)


BAD_ROWS = {
    "unknown-status": BadRow(lambda c: (_set(c, c.row, {"New status": "Nearly there"}),
                                        "“Nearly there” is not a status: choose one from the list.")),
    "at-risk-without-note": BadRow(lambda c: (_set(c, c.row, {"New status": "At risk"}),
                                              "Note: Explain why the status is “at risk”.")),
    "backwards-without-note": BadRow(lambda c: (_set(c, c.row, {"New status": "Not started"}),
                                                "Note: Explain why the status moves back from “on track”."),
                                     before=_on_track_first),
    "missing-as-of": BadRow(lambda c: (_set(c, c.row, {"True as of": None}), "Give the date the status is true as of.")),
    "unparseable-date": BadRow(lambda c: (_set(c, c.row, {"True as of": "next Tuesday"}),
                                          "“next Tuesday” is not a date: write it as 2026-11-20.")),
    "future-date": BadRow(lambda c: (_set(c, c.row, {"True as of": date.today() + timedelta(days=5)}),
                                     "True as of: The date cannot be in the future.")),
    "before-adoption": BadRow(lambda c: (_set(c, c.row, {"True as of": ADOPTED - timedelta(days=1)}),
                                         "True as of: The date cannot be before the Partnership was adopted.")),
    "invalid-marking": BadRow(lambda c: (_set(c, c.row, {"Marking": "SECRET"}), "Marking: Choose a handling marking.")),
    "javascript-evidence": BadRow(lambda c: (_set(c, c.row, {"Evidence title": "Minutes",
                                                             "Evidence address": "javascript:alert(document.cookie)"}),
                                             "Evidence: Evidence links must be http:// or https:// addresses.")),
    "evidence-without-title": BadRow(lambda c: (_set(c, c.row, {"Evidence address": "https://www.gov.uk/report"}),
                                                "Evidence: Give each evidence link a title.")),
    "commitment-id-emptied": BadRow(lambda c: (_set(c, c.row, {"Commitment id": None}),
                                               "The Commitment id is missing or not a number: keep the column as downloaded.")),
    "commitment-id-not-a-number": BadRow(lambda c: (_set(c, c.row, {"Commitment id": "fourteen"}),
                                                    "The Commitment id is missing or not a number: keep the column as downloaded.")),
    "commitment-id-unknown": BadRow(lambda c: (_set(c, c.row, {"Commitment id": 999999}),
                                               "There is no commitment 999999 in this partnership.")),
    "version-emptied": BadRow(lambda c: (_set(c, c.row, {"Version": None}),
                                         "The Version is missing or not a number: keep the column as downloaded.")),
    "side-not-bound": BadRow(_side_not_bound),
    "same-commitment-and-side-twice": BadRow(_repeated),
}


@pytest.mark.parametrize("case", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_a_bad_row_is_shown_with_its_row_number_and_nothing_is_applied(client, partnership, eu_official, case):
    target, good = commitment("14.1"), commitment("11.1")
    if case.before:
        case.before(target, eu_official)
    target.refresh_from_db()
    client.force_login(eu_official)
    sheet = ReturnSheet(download(client))
    good_row = sheet.fill(sheet.row_of(good), {"New status": "In progress", "True as of": AS_OF})
    row, message = case.edit(Ctx(sheet, target, sheet.row_of(target)))
    assert row != good_row
    updates_before, versions_before, statuses_before = StatusUpdate.objects.count(), versions(), side_statuses()

    record, html = upload_and_preview(client, sheet.data())

    assert f"Row {row}: {escape(message)}" in html
    assert [(p["row"], p["error"]) for p in record.problems] == [(row, message)]
    assert "1 row cannot be applied" in html
    assert "Nothing will be recorded until every row passes" in html
    assert html.count("Will be recorded") == len(record.rows) - 1  # the good row still checks, yet waits
    assert apply_form(record) not in html
    assert 'href="javascript:' not in html
    assert StatusUpdate.objects.count() == updates_before
    assert versions() == versions_before and side_statuses() == statuses_before

    # Forcing the apply records nothing either.
    response = post_apply(client, record)
    assert "Nothing was applied" in response.content.decode()
    assert StatusUpdate.objects.count() == updates_before
    assert versions() == versions_before and side_statuses() == statuses_before
    record.refresh_from_db()
    assert record.state == Return.State.PREVIEWED


def test_every_bad_row_in_one_return_is_reported_at_once(client, partnership, eu_official):
    """Several faults in one file: each row is named with its own number and message; nothing is recorded."""
    client.force_login(eu_official)
    sheet = ReturnSheet(download(client))
    rows = sheet.data_rows()
    faults = [
        ({"New status": "Nearly there", "True as of": AS_OF}, "“Nearly there” is not a status: choose one from the list."),
        ({"New status": "Delayed", "True as of": AS_OF}, "Note: Explain why the status is “delayed”."),
        ({"New status": "Discontinued", "True as of": AS_OF}, "Note: Explain why the status is “discontinued”."),
        ({"New status": "On track", "True as of": None}, "Give the date the status is true as of."),
        ({"New status": "On track", "True as of": "31/02/2026"}, "“31/02/2026” is not a date: write it as 2026-11-20."),
        ({"New status": "On track", "True as of": date(2025, 1, 1)},
         "True as of: The date cannot be before the Partnership was adopted."),
        ({"New status": "On track", "True as of": AS_OF, "Evidence title": "x", "Evidence address": "ftp://example.org/f"},
         "Evidence: Evidence links must be http:// or https:// addresses."),
        ({"New status": "On track", "True as of": AS_OF, "Version": "two"},
         "The Version is missing or not a number: keep the column as downloaded."),
    ]
    used = rows[: len(faults)]
    for row, (cells, _) in zip(used, faults):
        sheet.fill(row, cells)
    updates_before = StatusUpdate.objects.count()

    record, html = upload_and_preview(client, sheet.data())

    assert f"{len(faults)} rows cannot be applied" in html
    for row, (_, message) in zip(used, faults):
        assert f"Row {row}: {escape(message)}" in html
    assert sorted((p["row"], p["error"]) for p in record.problems) == sorted(
        (row, message) for row, (_, message) in zip(used, faults))
    assert "Will be recorded" not in html
    assert apply_form(record) not in html
    assert StatusUpdate.objects.count() == updates_before


# --- conflicts ------------------------------------------------------------------------------------------------


def test_every_mistake_in_one_row_is_told_at_once(client, partnership, eu_official):
    client.force_login(eu_official)
    sheet = ReturnSheet(download(client))
    row = sheet.fill(sheet.row_of(commitment("14.1")), {"New status": "At risk", "True as of": "next Tuesday", "Note": ""})
    record, html = upload_and_preview(client, sheet.data())
    [problem] = record.problems
    assert problem["row"] == row
    assert problem["error"] == ("“next Tuesday” is not a date: write it as 2026-11-20. "
                                "Note: Explain why the status is “at risk”.")


def test_a_row_changed_by_a_colleague_since_download_is_a_conflict_naming_them(client, partnership, eu_official):
    target, other = commitment("14.1"), commitment("11.1")
    colleague = make_user("eeas-colleague", organisation="eeas", is_official=True, first_name="Ana", last_name="Colleague")
    client.force_login(eu_official)
    sheet = ReturnSheet(download(client))
    target_row, other_row = sheet.row_of(target), sheet.row_of(other)
    downloaded_version = sheet.get(target_row, "Version")

    record_status(target, colleague, Status.ON_TRACK)  # meanwhile, a colleague updates the same commitment
    target.refresh_from_db()
    assert target.version == downloaded_version + 1

    sheet.fill(target_row, {"New status": "In progress", "True as of": AS_OF})
    sheet.fill(other_row, {"New status": "In progress", "True as of": AS_OF})
    updates_before, versions_before = StatusUpdate.objects.count(), versions()

    record, html = upload_and_preview(client, sheet.data())

    [problem] = record.problems
    assert problem["row"] == target_row and problem["error"] == ""
    assert problem["conflict"].startswith(
        f"Changed since this return was downloaded (version {downloaded_version}, now {target.version}): "
        "EU set to “on track” by Ana Colleague on ")
    assert f"Row {target_row}: conflict. Changed since this return was downloaded" in html
    assert "Ana Colleague" in html
    assert html.count("Will be recorded") == 1
    assert apply_form(record) not in html
    assert StatusUpdate.objects.count() == updates_before
    assert versions() == versions_before
    assert CommitmentSide.objects.get(commitment=target, party__code="EU").status == Status.ON_TRACK


def test_a_colleague_updating_between_preview_and_apply_makes_apply_refuse_everything(client, partnership, eu_official):
    target, other = commitment("14.1"), commitment("11.1")
    colleague = make_user("eeas-colleague", organisation="eeas", is_official=True, first_name="Ana", last_name="Colleague")
    client.force_login(eu_official)
    sheet = ReturnSheet(download(client))
    target_row, other_row = sheet.row_of(target), sheet.row_of(other)
    sheet.fill(other_row, {"New status": "In progress", "True as of": AS_OF})  # comes first in the sheet
    sheet.fill(target_row, {"New status": "On track", "True as of": AS_OF})
    assert other_row < target_row

    record, html = upload_and_preview(client, sheet.data())
    assert html.count("Will be recorded") == 2 and apply_form(record) in html

    colleague_update = record_status(target, colleague, Status.IN_PROGRESS)
    updates_before, versions_before, statuses_before = StatusUpdate.objects.count(), versions(), side_statuses()

    response = post_apply(client, record)
    html = response.content.decode()

    assert "Nothing was applied: some rows no longer pass (see below). Download a fresh return." in html
    assert StatusUpdate.objects.count() == updates_before  # not even the row that still passes
    assert versions() == versions_before and side_statuses() == statuses_before
    assert not StatusUpdate.objects.filter(created_by=eu_official).exists()
    record.refresh_from_db()
    assert record.state == Return.State.PREVIEWED and record.applied_at is None
    [problem] = record.problems
    assert problem["row"] == target_row
    assert "by Ana Colleague on " in problem["conflict"]
    assert f"Row {target_row}: conflict. Changed since this return was downloaded" in html
    assert apply_form(record) not in html
    assert StatusUpdate.objects.filter(commitment=target).get() == colleague_update


# --- rows for another organisation -----------------------------------------------------------------------------


def test_rows_of_another_organisations_return_are_refused(client, partnership, eu_official, administrator):
    fcdo = Organisation.objects.get(slug="fcdo")
    sheet = ReturnSheet(build_workbook(fcdo, partnership, produced_by=administrator.username))
    rows = sheet.data_rows()[:3]
    assert {sheet.get(r, "Side") for r in rows} == {"UK"}
    for r in rows:
        sheet.fill(r, {"New status": "In progress", "True as of": AS_OF})
    client.force_login(eu_official)
    updates_before, versions_before = StatusUpdate.objects.count(), versions()

    record, html = upload_and_preview(client, sheet.data())

    assert record.organisation.slug == "eeas"
    assert len(record.problems) == len(rows) == len(record.rows)
    for r in rows:
        ref = sheet.get(r, "Ref")
        assert f"Row {r}: Refused: EEAS does not own the UK side of {ref}." in html
    assert "Will be recorded" not in html
    assert apply_form(record) not in html
    assert post_apply(client, record).status_code == 200
    assert StatusUpdate.objects.count() == updates_before and versions() == versions_before


def test_rows_edited_to_point_at_a_side_the_eeas_does_not_own_are_refused(client, partnership, eu_official):
    both, elsewhere = commitment("14.1"), commitment("19.1")  # 19.1: the EU side is the EEAS Crisis Response Centre's
    assert not CommitmentSide.objects.filter(commitment=elsewhere, party__code="EU", owners__organisation__slug="eeas").exists()
    client.force_login(eu_official)
    sheet = ReturnSheet(download(client))
    side_row = sheet.fill(sheet.row_of(both), {"Side": "UK", "New status": "In progress", "True as of": AS_OF})
    other = next(r for r in sheet.data_rows() if r != side_row)
    id_row = sheet.fill(other, {"Commitment id": elsewhere.pk, "Version": elsewhere.version,
                                "New status": "In progress", "True as of": AS_OF})
    updates_before, versions_before = StatusUpdate.objects.count(), versions()

    record, html = upload_and_preview(client, sheet.data())

    assert f"Row {side_row}: Refused: EEAS does not own the UK side of {both.reference}." in html
    assert f"Row {id_row}: Refused: EEAS does not own the EU side of {elsewhere.reference}." in html
    assert sorted(p["row"] for p in record.problems) == sorted([side_row, id_row])
    assert apply_form(record) not in html
    post_apply(client, record)
    assert StatusUpdate.objects.count() == updates_before and versions() == versions_before


def test_an_official_cannot_download_view_apply_or_discard_another_organisations_return(
    client, partnership, eu_official, uk_official
):
    client.force_login(eu_official)
    assert client.get("/returns/download/fcdo.xlsx").status_code == 403
    assert client.get("/returns/download/no-such-body.xlsx").status_code == 404

    client.force_login(uk_official)
    sheet = ReturnSheet(download(client, "fcdo"))
    sheet.fill(sheet.row_of(commitment("14.1"), "UK"), {"New status": "In progress", "True as of": AS_OF})
    record, html = upload_and_preview(client, sheet.data())
    assert apply_form(record) in html
    updates_before = StatusUpdate.objects.count()

    client.force_login(eu_official)
    assert client.get(record.get_absolute_url()).status_code == 403
    assert client.post(reverse("returns:apply", args=[record.pk])).status_code == 403
    assert client.post(reverse("returns:discard", args=[record.pk])).status_code == 403
    assert StatusUpdate.objects.count() == updates_before
    record.refresh_from_db()
    assert record.state == Return.State.PREVIEWED
    assert f'href="{record.get_absolute_url()}"' not in client.get("/returns/").content.decode()


def test_an_administrator_follows_another_organisations_return_but_cannot_apply_or_discard_it(
    client, partnership, eu_official, administrator
):
    client.force_login(eu_official)
    record, _ = upload_and_preview(client, filled_eeas_return(client))
    client.force_login(administrator)
    page = client.get(record.get_absolute_url())
    assert page.status_code == 200 and apply_form(record) not in page.content.decode()
    assert client.post(reverse("returns:apply", args=[record.pk])).status_code == 403
    assert client.post(reverse("returns:discard", args=[record.pk])).status_code == 403
    record.refresh_from_db()
    assert record.state == Return.State.PREVIEWED


@pytest.mark.django_db(transaction=True)
def test_of_two_applies_at_once_one_applies_and_the_other_is_told_and_the_applied_rows_stay(
    client, partnership, eu_official
):
    client.force_login(eu_official)
    record, _ = upload_and_preview(client, filled_eeas_return(client))
    applied_rows = Return.objects.get(pk=record.pk).rows
    updates_before = StatusUpdate.objects.count()

    def apply():
        try:
            return return_apply(Return.objects.get(pk=record.pk), by=eu_official)[0]
        except ValidationError as error:
            return error.messages[0]

    results = at_once(apply)

    assert sorted(results, key=str) == ["This return has already been applied or discarded.", True]
    record.refresh_from_db()
    assert record.state == Return.State.APPLIED and record.applied_count == 1
    assert record.rows == applied_rows and record.problems == []
    assert StatusUpdate.objects.count() == updates_before + 1


# --- malformed uploads ----------------------------------------------------------------------------------------


NOT_XLSX = "This is not an Excel workbook (.xlsx). Download the return, fill it in and upload it."
TOO_BIG = "The file is larger than 5 MB; a return is much smaller."
UNREADABLE = "The workbook cannot be read ("


def _rewrite_zip(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """The same zip with each member passed through `change` (None drops it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info.filename))
            if content is not None:
                target.writestr(info.filename, content)
    return out.getvalue()


def _corrupt_member(data: bytes, member: str) -> bytes:
    """Scramble the compressed bytes of one member in place: the zip's directory stays intact."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26: info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length
    damaged = bytearray(data)
    for index in range(start + 10, start + min(info.compress_size - 10, 200)):
        damaged[index] ^= 0x5A
    return bytes(damaged)


def _sheet_member(data: bytes) -> str:
    return next(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("xl/worksheets/sheet"))


def _random_bytes(_):
    data = random.Random(2026).randbytes(64 * 1024)
    assert not data.startswith(b"PK")
    return data


def _without_return_sheet(sheet: ReturnSheet) -> bytes:
    sheet.sheet.title = "Sheet1"
    return sheet.data()


def _columns_changed(sheet: ReturnSheet) -> bytes:
    sheet.sheet.cell(sheet.header, NAMES.index("New status") + 1).value = "Status"
    return sheet.data()


def _columns_reordered(sheet: ReturnSheet) -> bytes:
    sheet.sheet.cell(sheet.header, NAMES.index("Note") + 1).value = "True as of"
    sheet.sheet.cell(sheet.header, NAMES.index("True as of") + 1).value = "Note"
    return sheet.data()


def _header_gone(sheet: ReturnSheet) -> bytes:
    sheet.sheet.cell(sheet.header, 1).value = "Id"
    return sheet.data()


def _too_many_rows(sheet: ReturnSheet) -> bytes:
    last = sheet.data_rows()[-1]
    for r in range(last + 1, sheet.header + MAX_ROWS + 2):  # MAX_ROWS + 1 rows under the header
        sheet.sheet.cell(r, 1).value = 10_000 + r
        sheet.sheet.cell(r, 4).value = "EU"
    return sheet.data()


MALFORMED = {
    # (how the upload is made from a real filled-in return, the file name, the message the page must show)
    "empty-file": (lambda real, sheet: b"", "return.xlsx", "The submitted file is empty."),
    "over-5-MB-of-zeros": (lambda real, sheet: b"\0" * (MAX_BYTES + 1), "return.xlsx", TOO_BIG),
    "valid-return-padded-past-the-limit": (lambda real, sheet: real + b"\0" * (MAX_BYTES - len(real) + 1),
                                           "return.xlsx", TOO_BIG),
    "pdf": (lambda real, sheet: b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n", "return.pdf", NOT_XLSX),
    "csv": (lambda real, sheet: ("Commitment id,Ref,Side,New status\n" + "12,¶14.1,EU,On track\n").encode(),
            "return.csv", NOT_XLSX),
    "random-bytes": (lambda real, sheet: _random_bytes(real), "return.xlsx", NOT_XLSX),
    "truncated-xlsx": (lambda real, sheet: real[: len(real) // 2], "return.xlsx", NOT_XLSX),
    "zip-that-is-no-workbook": (lambda real, sheet: _rewrite_zip(real, lambda n, c: c if n.startswith("xl/worksheets") else None),
                                "return.xlsx", UNREADABLE),
    "xlsx-with-scrambled-sheet-data": (lambda real, sheet: _corrupt_member(real, _sheet_member(real)), "return.xlsx", UNREADABLE),
    "xlsx-with-broken-sheet-xml": (lambda real, sheet: _rewrite_zip(
        real, lambda n, c: c[: len(c) // 2] if n == _sheet_member(real) else c), "return.xlsx", UNREADABLE),
    "no-return-sheet": (lambda real, sheet: _without_return_sheet(sheet), "return.xlsx",
                        "The workbook has no sheet named “Return”: upload the return as downloaded."),
    "header-column-renamed": (lambda real, sheet: _columns_changed(sheet), "return.xlsx",
                              "the columns have been changed; expected " + ", ".join(NAMES) + "."),
    "header-columns-swapped": (lambda real, sheet: _columns_reordered(sheet), "return.xlsx",
                               "the columns have been changed; expected " + ", ".join(NAMES) + "."),
    "header-row-missing": (lambda real, sheet: _header_gone(sheet), "return.xlsx",
                           "No header row starting “Commitment id” was found: upload the return as downloaded."),
    "no-row-filled-in": (None, "return.xlsx", "No row has a New status: fill in the rows that changed, then upload again."),
    "more-rows-than-the-limit": (lambda real, sheet: _too_many_rows(sheet), "return.xlsx",
                                 f"The return has more than {MAX_ROWS} rows; it cannot be a return of this tracker."),
}


@pytest.mark.parametrize(("make", "name", "message"), MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_upload_is_answered_400_with_a_clear_message_and_no_return(
    client, partnership, eu_official, make, name, message
):
    client.force_login(eu_official)
    blank = download(client)
    real = filled_eeas_return(client)
    data = blank if make is None else make(real, ReturnSheet(real))
    returns_before, updates_before = Return.objects.count(), StatusUpdate.objects.count()

    response = upload(client, data, name=name, content_type="application/octet-stream")

    assert response.status_code == 400
    html = response.content.decode()
    assert escape(message) in html
    assert 'class="error-summary"' in html and 'There is a problem' in html
    if message == UNREADABLE:
        assert "save it again as .xlsx." in html
    if "columns have been changed" in message:
        sheet = ReturnSheet(real)
        assert f"Row {sheet.header}: {escape(message)}" in html
    assert Return.objects.count() == returns_before
    assert StatusUpdate.objects.count() == updates_before


def test_an_upload_without_a_file_is_answered_400(client, partnership, eu_official):
    client.force_login(eu_official)
    response = client.post("/returns/upload/", {})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Return.objects.exists()


def test_a_return_of_exactly_max_rows_is_read(client, partnership, eu_official):
    """The limit is on more than MAX_ROWS: a sheet of exactly that many rows is still a return."""
    client.force_login(eu_official)
    sheet = ReturnSheet(filled_eeas_return(client))
    last = sheet.data_rows()[-1]
    for r in range(last + 1, sheet.header + MAX_ROWS + 1):
        sheet.sheet.cell(r, 1).value = 10_000 + r
        sheet.sheet.cell(r, 4).value = "EU"
    record, html = upload_and_preview(client, sheet.data())
    assert len(record.rows) == 1 and not record.problems
    assert apply_form(record) in html


# --- who may do what ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["analyst", "reviewer", "outsider"])
def test_non_officials_may_not_use_returns(client, request, partnership, eu_official, persona):
    client.force_login(eu_official)
    data = filled_eeas_return(client)
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/returns/").status_code == 403
    assert client.post("/returns/upload/", {"file": SimpleUploadedFile("return.xlsx", data, content_type=XLSX)}).status_code == 403
    assert client.get("/returns/download/eeas.xlsx").status_code == 403
    assert not Return.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, partnership):
    login = reverse("login")
    for response in (client.get("/returns/"), client.get("/returns/download/eeas.xlsx"),
                     client.post("/returns/upload/", {"file": SimpleUploadedFile("return.xlsx", b"PK", content_type=XLSX)})):
        assert response.status_code == 302
        assert response["Location"].startswith(f"{login}?next=/returns/")
    assert not Return.objects.exists()


def _board_row(html: str, organisation: Organisation) -> str:
    start = html.index(f'<th scope="row">{escape(organisation.name)} <span class="side-code">{organisation.party.code}</span>')
    return html[start: html.index("</tr>", start)]


def test_the_administrator_sees_who_has_returned(client, partnership, eu_official, administrator):
    owners = list(Organisation.objects.filter(
        ownerships__side__commitment__paragraph__partnership=partnership).select_related("party").distinct())
    eeas, fcdo = Organisation.objects.get(slug="eeas"), Organisation.objects.get(slug="fcdo")
    assert {eeas, fcdo} <= set(owners)

    client.force_login(administrator)
    html = client.get("/returns/").content.decode()
    assert "Who has returned" in html
    assert f"<strong>0 of {len(owners)}</strong>" in html
    for organisation in owners:
        row = _board_row(html, organisation)
        assert "Not yet" in row and "never" in row
        assert f'href="/returns/download/{organisation.slug}.xlsx?partnership={partnership.slug}"' in row
    assert html.count('<th scope="row">') == len(owners)

    client.force_login(eu_official)
    record, _ = upload_and_preview(client, filled_eeas_return(client))
    post_apply(client, record)
    record.refresh_from_db()
    assert record.state == Return.State.APPLIED

    client.force_login(administrator)
    html = client.get("/returns/").content.decode()
    assert f"<strong>1 of {len(owners)}</strong>" in html
    assert "Yes" in _board_row(html, eeas) and "Not yet" not in _board_row(html, eeas)
    assert "Not yet" in _board_row(html, fcdo) and "never" in _board_row(html, fcdo)


def test_the_administrator_may_download_any_return_but_not_upload(client, partnership, eu_official, administrator):
    client.force_login(eu_official)
    data = filled_eeas_return(client)
    client.force_login(administrator)
    for slug in ("eeas", "fcdo"):
        sheet = ReturnSheet(download(client, slug))
        expected = {(s.commitment_id, s.party.code) for s in owned_sides(partnership, slug)}
        assert {(sheet.get(r, "Commitment id"), sheet.get(r, "Side")) for r in sheet.data_rows()} == expected
    assert {sheet.get(r, "Side") for r in sheet.data_rows()} == {"UK"}
    response = client.post("/returns/upload/", {"file": SimpleUploadedFile("return.xlsx", data, content_type=XLSX)})
    assert response.status_code == 403
    assert not Return.objects.exists()


def test_the_administrator_may_view_a_return_but_not_apply_it(client, partnership, eu_official, administrator):
    client.force_login(eu_official)
    record, _ = upload_and_preview(client, filled_eeas_return(client))
    client.force_login(administrator)
    page = client.get(record.get_absolute_url())
    assert page.status_code == 200
    assert apply_form(record) not in page.content.decode()
    assert client.post(reverse("returns:apply", args=[record.pk])).status_code == 403
    record.refresh_from_db()
    assert record.state == Return.State.PREVIEWED
    assert not StatusUpdate.objects.filter(created_by=eu_official).exists()


# --- discard --------------------------------------------------------------------------------------------------


def test_a_discarded_return_cannot_be_applied(client, partnership, eu_official):
    client.force_login(eu_official)
    record, html = upload_and_preview(client, filled_eeas_return(client))
    discard_form = f'action="{reverse("returns:discard", args=[record.pk])}"'
    assert discard_form in html
    updates_before, versions_before = StatusUpdate.objects.count(), versions()

    response = client.post(reverse("returns:discard", args=[record.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("returns:index")
    assert "The return has been discarded; nothing was applied." in response.content.decode()
    record.refresh_from_db()
    assert record.state == Return.State.DISCARDED

    html = client.get(record.get_absolute_url()).content.decode()
    assert "Discarded" in html
    assert apply_form(record) not in html and discard_form not in html

    response = post_apply(client, record)
    assert "This return has already been applied or discarded." in response.content.decode()
    record.refresh_from_db()
    assert record.state == Return.State.DISCARDED and record.applied_at is None
    assert StatusUpdate.objects.count() == updates_before and versions() == versions_before
