"""Uploading an agreement, correcting how it is read and importing it, through the services: bounded uploads,
clear refusals, corrections kept only when the text still reads, an import that is atomic and happens once."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreement.models import Partnership, Party
from audit.models import AuditEntry
from onboarding import services
from onboarding.models import Onboarding
from onboarding.selectors import reading_of
from tests.onboarding.flow import correct, imported, upload
from tests.onboarding.test_pdf_agreement import _blank_pdf, _encrypted_pdf

pytestmark = pytest.mark.django_db


def refusal(data: bytes, filename: str = "agreement.pdf") -> dict:
    with pytest.raises(ValidationError) as error:
        services.onboarding_upload(filename=filename, data=data, by=None)
    return error.value.message_dict


def test_an_upload_is_stored_as_its_lines_with_their_pages_and_audited(administrator):
    onboarding = upload(administrator)
    assert (onboarding.filename, onboarding.state, onboarding.page_count, len(onboarding.source)) == (
        "eu-freedonia.pdf", "reading", 4, 75)
    assert onboarding.source[0] == [1, "LIMITE"]
    entry = AuditEntry.objects.get(action="agreement uploaded for onboarding")
    assert (entry.user, entry.details["pages"], entry.details["lines"]) == (administrator, 4, 75)
    assert not Partnership.objects.exclude(slug="eu-uk-sdp-2025").exists()  # nothing of the partnership yet


def test_the_missing_date_of_adoption_is_the_one_doubt_that_blocks_the_import(administrator):
    preview = reading_of(upload(administrator)).preview
    assert [(d.page, d.line, d.kind, d.blocking) for d in preview.doubts] == [(4, 75, "date", True)]


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"x" * (5 * 1024 * 1024 + 1), "big.txt", "The file is larger than 5 MB; an agreement's PDF or text is much smaller."),
    (b"%PDF-1.7\n\x00\x01 not a PDF", "broken.pdf", "Not a readable PDF; check the file, or paste the agreement's text"),
    (_blank_pdf(), "scan.pdf", "The PDF has no text layer (a scan?); export it with its text, or paste the text"),
    (_encrypted_pdf(), "locked.pdf", "The PDF is encrypted; upload a copy without a password"),
    (b"", "empty.txt", "The file is empty; expected the agreement's title"),
    (b"TITLE\n\xff\xfe", "latin.txt", "Line 2: not UTF-8 text; export the agreement as UTF-8"),
    (b"Some agreement", "agreement.docx", "Upload the agreement as a PDF (.pdf) or as text (.txt)."),
    ("Title\n" + "\f" * 200 + "1. The end.", "long.txt", "The text has 201 pages; an agreement has at most 200."),
])
def test_what_cannot_be_onboarded_is_refused_on_the_file_field(partnership, data, filename, message):
    data = data.encode() if isinstance(data, str) else data
    assert refusal(data, filename) == {"file": [message]}
    assert not Onboarding.objects.exists()


def test_a_pdf_of_more_than_200_pages_is_refused_before_its_text_is_extracted(partnership):
    import io

    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    for _ in range(201):
        writer.add_blank_page(width=100, height=100)
    writer.write(out)
    assert refusal(out.getvalue()) == {"file": ["The PDF has 201 pages; an agreement has at most 200."]}


def test_a_correction_reads_the_text_again_and_is_kept_with_the_codes_given(administrator):
    onboarding = correct(upload(administrator), administrator, parties=["European Union", "Republic of Freedonia"],
                         codes=["EU", "FR"])
    assert onboarding.overrides == {"adopted_on": "2026-03-03", "place": "Brussels",
                                    "parties": ["European Union", "Republic of Freedonia"]}
    assert (onboarding.party_codes, onboarding.short_title) == (["EU", "FR"], "EU–Freedonia Partnership")
    preview = reading_of(onboarding).preview
    assert (preview.doubts, preview.adopted_on, preview.place) == ([], date(2026, 3, 3), "Brussels")
    assert AuditEntry.objects.filter(action="onboarding reading corrected").count() == 1


@pytest.mark.parametrize(("changes", "errors"), [
    ({"start_line": 76}, {"start_line": ["The text has lines 1 to 75."]}),
    ({"start_line": 40, "end_line": 20}, {"end_line": ["end line: line 20 is before the start, line 40"]}),
    ({"start_line": 75}, {"start_line": ["Line 75: nothing to read from the line set as the start"]}),
    ({"codes": ["UK", ""], "parties": ["European Union", "Republic of Freedonia"]},
     {"code_1": ["UK is already the code of United Kingdom of Great Britain and Northern Ireland."]}),
    ({"codes": ["", "fr-1"], "parties": ["European Union", "Republic of Freedonia"]},
     {"code_2": ["A code is 2 to 8 capital letters or digits, starting with a letter (EU, NO, KR)."]}),
    ({"codes": ["EEC", ""], "parties": ["European Union", "Republic of Freedonia"]},
     {"code_1": ["European Union is a party already, with the code EU."]}),
    ({"parties": ["European Union", ""]}, {"party_2": ["Name both parties, or neither to keep those read."]}),
    ({"place": "x" * 121}, {"place": ["Keep it to 120 characters (it has 121)."]}),
])
def test_a_correction_the_text_cannot_take_is_refused_on_its_field_and_nothing_changes(administrator, changes, errors):
    onboarding = upload(administrator)
    with pytest.raises(ValidationError) as error:
        correct(onboarding, administrator, **changes)
    assert error.value.message_dict == errors
    onboarding.refresh_from_db()
    assert (onboarding.overrides, onboarding.short_title) == ({}, "")


def test_a_line_marked_as_a_part_is_read_so_and_unmarked_is_read_as_before(administrator):
    onboarding = correct(upload(administrator), administrator)

    def heading(line):
        return next((h.title, h.level, h.form) for h in reading_of(onboarding).preview.headings if h.line == line)

    assert heading(46) == ("Cyber security", "area", "plain")
    services.onboarding_mark_line(onboarding=onboarding, by=administrator, line=46, role="part")
    onboarding.refresh_from_db()
    assert (onboarding.overrides["roles"], heading(46)) == ({"46": "part"}, ("Cyber security", "part", "marked"))
    services.onboarding_mark_line(onboarding=onboarding, by=administrator, line=46, role="")
    onboarding.refresh_from_db()
    assert ("roles" in onboarding.overrides, heading(46)) == (False, ("Cyber security", "area", "plain"))
    assert [e.details for e in AuditEntry.objects.filter(action="onboarding line marked").order_by("pk")] == [
        {"line": 46, "role": "part"}, {"line": 46, "role": "as read"}]


def test_importing_writes_the_text_proposes_the_commitments_and_a_second_import_changes_nothing(administrator):
    onboarding = imported(administrator)
    partnership = onboarding.partnership
    assert (partnership.slug, partnership.short_title, partnership.adopted_on, partnership.place) == (
        "eufreedonia-partnership", "EU–Freedonia Partnership", date(2026, 3, 3), "Brussels")
    assert sorted(partnership.parties.values_list("code", flat=True)) == ["EU", "RF"]
    assert onboarding.state == "reviewing"
    assert [(p.ref, p.strength, p.cadence, [s["party"] for s in p.sides]) for p in onboarding.proposals.all()] == [
        ("3.1", "firm", "annual", ["EU", "RF"]), ("3.2", "exploratory", "continuous", ["EU", "RF"]),
        ("4a", "firm", "six_monthly", ["EU", "RF"]), ("4b", "firm", "annual", ["EU", "RF"]),
        ("5.1", "exploratory", "continuous", ["RF"]), ("6.1", "firm", "regular", ["EU", "RF"])]
    first = onboarding.proposals.get(ref="3.1")
    assert (first.title, first.clause, first.start) == (
        "Hold annual consultations on maritime security",
        "The EU and Freedonia will hold annual consultations on maritime security", 0)
    entries = AuditEntry.objects.count()
    assert services.onboarding_import(onboarding=onboarding, by=administrator) == partnership
    assert (AuditEntry.objects.count(), onboarding.proposals.count()) == (entries, 6)


def test_the_import_is_refused_while_a_blocking_doubt_stands(administrator):
    onboarding = upload(administrator)
    with pytest.raises(ValidationError) as error:
        services.onboarding_import(onboarding=onboarding, by=administrator)
    assert error.value.messages == ["Page 4, line 75: no closing line such as “Adopted in London on 19 May 2025.”: "
                                    "enter the date of adoption"]
    assert not Partnership.objects.filter(slug__contains="freedonia").exists()


def test_a_code_given_to_the_new_party_is_its_code_once_imported(administrator):
    onboarding = correct(upload(administrator), administrator, parties=["European Union", "Republic of Freedonia"],
                         codes=["", "FR"])
    partnership = services.onboarding_import(onboarding=onboarding, by=administrator)
    assert sorted(partnership.parties.values_list("code", flat=True)) == ["EU", "FR"]
    assert Party.objects.get(code="FR").name == "Republic of Freedonia"


def test_a_short_title_already_taken_is_refused_and_nothing_is_written(administrator):
    onboarding = correct(upload(administrator), administrator, short_title="EU-UK SDP 2025")
    with pytest.raises(ValidationError) as error:
        services.onboarding_import(onboarding=onboarding, by=administrator)
    assert error.value.message_dict == {"short_title": [
        "A partnership called “eu-uk-sdp-2025” exists already: give this one another short title."]}
    onboarding.refresh_from_db()
    assert (onboarding.state, onboarding.proposals.count()) == ("reading", 0)


def test_once_imported_the_reading_can_no_longer_be_corrected(administrator):
    onboarding = imported(administrator)
    with pytest.raises(ValidationError) as error:
        services.onboarding_mark_line(onboarding=onboarding, by=administrator, line=3, role="text")
    assert error.value.messages == ["The text has been imported already: its reading can no longer be corrected."]


TYPED = st.one_of(st.text(max_size=30), st.sampled_from(["", "EU", "FR", "a\x00b", "x" * 301]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(TYPED, min_size=7, max_size=7), st.one_of(st.none(), st.integers(-5, 100)),
       st.one_of(st.none(), st.integers(-5, 100)))
def test_any_correction_is_kept_or_refused_with_a_validation_error(administrator, typed, start, end):
    onboarding = Onboarding.objects.first() or upload(administrator)
    title, short_title, party_1, party_2, code_1, code_2, place = typed
    try:
        with transaction.atomic():
            services.onboarding_correct(onboarding=onboarding, by=administrator, start_line=start, end_line=end,
                                        title=title, short_title=short_title, parties=[party_1, party_2],
                                        codes=[code_1, code_2], adopted_on=None, place=place)
    except ValidationError:
        pass
    reading_of(Onboarding.objects.get(pk=onboarding.pk))  # what was kept still reads
