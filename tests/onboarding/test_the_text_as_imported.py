"""A partnership's text written back in the seed's form (agreement.writing) reads, through the seed's parser, to
the very agreement that was imported: the EU–UK Partnership's, with its parts, areas, sub-paragraphs and footnote."""

from pathlib import Path

import pytest

from agreement.models import Partnership
from agreement.parsing import PART_HEADINGS, decode_agreement, parse_agreement
from agreement.writing import agreement_text

pytestmark = pytest.mark.django_db


def test_the_eu_uk_text_written_back_reads_as_the_seed_does(partnership):
    text, part_headings = agreement_text(Partnership.objects.get(slug="eu-uk-sdp-2025"))
    seed = parse_agreement(decode_agreement(Path("fixtures/eu-uk-security-and-defence-partnership-2025.txt").read_bytes()))
    again = parse_agreement(text, part_headings=(*PART_HEADINGS, *part_headings))
    assert part_headings == []  # its parts are among the parser's usual headings
    assert again.digest() == seed.digest()
    assert (len(again.paragraphs), [p.title for p in again.parts]) == (
        62, ["Preamble", "General framework", "Areas of Cooperation", "Way Forward"])
    assert text.endswith("Adopted in London on 19 May 2025.\n")
    assert "- a. Six-monthly foreign and security policy dialogues" in text
