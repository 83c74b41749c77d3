"""The reader of real agreements reads the texts `parse_agreement` reads exactly as it does: the EU–UK seed (62
paragraphs, its parts, areas, footnote and sub-paragraphs, line for line), hard-wrapped copies of it and the
importer's small test agreement."""

import textwrap

import pytest

from agreement.importer import save_agreement
from agreement.parsing import parse_agreement
from agreement.reading import Overrides, read_agreement, read_text
from tests.partnership.test_importer import MINI
from tests.partnership.test_text_fidelity import SEED


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def test_the_seed_reads_to_exactly_what_parse_agreement_gives():
    reading = read_text(seed_text())
    assert reading.agreement == parse_agreement(seed_text())
    assert len(reading.agreement.paragraphs) == 62
    assert [part.title for part in reading.agreement.parts] == [
        "Preamble", "General framework", "Areas of Cooperation", "Way Forward"]
    assert sum(len(part.areas) for part in reading.agreement.parts) == 21
    assert reading.agreement.paragraphs[2].footnotes[0].marker == "1"
    assert [sub.label for sub in reading.agreement.paragraphs[11].subparagraphs] == list("abcdef")


def test_the_seed_read_from_bytes_is_the_same_and_the_preview_has_nothing_to_report():
    reading = read_agreement(SEED.read_bytes())
    assert reading.agreement == parse_agreement(seed_text())
    assert (reading.preview.doubts, reading.preview.repairs, reading.preview.dropped, reading.preview.redactions) == (
        [], [], [], [])
    assert reading.preview.title_lines == [5, 6, 7, 8, 9, 10]
    assert [(h.title, h.level) for h in reading.preview.headings[:3]] == [
        ("General framework", "part"), ("Areas of Cooperation", "part"), ("Exchanges on regional security issues", "area")]


@pytest.mark.parametrize("width", [40, 58, 70, 90])
def test_hard_wrapped_copies_read_as_parse_agreement_reads_them(width):
    wrapped = "\n".join(
        "\n".join(textwrap.wrap(line, width=width)) if len(line) > width and not line.startswith("**") else line
        for line in seed_text().splitlines()
    )
    reading = read_text(wrapped)
    assert reading.agreement == parse_agreement(wrapped)
    assert reading.agreement.digest() == parse_agreement(seed_text()).digest()


def test_a_name_hyphenated_at_a_line_end_keeps_its_hyphen_and_is_reported():
    wrapped = seed_text().replace("Organization for Security and Co-operation", "Organization for Security and Co-\noperation")
    reading = read_text(wrapped)
    assert "Organization for Security and Co-operation in Europe" in reading.agreement.paragraphs[48].text
    assert [d.message for d in reading.preview.doubts] == ["“Co-operation” (in a name) or “Cooperation”? The hyphen is kept"]


def test_the_importers_small_agreement_and_its_paged_copy_read_as_before():
    assert read_text(MINI).agreement == parse_agreement(MINI)
    paged = MINI.replace("2. They value dialogue.", "2. They value\n\n- 2 -\n\f\ndialogue.")
    reading = read_text(paged)
    assert reading.agreement.digest() == parse_agreement(paged).digest()
    assert [(d.line, d.text, d.why) for d in reading.preview.dropped] == [(7, "- 2 -", "a page number")]


def test_reading_twice_gives_the_same_and_saving_twice_changes_nothing(partnership):
    first, second = read_agreement(SEED.read_bytes()), read_agreement(SEED.read_bytes())
    assert first == second
    assert save_agreement(first.agreement, slug=partnership.slug) == (partnership, "unchanged")
    assert save_agreement(second.agreement, slug=partnership.slug)[1] == "unchanged"


def test_the_administrators_date_and_place_override_the_closing_lines():
    reading = read_text(seed_text(), Overrides(place="Lancaster House, London"))
    assert (reading.agreement.place, str(reading.agreement.adopted_on)) == ("Lancaster House, London", "2025-05-19")
