"""Whatever is uploaded, the reader either reads it or refuses it with a line and a message, and what it reads can
be proposed on: never an exception the page would turn into an error 500."""

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreement.importer import AgreementConflict, save_agreement
from agreement.parsing import AgreementFormatError
from agreement.reading import ROLES, Overrides, read_agreement, read_text
from onboarding.proposals import paragraphs_from, propose
from onboarding.sides import PartyRef

# Lines in the shapes the reader looks for, and noise.
SHAPES = st.one_of(
    st.sampled_from([
        "", "\f", "1.", "2.", "12.", "(a)", "b.", "(i)", "- 3. The EU will explore it.", "[Preface]", "[DELETED]",
        "DELETED", "II. Areas of cooperation", "A. Maritime security", "1.1 Scope", "Part I", "Way Forward",
        "¹ A footnote.", "1 A plain footnote.", "Subject: EU–Atlantis Partnership", "From: Secretariat",
        "13579/25 RM/ab 2", "ANNEX RELEX.5 LIMITE EN", "- 4 -", "**TITLE", "TITLE**", "co-", "operation chal enging",
        "Adopted in Atlantis on 31 Smarch 2024.", "Done at Brussels on 3 March 2026.",
        "The EU and Atlantis will hold annual consultations, and explore ways.¹",
    ]),
    st.text(max_size=60),
)
PARTIES = [PartyRef("EU", "European Union"), PartyRef("AT", "Republic of Atlantis")]


def propose_on(reading) -> None:
    if reading.agreement is not None:
        for proposal in propose(paragraphs_from(reading.agreement), PARTIES):
            assert proposal.parties


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(SHAPES, max_size=40), st.dictionaries(st.integers(-2, 45), st.sampled_from(ROLES), max_size=4),
       st.one_of(st.none(), st.integers(-2, 45)), st.one_of(st.none(), st.integers(-2, 45)))
def test_any_text_is_read_or_refused_with_a_line(lines, roles, start, end):
    try:
        overrides = Overrides(start_line=start, end_line=end, roles=roles, adopted_on=date(2026, 1, 1))
    except ValueError as error:
        assert "line" in str(error)
        return
    try:
        reading = read_text("\n".join(lines), overrides)
    except AgreementFormatError as error:
        assert error.line >= 1 and error.message
        return
    assert reading == read_text("\n".join(lines), overrides)  # the same text read twice reads the same
    propose_on(reading)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400), st.booleans())
def test_any_bytes_are_read_or_refused_with_a_line(data, as_pdf):
    try:
        propose_on(read_agreement(b"%PDF-1.7\n" + data if as_pdf else data))
    except AgreementFormatError as error:
        assert error.line >= 1 and error.message


TITLES = st.sampled_from(["**PARTNERSHIP BETWEEN THE EUROPEAN UNION AND ATLANTIS**", "EU–Atlantis Partnership", "—",
                          "PARTNERSHIP BETWEEN THE EU AND " + "THE ISLES " * 30])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(TITLES, st.lists(SHAPES, max_size=30))
def test_whatever_reads_without_a_blocking_doubt_imports_or_is_refused_with_a_message(db, title, lines):
    reading = read_text("\n".join([title, "", *lines]), Overrides(adopted_on=date(2026, 1, 1)))
    if reading.agreement is None:
        assert reading.preview.blocking
        return
    try:
        save_agreement(reading.agreement)
    except AgreementConflict as conflict:
        assert "already exists with a different text" in str(conflict) or "drops paragraphs" in str(conflict)
