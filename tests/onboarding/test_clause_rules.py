"""The curation rules of fixtures/commitments.toml as code, case by case: how a clause is split by its verbs, its
strength, the sides its subject binds and its cadence. Pure functions: no database."""

import pytest

from onboarding.cadence import cadence_of
from onboarding.clauses import clauses
from onboarding.sides import OrganisationRef, PartyRef, sides_bound

EU = PartyRef("EU", "European Union", (OrganisationRef("hrvp", "HR/VP", "High Representative of the Union"),
                                       OrganisationRef("council", "Council", "Council of the European Union")))
ATLANTIS = PartyRef("AT", "Republic of Atlantis", (OrganisationRef("at-mfa", "MFA", "Atlantean Ministry of Foreign Affairs"),))
PARTIES = [EU, ATLANTIS]


def split(text: str) -> list[tuple[str, str]]:
    return [(c.text, "exploratory" if c.exploratory else "firm") for c in clauses(text)]


@pytest.mark.parametrize(("text", "expected"), [
    # A coordinated verb after an object is a second action; an aspirational one is a second strength too.
    ("The EU and Atlantis will hold regular exchanges on maritime security, and explore ways to deepen cooperation.",
     [("The EU and Atlantis will hold regular exchanges on maritime security", "firm"),
      ("explore ways to deepen cooperation.", "exploratory")]),
    ("The EU and Atlantis will exchange good practices, cooperate closely on training, and continue close collaboration.",
     [("The EU and Atlantis will exchange good practices", "firm"), ("cooperate closely on training", "firm"),
      ("continue close collaboration.", "firm")]),
    ("The EU and Atlantis are dedicated to implementing their action plans, and will ensure that equality is a principle.",
     [("The EU and Atlantis are dedicated to implementing their action plans", "firm"),
      ("will ensure that equality is a principle.", "firm")]),
    # A new subject after "and" starts a clause of its own.
    ("Atlantis will be invited to observe EU exercises and, Atlantis will invite the EU to its own.",
     [("Atlantis will be invited to observe EU exercises", "firm"), ("Atlantis will invite the EU to its own.", "firm")]),
    ("The EU and Atlantis will enhance their coordination at sea, and exploring them also elsewhere.",
     [("The EU and Atlantis will enhance their coordination at sea", "firm"), ("exploring them also elsewhere.", "exploratory")]),
    # Not split: paired verbs, lists of verbs, infinitives, nouns that look like verbs, participles of one action.
    ("The EU and Atlantis will strengthen and enhance their collaboration.",
     [("The EU and Atlantis will strengthen and enhance their collaboration.", "firm")]),
    ("The EU and Atlantis will coordinate approaches to detect, analyse and respond to threats and to strengthen resilience.",
     [("The EU and Atlantis will coordinate approaches to detect, analyse and respond to threats and to strengthen resilience.", "firm")]),
    ("The EU and Atlantis will work together on treaties, and support for relevant institutions.",
     [("The EU and Atlantis will work together on treaties, and support for relevant institutions.", "firm")]),
    ("The EU and Atlantis will explore a regular exchange, exchanging views on policy and promoting joint action.",
     [("The EU and Atlantis will explore a regular exchange, exchanging views on policy and promoting joint action.", "exploratory")]),
])
def test_a_paragraph_is_split_at_each_distinct_action(text, expected):
    assert split(text) == expected


def test_sentences_without_a_commitment_verb_are_not_clauses_and_an_introduction_is_left_out():
    text = ("The EU and Atlantis share a strategic interest in space. In this context, the EU and Atlantis will "
            "therefore establish regular exchanges that will cover threats. Such exchanges would be carried out in "
            "accordance with the law.")
    assert split(text) == [("the EU and Atlantis will therefore establish regular exchanges that will cover threats.", "firm")]


@pytest.mark.parametrize(("text", "strength"), [
    ("Atlantis will consider its participation in EU missions.", "exploratory"),
    ("The EU will seek to allow Atlantis to increase its participation.", "exploratory"),
    ("Possibilities for an arrangement will also be explored.", "exploratory"),
    ("The EU and Atlantis will continue to explore options.", "exploratory"),
    ("The EU and Atlantis have decided to establish a Partnership.", "firm"),
    ("The content of this Partnership is to be reviewed as appropriate.", "firm"),
    ("A dialogue takes place annually.", "firm"),
])
def test_strength_comes_from_the_verb(text, strength):
    assert split(text) == [(text, strength)]


def test_a_verbless_item_of_a_list_is_one_firm_clause():
    (clause,) = clauses("Six-monthly dialogues between the HR and the Atlantean Minister.")
    assert (clause.verb, clause.exploratory, clause.subject) == ("", False, "Six-monthly dialogues between the HR and the Atlantean Minister.")


@pytest.mark.parametrize(("subject", "verb", "codes"), [
    ("The EU and Atlantis", "hold", ["EU", "AT"]),
    ("The Republic of Atlantis", "consider", ["AT"]),
    ("The HR", "invite", ["EU"]),  # an organisation names its side
    ("Atlantis", "be invited", ["EU"]),  # the inviting side is bound
    ("Staff talks between the EU Military Staff and the Atlantean Defence Staff", "", ["EU", "AT"]),
    ("They", "work", ["EU", "AT"]),
    ("Annual consultations", "prepare", ["EU", "AT"]),
    ("Resolutions of the Security Council", "guide", ["EU", "AT"]),  # not the EU's Council
])
def test_the_sides_bound_come_from_the_subject_in_the_partnerships_own_codes(subject, verb, codes):
    assert sides_bound(subject, verb, PARTIES)[0] == codes


@pytest.mark.parametrize(("text", "cadence", "doubt"), [
    ("consultations held twice a year", "six_monthly", False),
    ("six-monthly dialogues", "six_monthly", False),
    ("a Dialogue takes place annually", "annual", False),
    ("reviewed every two years", "biennial", False),
    ("the biannual Forum", "six_monthly", True),
    ("will establish regular exchanges", "one_off", False),
    ("will invite the UK regularly", "ad_hoc", False),
    ("will hold regular consultations", "regular", False),
    ("will strengthen cooperation", "continuous", False),
])
def test_the_cadence_comes_from_the_words_and_biannual_is_flagged(text, cadence, doubt):
    read = cadence_of(text)
    assert (read.cadence, bool(read.doubt)) == (cadence, doubt)
