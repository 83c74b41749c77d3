"""In real Chromium: a reviewer works from the SDD briefing pack; an official sends a spreadsheet return."""

import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from commitments.models import Commitment, StatusUpdate
from dialogues import services
from dialogues.models import Assessment, DialogueSeries
from reports.models import GeneratedPdf
from reports.pdfs import pdf_render

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_opens_the_sdd_pack_records_two_assessments_and_waits_for_the_pdf(
    partnership, reviewer, live_server, sign_in, assert_accessible, screenshot
):
    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    meeting = services.meeting_create(series=sdd, date=date.today() + timedelta(days=40), place="London", by=reviewer)
    page = sign_in(reviewer)
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    page.get_by_role("link", name="Briefing pack").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Briefing pack")
    expect(page.get_by_text("commitments reviewed")).to_be_visible()
    assert_accessible(page)
    screenshot("sdd-briefing-pack")

    for ref, verdict, rationale in (("14.1", "Off track", "No exchange held yet."), ("19.1", "Insufficient evidence", "No reports.")):
        commitment = Commitment.objects.get(ref=ref)
        page.get_by_role("link", name="Show every area on one page").click()  # one area a page until asked
        page.locator(f"#c{commitment.pk}").get_by_role("link", name=re.compile("Assess")).click()
        page.get_by_label(verdict).check()
        page.get_by_label("Rationale").fill(rationale)
        assert_accessible(page)
        page.get_by_role("button", name="Record the assessment").click()
        expect(page.locator(f"#c{commitment.pk}")).to_contain_text(verdict)
    assert Assessment.objects.filter(meeting=meeting).count() == 2

    # The PDF is prepared in the background: a page says so and refreshes itself until it is ready.
    page.get_by_role("link", name="Download the PDF").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Briefing pack PDF")
    status = page.get_by_role("main").get_by_role("status")
    expect(status).to_contain_text("being prepared")
    page.set_viewport_size({"width": 375, "height": 740})
    assert_accessible(page)
    screenshot("sdd-briefing-pack-pdf-waiting-phone")
    assert pdf_render(GeneratedPdf.objects.get().pk)  # as the worker does
    expect(status).to_contain_text("ready", timeout=10_000)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    text = "".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert "Briefing pack" in text and "No exchange held yet." in text


def test_an_official_uploads_a_return_reads_the_preview_and_applies_it(
    partnership, eu_official, live_server, sign_in, assert_accessible, tmp_path
):
    page = sign_in(eu_official)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Returns").click()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your return").click()
    downloaded = tmp_path / download.value.suggested_filename
    download.value.save_as(downloaded)
    assert downloaded.suffix == ".xlsx"
    book = load_workbook(downloaded)
    sheet = book["Return"]
    header = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "Commitment id")
    names = [sheet.cell(header, c).value for c in range(1, 13)]
    first, second = header + 1, header + 2
    # A first return: New status (and a note) only; True as of comes filled in with the day.
    for row, status, note in ((first, "On track", "Held as planned."), (second, "Nearly there", "")):
        sheet.cell(row, names.index("New status") + 1).value = status
        sheet.cell(row, names.index("Note") + 1).value = note
    path = tmp_path / "return.xlsx"
    book.save(path)

    page.get_by_label("Your filled-in return (.xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Return of European External Action Service")
    # The one bad row leads the page, focused, and links to its row.
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    summary.get_by_role("link", name=re.compile(f"^Row {second} ")).click()
    assert page.url.endswith(f"#row-{second}")
    expect(page.locator(f"#row-{second}")).to_be_in_viewport()
    expect(page.get_by_role("button", name=re.compile("^Apply"))).to_have_count(0)

    sheet.cell(second, names.index("New status") + 1).value = "In progress"
    book.save(path)
    page.get_by_role("link", name="Returns").first.click()
    page.get_by_label("Your filled-in return (.xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_text("Will be recorded")).to_have_count(2)
    assert not StatusUpdate.objects.exists()  # nothing until confirmed
    assert not page.title().startswith("Error")
    assert_accessible(page)

    page.get_by_role("button", name="Apply 2 updates").click()
    expect(page.get_by_role("status").first).to_contain_text("2 updates recorded")
    expect(page.get_by_text(re.compile("^✓ Recorded$"))).to_have_count(2)
    expect(page.get_by_text("Will be recorded")).to_have_count(0)
    assert StatusUpdate.objects.filter(created_by=eu_official).count() == 2
    assert {u.as_of for u in StatusUpdate.objects.all()} == {date.today()}
