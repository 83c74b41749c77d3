"""A Council-register release in text form (tests/onboarding/agreements/, a fictional EU–Ruritania Partnership
written for these tests): a cover note, furniture on every page, bracketed and lettered headings, numbers and
labels alone on their line, redactions, broken ligatures and hyphenation, a footnote at a page's foot, no
closing line."""

from datetime import date
from pathlib import Path

import pytest

from agreement.importer import save_agreement
from agreement.models import Partnership
from agreement.reading import Overrides, read_agreement

RURITANIA = Path(__file__).parent / "agreements" / "eu-ruritania-council-register.txt"
ADOPTED = Overrides(adopted_on=date(2025, 10, 9), place="Strelsau")


def read(overrides: Overrides | None = None):
    return read_agreement(RURITANIA.read_bytes(), overrides)


def test_the_cover_note_is_dropped_as_front_matter_and_shown_so():
    preview = read().preview
    front = [(d.page, d.line, d.text) for d in preview.dropped if d.why == "front matter before the title"]
    assert front[0] == (1, 1, "Council of the")
    assert (1, 14, "Subject: EU–Ruritania Security and Defence Partnership") in front
    assert front[-1] == (2, 23, "ANNEX")
    assert preview.title == "SECURITY AND DEFENCE PARTNERSHIP BETWEEN THE EUROPEAN UNION AND THE KINGDOM OF RURITANIA"
    assert preview.title_lines == [25, 26]
    assert preview.parties == ["EUROPEAN UNION", "KINGDOM OF RURITANIA"]


def test_the_furniture_of_every_page_is_dropped_with_its_page_and_line():
    furniture = [(d.page, d.line, d.text) for d in read().preview.dropped if d.why.startswith("page furniture")]
    assert furniture == [
        (1, 21, "13579/25 RM/ab 1"),
        (2, 48, "13579/25 RM/ab 2"), (2, 49, "ANNEX RELEX.5 LIMITE EN"),
        (3, 88, "13579/25 RM/ab 3"), (3, 89, "ANNEX RELEX.5 LIMITE EN"),
        (4, 118, "13579/25 RM/ab 4"), (4, 119, "ANNEX RELEX.5 LIMITE EN"),
        (5, 129, "13579/25 RM/ab 5"), (5, 130, "ANNEX RELEX.5 LIMITE EN"),
    ]


def test_bracketed_headings_are_parts_and_lettered_ones_their_areas():
    agreement = read(ADOPTED).agreement
    assert [(part.title, [area.title for area in part.areas]) for part in agreement.parts] == [
        ("Preface", []),
        ("General framework", []),
        ("Areas of cooperation", ["Maritime security", "Cyber issues and hybrid threats",
                                  "Crisis management and conflict prevention", "Non-proliferation and disarmament"]),
        ("Way forward", []),
    ]
    assert [(p.number, p.part, p.area) for p in agreement.paragraphs][5:9] == [(6, 2, 0), (7, 2, 0), (8, 2, 1), (9, 2, 1)]


def test_numbers_and_labels_alone_on_their_line_take_the_text_below_them():
    paragraphs = read(ADOPTED).agreement.paragraphs
    assert [p.number for p in paragraphs] == list(range(1, 16))
    assert paragraphs[3].text == ("The EU and Ruritania will hold a Security and Defence Dialogue annually, at senior "
                                  "official level, to review the implementation of this Partnership.")
    assert [(sub.label, sub.text) for sub in paragraphs[4].subparagraphs] == [
        ("a", "Foreign and security policy consultations between the High Representative (HR) and the Ruritanian "
              "Minister for Foreign Affairs, held twice a year."),
        ("b", "DELETED"),
        ("c", "Staff talks between the EU Military Staff and the Ruritanian Defence Staff, held on a biannual basis."),
    ]


def test_a_paragraph_split_by_a_page_break_and_its_furniture_is_whole_again():
    assert read(ADOPTED).agreement.paragraphs[7].text == (
        "The EU and Ruritania will strengthen their cooperation on cyber security and the resilience of critical "
        "infrastructure, and will exchange information on hybrid threats and on protected networks.")


def test_the_footnote_at_the_foot_of_a_page_is_found_and_its_marker_raised():
    paragraph = read(ADOPTED).agreement.paragraphs[1]
    assert "political dialogue.¹ Both have been" in paragraph.text
    assert [(note.marker, note.text) for note in paragraph.footnotes] == [
        ("1", "Framework Agreement between the European Union and the Kingdom of Ruritania, signed in Strelsau on 3 June 2019.")]


def test_redactions_are_kept_as_text_and_reported_where_they_stand():
    reading = read(ADOPTED)
    assert reading.agreement.paragraphs[8].text == "DELETED"
    assert [(r.page, r.line, r.kept_in) for r in reading.preview.redactions] == [
        (3, 64, "¶5(b)"), (4, 94, "¶9"), (4, 112, "")]
    assert (4, 112, "redaction", 'a redacted passage after heading “Non-proliferation and disarmament” is in no '
            "paragraph: it is not imported") in [(d.page, d.line, d.kind, d.message) for d in reading.preview.doubts]


def test_broken_words_are_mended_from_the_documents_own_words():
    reading = read(ADOPTED)
    assert [(r.page, r.line, r.before, r.after) for r in reading.preview.repairs] == [
        (2, 32, "chal enging", "challenging"), (2, 43, "wel as", "well as"), (4, 98, "ef ective", "effective"),
        (4, 107, "con ict", "conflict"), (4, 108, "of icials", "officials"),
        (2, 38, "co- operation", "cooperation"), (3, 76, "secur- ity", "security"),
    ]
    texts = [p.text for p in reading.agreement.paragraphs]
    assert "in a challenging security environment" in texts[0]
    assert "like-minded partners. Their cooperation has grown" in texts[1]
    assert "on maritime security in the Strelsau Straits" in texts[5]


def test_what_the_documents_words_cannot_settle_is_a_doubt_with_its_page_and_line():
    doubts = [(d.page, d.line, d.kind, d.message, d.blocking) for d in read().preview.doubts]
    assert doubts == [
        (2, 39, "broken word", "“af ected” may be a broken word the document does not spell elsewhere", False),
        (4, 108, "hyphenation", "“peace-building” or “peacebuilding”? The document spells it neither way elsewhere; "
                                "the hyphen is kept", False),
        (4, 112, "redaction", "a redacted passage after heading “Non-proliferation and disarmament” is in no "
                              "paragraph: it is not imported", False),
        (5, 131, "date", "no closing line such as “Adopted in London on 19 May 2025.”: enter the date of adoption "
                         "(the text mentions 14 October 2025, 3 June 2019)", True),
    ]


def test_without_a_closing_line_nothing_is_importable_until_the_date_is_given():
    assert read().agreement is None
    agreement = read(ADOPTED).agreement
    assert (agreement.adopted_on, agreement.place) == (date(2025, 10, 9), "Strelsau")


def test_the_administrator_sets_the_end_and_marks_a_heading_as_text_and_another_as_a_part():
    reading = read(Overrides(adopted_on=date(2025, 10, 9), start_line=25, end_line=117, roles={72: "text", 83: "part"}))
    assert [p.number for p in reading.agreement.paragraphs] == list(range(1, 14))
    assert ("after the end you set", 120, "[Way forward]") in [(d.why, d.line, d.text) for d in reading.preview.dropped]
    assert reading.agreement.paragraphs[4].subparagraphs[2].text.endswith("biannual basis. A. Maritime security")
    assert [(part.title, [area.title for area in part.areas]) for part in reading.agreement.parts][2:] == [
        ("Areas of cooperation", []),
        ("Cyber issues and hybrid threats", ["Crisis management and conflict prevention", "Non-proliferation and disarmament"]),
    ]


def test_a_start_set_too_early_reads_the_wrong_title_and_says_what_is_missing():
    reading = read(Overrides(adopted_on=date(2025, 10, 9), start_line=23))
    assert (reading.agreement, reading.preview.title) == (None, "ANNEX")
    assert [(d.line, d.message) for d in reading.preview.blocking] == [
        (23, "the title does not name the parties (“… between X and Y”, “X–Y …”): enter them")]


def test_a_line_marked_as_dropped_is_left_out_and_furniture_marked_as_text_is_kept():
    reading = read(Overrides(adopted_on=date(2025, 10, 9), roles={53: "drop", 88: "text"}))
    assert (53, "dropped as you marked it") in [(d.line, d.why) for d in reading.preview.dropped]
    assert 88 not in [d.line for d in reading.preview.dropped]
    assert reading.agreement.paragraphs[3].text == "to review the implementation of this Partnership."
    assert "the resilience of 13579/25 RM/ab 3 critical infrastructure" in reading.agreement.paragraphs[7].text


def test_an_unknown_mark_is_refused():
    with pytest.raises(ValueError, match="line 3: 'title' is not one of heading, part, area, text, drop"):
        Overrides(roles={3: "title"})


def test_importing_it_twice_creates_then_changes_nothing(db):
    agreement = read(ADOPTED).agreement
    partnership, outcome = save_agreement(agreement, short_title="EU–Ruritania Security and Defence Partnership")
    assert (partnership.slug, outcome) == ("eururitania-security-and-defence-partnership", "created")
    assert sorted(partnership.parties.values_list("code", "name")) == [
        ("EU", "European Union"), ("KR", "Kingdom of Ruritania")]
    again = read(ADOPTED).agreement
    assert save_agreement(again, short_title="EU–Ruritania Security and Defence Partnership") == (partnership, "unchanged")
    assert Partnership.objects.get(slug=partnership.slug).paragraphs.count() == 15


def test_a_release_whose_annex_has_no_title_takes_the_cover_notes_subject():
    text = RURITANIA.read_text(encoding="utf-8").replace(
        "SECURITY AND DEFENCE PARTNERSHIP BETWEEN\nTHE EUROPEAN UNION AND THE KINGDOM OF RURITANIA\n", "")
    reading = read_agreement(text.encode(), ADOPTED)
    assert reading.agreement.title == "EU–Ruritania Security and Defence Partnership"
    assert reading.agreement.parties == ["European Union", "Kingdom of Ruritania"]
    assert (2, 23, "ANNEX", "front matter before the title") in [(d.page, d.line, d.text, d.why) for d in reading.preview.dropped]
    assert "the text has no title of its own: the cover note's subject is taken" in [d.message for d in reading.preview.doubts]
