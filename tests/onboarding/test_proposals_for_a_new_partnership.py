"""Proposals for a partnership nobody has encoded: the fictional EU–Ruritania text imported, its parties and their
organisations from the database, owners suggested from the EU–UK clauses already encoded."""

import pytest

from agreement.importer import save_agreement
from agreement.reading import read_agreement
from onboarding.proposals import paragraphs_from, propose
from onboarding.selectors import known_clauses, paragraphs_of, parties_of
from tests.onboarding.test_council_register_release import ADOPTED, RURITANIA


@pytest.fixture
def proposals(partnership):
    ruritania, _ = save_agreement(read_agreement(RURITANIA.read_bytes(), ADOPTED).agreement, short_title="EU–Ruritania")
    return {p.ref: p for p in propose(paragraphs_of(ruritania), parties_of(ruritania), known_clauses(exclude=ruritania))}


def test_the_preface_and_the_redacted_paragraphs_propose_nothing(proposals):
    assert list(proposals) == ["4.1", "5a", "5c", "6.1", "6.2", "7.1", "8.1", "8.2", "10.1", "11.1", "11.2", "12.1",
                               "12.2", "13.1", "13.2", "14.1", "15.1"]


def test_sides_are_the_new_partnerships_parties_by_their_codes(proposals):
    assert {ref: p.parties for ref, p in proposals.items() if p.parties != ["EU", "KR"]} == {"7.1": ["KR"], "11.1": ["EU"]}
    assert proposals["7.1"].sides_why == "the subject, “Ruritania”, names KR"


def test_a_split_clause_keeps_its_own_strength_and_cadence(proposals):
    six, explore = proposals["6.1"], proposals["6.2"]
    assert (six.clause, six.strength, six.cadence) == (
        "The EU and Ruritania will hold regular exchanges on maritime security in the Strelsau Straits", "firm", "regular")
    assert (explore.clause[:32], explore.strength, explore.cadence) == ("explore joint activities at sea,", "exploratory", "continuous")


def test_biannual_is_proposed_as_six_monthly_and_flagged(proposals):
    staff_talks = proposals["5c"]
    assert (staff_talks.cadence, staff_talks.cadence_words) == ("six_monthly", "biannual")
    assert staff_talks.cadence_doubt.startswith("“biannual” means twice a year, and is also used for every second year")
    assert (proposals["4.1"].cadence, proposals["5a"].cadence, proposals["14.1"].cadence) == ("annual", "six_monthly", "biennial")


def test_owners_named_in_the_text_lead_and_the_rest_come_from_similar_clauses(proposals):
    def owners(ref):
        return {side.party: [(o.organisation, o.role) for o in side.owners] for side in proposals[ref].sides}

    assert owners("5a") == {"EU": [("hrvp", "lead")], "KR": []}  # "the High Representative (HR)"
    assert owners("5c") == {"EU": [("eums", "lead")], "KR": []}  # "the EU Military Staff"
    assert owners("6.1")["EU"][0] == ("eeas", "lead")
    assert proposals["6.1"].sides[0].owners[0].why.startswith("owns the similar clauses ")
    assert owners("6.1")["KR"] == []  # a new party has no organisations yet


def test_proposals_need_no_database_when_made_from_the_text_just_read():
    agreement = read_agreement(RURITANIA.read_bytes(), ADOPTED).agreement
    from onboarding.sides import PartyRef

    found = propose(paragraphs_from(agreement), [PartyRef("EU", "European Union"), PartyRef("KR", "Kingdom of Ruritania")])
    assert [p.ref for p in found][:3] == ["4.1", "5a", "5c"]
    assert all(side.owners == [] for p in found for side in p.sides if side.party == "KR")
