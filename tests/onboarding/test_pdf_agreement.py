"""A PDF the suite builds itself with WeasyPrint (tests/onboarding/pdf_agreement.py) and reads back with pypdf:
headings, footnotes set at the foot of the page, page breaks inside a paragraph and furniture on every page.
And what is not a readable PDF is refused with a message, never an error page."""

import io
from datetime import date

import pytest
from pypdf import PdfWriter

from agreement.importer import save_agreement
from agreement.parsing import AgreementFormatError
from agreement.reading import read_agreement
from tests.onboarding.pdf_agreement import freedonia_pdf


@pytest.fixture(scope="module")
def reading():
    return read_agreement(freedonia_pdf())


def test_the_title_date_place_and_parties_are_read_from_the_pdf(reading):
    agreement = reading.agreement
    assert agreement.title == "Security and Defence Partnership between the European Union and the Republic of Freedonia"
    assert (agreement.parties, agreement.adopted_on, agreement.place) == (
        ["European Union", "Republic of Freedonia"], date(2026, 3, 3), "Brussels")
    assert reading.preview.doubts == []


def test_roman_numbered_headings_are_parts_and_the_plain_ones_under_them_areas(reading):
    assert [(part.title, [area.title for area in part.areas]) for part in reading.agreement.parts] == [
        ("Context", []), ("Areas of cooperation", ["Maritime security", "Cyber security"]), ("Way forward", [])]
    assert [(h.title, h.level, h.form) for h in reading.preview.headings][1:3] == [
        ("Areas of cooperation", "part", "roman"), ("Maritime security", "area", "plain")]


def test_a_paragraph_over_a_page_break_is_whole_and_the_furniture_is_dropped(reading):
    assert reading.agreement.paragraphs[1].text == (
        "Freedonia has contributed to EU missions and operations since 2021, and its officers have served in the "
        "headquarters of several of them, in the Mediterranean and beyond, alongside those of the Member States and "
        "of other partners of the Union, to the benefit of the security of all.")
    dropped = {(d.text, d.why) for d in reading.preview.dropped}
    assert dropped == {("LIMITE", "page furniture: it recurs on 4 pages")} | {
        (f"ST 9876/26 {page}", "page furniture: it recurs on 4 pages") for page in range(1, 5)}


def test_footnotes_at_the_foot_of_the_page_go_with_the_paragraphs_that_call_them(reading):
    first, fourth = reading.agreement.paragraphs[0], reading.agreement.paragraphs[3]
    assert "secure neighbourhood.¹ They will work together" in first.text
    assert [(n.marker, n.text) for n in first.footnotes] == [
        ("1", "This Partnership is without prejudice to the Association Agreement between the EU and Freedonia.")]
    assert [(s.label, s.text) for s in fourth.subparagraphs] == [
        ("a", "on exchanges of information on threats, held six-monthly; and"), ("b", "on capacity building in the region.²")]
    assert [(n.marker, n.text) for n in fourth.footnotes] == [("2", "Including through the EU Cyber Diplomacy Toolbox.")]


def test_every_line_of_the_preview_has_its_page(reading):
    assert [line.page for line in reading.preview.lines if line.text == "LIMITE"] == [1, 2, 3, 4]
    assert reading.preview.page_of(reading.agreement.paragraphs[4].line) == 4


def test_the_pdf_imports_and_imports_again_unchanged(db):
    first = save_agreement(read_agreement(freedonia_pdf()).agreement, short_title="EU–Freedonia Partnership")
    assert first[1] == "created"
    assert sorted(first[0].parties.values_list("code", flat=True)) == ["EU", "RF"]
    assert save_agreement(read_agreement(freedonia_pdf()).agreement, short_title="EU–Freedonia Partnership") == (
        first[0], "unchanged")


def _encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(("data", "message"), [
    (b"%PDF-1.7\n\x00\x01 this is not a PDF at all", "line 1: not a readable PDF; check the file, or paste the agreement's text"),
    (_blank_pdf(), "line 1: the PDF has no text layer (a scan?)"),
    (_encrypted_pdf(), "line 1: the PDF is encrypted; upload a copy without a password"),
    (b"", "line 1: the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "line 3: binary data"),
])
def test_what_is_not_a_readable_agreement_is_refused_with_a_message(data, message):
    with pytest.raises(AgreementFormatError) as error:
        read_agreement(data)
    assert message in str(error.value)
