"""The encoded Partnership is the document's text, whole and exact, without the PDF extraction's accidents.

The expected texts are derived here independently of the importer: from the raw seed file, with the five
page-break splits named in docs/domain.md joined by hand."""

import re
from datetime import date
from pathlib import Path

import pytest

from agreement.models import Paragraph

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "eu-uk-security-and-defence-partnership-2025.txt"

AREAS = [
    "Exchanges on regional security issues",
    "Peace building and crisis management",
    "Maritime Security",
    "Security and Defence initiatives, policies and instruments",
    "Space security",
    "Emerging Disruptive Technologies",
    "Cyber issues",
    "Countering hybrid threats and resilience of critical infrastructure",
    "Countering foreign information manipulation and interference (FIMI)",
    "Counter-terrorism, preventing/countering violent extremism",
    "Non-proliferation, disarmament and conventional arms, including small arms and light weapons (SALW)",
    "Capacity building for partners in security and defence",
    "Training, education in security and defence",
    "Situational Awareness",
    "Cooperation in third countries and multilateral fora and institutional exchanges",
    "External aspects of economic security",
    "External aspects of the fight against corruption and illicit finance",
    "Women, Peace and Security",
    "External dimension of irregular migration",
    "Climate – security nexus",
    "Global Health Security",
]


def expected_texts() -> dict[str, str]:
    """Paragraph and sub-paragraph texts read straight off the seed file: one line each, except the splits."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    texts, key = {}, None
    for line in lines:
        line = line.strip()
        if match := re.match(r"^(?:- )?(\d+)\. (.*)$", line):
            key = match.group(1)
            texts[key] = match.group(2)
        elif match := re.match(r"^- ([a-f])\. (.*)$", line):
            key = f"12{match.group(1)}"
            texts[key] = match.group(2)
        elif line and key and not texts[key].endswith((".", ":")):
            texts[key] += " " + line  # the continuation after a page break
    return {k: " ".join(v.replace("*", "").split()) for k, v in texts.items()}


def test_the_seed_file_has_the_five_known_page_break_splits():
    texts = expected_texts()
    assert texts["12e"].endswith("other conventional weapons and arms exports control.")
    assert "in line with the respective decision making procedures." in texts["17"]
    assert "facilitate participation of the EU in relevant UK-led training activities." in texts["44"]
    assert "sharing expertise, the UK and the EU will explore" in texts["51"]
    assert "promoting joint action, including on data and analytics." in texts["57"]


def test_there_are_exactly_62_paragraphs_numbered_in_order(partnership):
    assert list(partnership.paragraphs.values_list("number", flat=True)) == list(range(1, 63))


def test_every_paragraph_and_subparagraph_equals_the_document(partnership):
    expected = expected_texts()
    paragraphs = Paragraph.objects.filter(partnership=partnership).prefetch_related("subparagraphs")
    for paragraph in paragraphs:
        assert paragraph.text == expected[str(paragraph.number)], f"paragraph {paragraph.number}"
        for sub in paragraph.subparagraphs.all():
            assert sub.text == expected[f"{paragraph.number}{sub.label}"], f"12({sub.label})"


def test_pdf_artefacts_are_gone_from_the_text(partnership):
    for paragraph in partnership.paragraphs.all():
        assert "*" not in paragraph.text
        assert not paragraph.text.startswith("- ")
        assert "  " not in paragraph.text
    assert "discuss inter alia threats" in partnership.paragraphs.get(number=28).text


def test_paragraph_12_has_subparagraphs_a_to_f(partnership):
    paragraph = partnership.paragraphs.get(number=12)
    assert list(paragraph.subparagraphs.values_list("label", flat=True)) == list("abcdef")
    assert paragraph.text.endswith("Security Policy (HR):")
    assert paragraph.subparagraphs.get(label="a").text.startswith("Six-monthly foreign and security policy dialogues")


def test_footnote_1_is_attached_to_paragraph_3(partnership):
    paragraph = partnership.paragraphs.get(number=3)
    (footnote,) = paragraph.footnotes.all()
    assert footnote.marker == "1"
    assert footnote.text.startswith("The territorial scope of the cooperation")
    assert "article 774 of the Trade and Cooperation Agreement" in footnote.text
    assert "(TCA).¹ Under the TCA" in paragraph.text
    assert sum(p.footnotes.count() for p in partnership.paragraphs.all()) == 1


def test_parts_hold_the_paragraphs_the_document_gives_them(partnership):
    parts = {
        part.title: list(part.paragraphs.values_list("number", flat=True)) for part in partnership.parts.all()
    }
    assert list(parts) == ["Preamble", "General framework", "Areas of Cooperation", "Way Forward"]
    assert parts["Preamble"] == list(range(1, 11))
    assert parts["General framework"] == [11, 12]
    assert parts["Areas of Cooperation"] == list(range(13, 60))
    assert parts["Way Forward"] == [60, 61, 62]
    assert not partnership.parts.get(title="Preamble").has_heading


def test_the_21_areas_are_the_documents_headings_in_order(partnership):
    areas = partnership.parts.get(title="Areas of Cooperation").areas.all()
    assert [area.title for area in areas] == AREAS


@pytest.mark.parametrize(
    ("number", "area"),
    [(13, None), (14, AREAS[0]), (21, AREAS[1]), (27, AREAS[3]), (51, AREAS[14]), (59, AREAS[20]), (60, None)],
)
def test_paragraphs_sit_under_their_area(partnership, number, area):
    paragraph = partnership.paragraphs.select_related("area").get(number=number)
    assert (paragraph.area.title if paragraph.area else None) == area


def test_the_partnership_knows_when_where_and_between_whom(partnership):
    assert partnership.adopted_on == date(2025, 5, 19)
    assert partnership.place == "London"
    assert sorted(partnership.parties.values_list("code", flat=True)) == ["EU", "UK"]
    assert "BETWEEN THE EUROPEAN UNION AND THE UNITED KINGDOM" in partnership.title
