"""In real Chromium: an analyst filters the list, downloads Excel and PDF, makes an API token and uses it."""

import io
import json
import urllib.request

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from commitments.models import Commitment
from reports.models import GeneratedPdf
from reports.pdfs import pdf_render

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_analyst_downloads_the_filtered_list_and_reads_it_by_script(partnership, analyst, live_server, sign_in, assert_accessible):
    page = sign_in(analyst)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Commitments", exact=True).click()
    page.get_by_label("Strength").select_option("exploratory")
    page.get_by_label("Binds side").select_option("UK")
    page.get_by_role("button", name="Apply").click()
    expected = sorted(Commitment.objects.filter(strength="exploratory", sides__party__code="UK").values_list("ref", flat=True))
    expect(page.get_by_role("status")).to_contain_text(f"{len(expected)} commitment")
    assert_accessible(page)

    with page.expect_download() as xlsx:
        page.get_by_role("link", name="Excel").click()
    book = load_workbook(io.BytesIO(open(xlsx.value.path(), "rb").read()))
    sheet = book["Commitments"]
    header_row = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "Ref")
    refs = sorted(sheet.cell(r, 1).value.lstrip("¶").replace("(", "").replace(")", "") for r in range(header_row + 1, sheet.max_row + 1))
    assert refs == sorted(expected)
    assert "Strength: Exploratory" in next(sheet.cell(r, 2).value for r in range(1, 8) if sheet.cell(r, 1).value == "Filters")

    # The PDF is prepared in the background: a page says so and refreshes itself until it is ready.
    page.get_by_role("link", name="PDF").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("The commitment list")
    expect(page.get_by_role("status")).to_contain_text("The PDF is being prepared")
    assert_accessible(page)
    assert pdf_render(GeneratedPdf.objects.get().pk)  # as the worker does
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download the PDF").click()  # there once the page has refreshed itself
    text = "".join(p.extract_text() for p in PdfReader(pdf.value.path()).pages)
    assert f"{len(expected)} commitment" in text and "Produced by" in text

    page.get_by_role("navigation", name="Main").get_by_role("link", name="API").click()
    page.get_by_label("Name").fill("quarterly report script")
    page.get_by_role("button", name="Make the token").click()
    key = page.get_by_label("New API key").input_value()
    assert key.startswith("pt_")
    assert_accessible(page)

    request = urllib.request.Request(
        f"{live_server.url}/api/commitments/?strength=exploratory&side=UK&page_size=1000",
        headers={"Authorization": f"Bearer {key}", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        body = json.load(response)
    assert sorted(c["ref"] for c in body["results"]) == sorted(expected)
