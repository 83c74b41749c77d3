"""What the curator cannot do by mistake: give both parties one code, date an adoption outside 2000–today, reshape
the proposals once they are published (their history would follow the references to other clauses), split or merge
a dropped proposal; and what no text can do: a sub-paragraph label standing alone, a party code outside ASCII in
the TOML download, a republished encoding dropping a commitment a meeting refers to."""

import tomllib
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from agreement.models import Partnership
from commitments.curation import CurationError, load_commitments
from onboarding import services
from onboarding.export import _tables
from onboarding.proposals import TextParagraph, propose
from onboarding.sides import PartyRef
from tests.onboarding.flow import correct, imported, upload

pytestmark = pytest.mark.django_db


def refused(work) -> dict | list:
    """The errors by field, or the list of those that name none."""
    with pytest.raises(ValidationError) as error:
        work()
    return error.value.message_dict if hasattr(error.value, "error_dict") else error.value.messages


def test_two_parties_are_not_given_the_same_code(administrator):
    onboarding = upload(administrator)
    errors = refused(lambda: correct(onboarding, administrator, parties=["European Union", "Republic of Freedonia"],
                                     codes=["RF", "RF"]))
    assert errors["code_2"] == ["RF is already given to the other party: give each party its own code."]


@pytest.mark.parametrize("day", [date(1999, 12, 31), timezone.localdate() + timedelta(days=1)])
def test_an_adoption_date_outside_2000_to_today_is_refused_on_its_field(administrator, day):
    onboarding = upload(administrator)
    errors = refused(lambda: correct(onboarding, administrator, adopted_on=day))
    assert errors["adopted_on"][0].startswith("Give the date of adoption, between 01 January 2000 and today")


def test_once_published_the_proposals_are_edited_but_not_reshaped(administrator):
    onboarding = imported(administrator)
    services.onboarding_add_organisation(onboarding=onboarding, by=administrator, party="RF", slug="rf-mfa",
                                         short_name="MFA", name="Ministry of Foreign Affairs of Freedonia")
    services.owners_fill(onboarding=onboarding, by=administrator, party="RF", organisation="rf-mfa")
    services.owners_fill(onboarding=onboarding, by=administrator, party="EU", organisation="eeas")
    services.onboarding_publish(onboarding=onboarding, by=administrator)
    first = onboarding.proposals.get(ref="3.1")
    message = ("The commitments are published: split, merge or drop them no more (their history would follow the "
               "references to other clauses); edit their owners, strength or cadence.")
    assert refused(lambda: services.proposal_drop(proposal=first, by=administrator)) == [message]
    assert refused(lambda: services.proposal_merge(proposal=first, by=administrator)) == [message]
    assert sorted(onboarding.proposals.filter(dropped=False).values_list("ref", flat=True)) == [
        "3.1", "3.2", "4a", "4b", "5.1", "6.1"]


def test_a_dropped_proposal_is_kept_again_before_it_is_merged_or_split(administrator):
    onboarding = imported(administrator)
    first = onboarding.proposals.get(ref="3.1")
    services.proposal_drop(proposal=first, by=administrator)
    message = ["This proposal is dropped: keep it again before splitting or merging it."]
    assert refused(lambda: services.proposal_merge(proposal=first, by=administrator)) == message
    assert onboarding.proposals.count() == 6


def test_a_sub_paragraph_label_standing_alone_proposes_nothing_and_fails_nothing():
    parties = [PartyRef("EU", "European Union", ()), PartyRef("RF", "Republic of Freedonia", ())]
    paragraph = TextParagraph(2, "The EU and Freedonia will hold consultations:", False,
                              (("a", ""), ("b", "on maritime security.")))
    assert [p.ref for p in propose([paragraph], parties)] == ["2b"]


def test_a_party_code_outside_ascii_is_quoted_in_the_toml():
    text = _tables("commitment", [{"ref": "1.1", "É": {"lead": "min"}, "sides": {"ÉT": {"lead": "x"}}}])
    assert tomllib.loads(text) == {"commitment": [{"ref": "1.1", "É": {"lead": "min"}, "sides": {"ÉT": {"lead": "x"}}}]}


def test_an_encoding_that_drops_a_commitment_a_meeting_refers_to_is_refused_not_a_server_error(reviewer, partnership):
    from dialogues import services as dialogue_services
    from dialogues.models import DialogueSeries
    from commitments.models import Commitment

    meeting = dialogue_services.meeting_create(series=DialogueSeries.objects.get(slug="security-and-defence-dialogue"),
                                               date=timezone.localdate() + timedelta(days=30), place="London", by=reviewer)
    dialogue_services.agenda_add(meeting=meeting, by=reviewer, commitments=[Commitment.objects.get(ref="62.1")])
    from pathlib import Path
    data = tomllib.loads(Path("fixtures/commitments.toml").read_text(encoding="utf-8"))
    data["commitment"] = [entry for entry in data["commitment"] if entry["ref"] != "62.1"]
    with pytest.raises(CurationError) as error:
        load_commitments(Partnership.objects.get(slug="eu-uk-sdp-2025"), data)
    assert "commitment 62.1: a meeting refers to it (agenda, review or milestone) and it cannot be removed" in str(error.value)
