"""The curator's work on the proposals of the EU–Freedonia text, through the services: edits, splits and merges
that keep every clause quoting its text and renumber the paragraph, owners of the new party added on the way, and
publishing that writes everything or nothing, with every problem on its proposal."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreement.models import Organisation
from audit.models import AuditEntry
from commitments.models import Commitment
from onboarding import services
from onboarding.curating import split_points
from tests.onboarding.flow import imported

pytestmark = pytest.mark.django_db


@pytest.fixture
def onboarding(administrator):
    return imported(administrator)


def proposal(onboarding, ref):
    return onboarding.proposals.select_related("paragraph", "subparagraph").get(ref=ref, dropped=False)


def owners_of(item):
    return {side["party"]: (side["lead"], side["supporting"]) for side in item.sides}


def add_mfa(onboarding, by):
    return services.onboarding_add_organisation(onboarding=onboarding, by=by, party="RF", slug="rf-mfa",
                                                short_name="MFA", name="Ministry of Foreign Affairs of Freedonia")


def test_an_edit_sets_title_strength_cadence_and_owners_of_each_side(onboarding, administrator):
    add_mfa(onboarding, administrator)
    edited = services.proposal_edit(
        proposal=proposal(onboarding, "3.1"), by=administrator, title="Annual maritime security consultations",
        strength="firm", cadence="annual", cadence_note="“annual” in the text",
        owners={"EU": {"eeas": "lead", "eums": "supporting"}, "RF": {"rf-mfa": "lead"}})
    assert (edited.title, edited.cadence_note) == ("Annual maritime security consultations", "“annual” in the text")
    assert owners_of(edited) == {"EU": (["eeas"], ["eums"]), "RF": (["rf-mfa"], [])}
    assert AuditEntry.objects.filter(action="proposed commitment edited", object_ref=f"onboarding {onboarding.pk} 3.1").exists()


@pytest.mark.parametrize(("change", "errors"), [
    ({"title": " "}, {"title": ["Give the commitment a title of at most 120 characters."]}),
    ({"strength": "binding"}, {"strength": ["Choose firm or exploratory."]}),
    ({"cadence": "weekly"}, {"cadence": ["Choose a cadence."]}),
    ({"owners": {"EU": {"fcdo": "lead"}}}, {"owners": ["Choose EU owners among the EU organisations."]}),
])
def test_an_edit_the_rules_refuse_changes_nothing(onboarding, administrator, change, errors):
    target = proposal(onboarding, "3.1")
    values = {"title": "T", "strength": "firm", "cadence": "annual", "cadence_note": "", "owners": {}} | change
    with pytest.raises(ValidationError) as error:
        services.proposal_edit(proposal=target, by=administrator, **values)
    assert error.value.message_dict == errors
    target.refresh_from_db()
    assert target.title == "Hold annual consultations on maritime security"


def test_a_split_at_a_sentence_gives_two_proposals_that_quote_their_halves(onboarding, administrator):
    target = proposal(onboarding, "4b")
    assert [(c.before, c.after) for c in split_points(target.clause)] == [
        ("on capacity building in the region.²", "Joint training courses will be held …")]
    first, second = services.proposal_split(proposal=target, by=administrator, at=split_points(target.clause)[0].second_start)
    assert [(p.ref, p.clause, p.cadence) for p in (first, second)] == [
        ("4b.1", "on capacity building in the region.²", "continuous"),
        ("4b.2", "Joint training courses will be held annually.", "annual")]
    text = target.subparagraph.text
    assert text[first.start:first.end] == first.clause and text[second.start:second.end] == second.clause
    assert [p.ref for p in onboarding.proposals.order_by("position")] == ["3.1", "3.2", "4a", "4b.1", "4b.2", "5.1", "6.1"]
    assert owners_of(second) == owners_of(first)


def test_a_split_elsewhere_than_a_place_offered_is_refused(onboarding, administrator):
    with pytest.raises(ValidationError) as error:
        services.proposal_split(proposal=proposal(onboarding, "4b"), by=administrator, at=3)
    assert error.value.message_dict == {"at": ["Choose one of the places offered: a sentence's end or a verb."]}


def test_a_merge_with_the_next_of_the_paragraph_quotes_the_text_from_one_to_the_other(onboarding, administrator):
    merged = services.proposal_merge(proposal=proposal(onboarding, "3.1"), by=administrator)
    assert (merged.ref, merged.clause, merged.strength) == (
        "3.1", "The EU and Freedonia will hold annual consultations on maritime security and will explore joint exercises.",
        "firm")
    assert merged.clause in merged.paragraph.text
    assert [p.ref for p in onboarding.proposals.order_by("position")] == ["3.1", "4a", "4b", "5.1", "6.1"]


def test_the_last_proposal_of_a_paragraph_has_nothing_to_merge_with(onboarding, administrator):
    with pytest.raises(ValidationError) as error:
        services.proposal_merge(proposal=proposal(onboarding, "3.2"), by=administrator)
    assert error.value.messages == ["There is no next proposal in the same paragraph to merge with."]


def test_a_dropped_proposal_is_left_out_of_the_numbering_until_it_is_kept_again(onboarding, administrator):
    services.proposal_drop(proposal=proposal(onboarding, "4a"), by=administrator)
    assert [p.ref for p in onboarding.proposals.filter(dropped=False).order_by("position")] == [
        "3.1", "3.2", "4b", "5.1", "6.1"]
    services.proposal_drop(proposal=onboarding.proposals.get(dropped=True), by=administrator, dropped=False)
    assert [p.ref for p in onboarding.proposals.order_by("position")] == ["3.1", "3.2", "4a", "4b", "5.1", "6.1"]


def test_an_organisation_of_the_new_party_is_added_and_may_lead_every_side_without_a_lead(onboarding, administrator):
    mfa = add_mfa(onboarding, administrator)
    assert (mfa.party.code, mfa.short_name) == ("RF", "MFA")
    assert services.owners_fill(onboarding=onboarding, by=administrator, party="RF", organisation="rf-mfa") == 6
    assert {p.ref: owners_of(p)["RF"] for p in onboarding.proposals.all()} == {
        ref: (["rf-mfa"], []) for ref in ("3.1", "3.2", "4a", "4b", "5.1", "6.1")}
    assert AuditEntry.objects.get(action="organisation added while onboarding").details["party"] == "RF"


@pytest.mark.parametrize(("party", "slug", "errors"), [
    ("EU", "eu-new", {"party": ["Choose the new party. The EU's bodies (and those of any party in another partnership) "
                                "are shared by every partnership: an administrator adds them in the admin."]}),
    ("RF", "eeas", {"slug": ["The slug “eeas” is taken: choose another."]}),
    ("RF", "RF MFA", {"slug": ["A slug is lower-case letters, digits and hyphens, at most 60 (e.g. rf-mfa)."]}),
])
def test_an_organisation_the_rules_refuse_is_not_added(onboarding, administrator, party, slug, errors):
    count = Organisation.objects.count()
    with pytest.raises(ValidationError) as error:
        services.onboarding_add_organisation(onboarding=onboarding, by=administrator, party=party, slug=slug,
                                             short_name="New", name="A new body")
    assert (error.value.message_dict, Organisation.objects.count()) == (errors, count)


def test_publishing_refuses_every_side_without_a_lead_on_its_proposal_and_writes_nothing(onboarding, administrator):
    with pytest.raises(services.PublishRefused) as refused:
        services.onboarding_publish(onboarding=onboarding, by=administrator)
    by_ref = {onboarding.proposals.get(pk=pk).ref: messages for pk, messages in refused.value.problems.items()}
    assert by_ref == {ref: ["no lead organisation on the RF side"] for ref in ("3.1", "3.2", "4a", "4b", "5.1", "6.1")}
    assert not Commitment.objects.filter(paragraph__partnership=onboarding.partnership).exists()


def test_publishing_writes_the_kept_proposals_as_commitments_once(onboarding, administrator):
    add_mfa(onboarding, administrator)
    services.owners_fill(onboarding=onboarding, by=administrator, party="RF", organisation="rf-mfa")
    services.owners_fill(onboarding=onboarding, by=administrator, party="EU", organisation="eeas")
    services.proposal_drop(proposal=proposal(onboarding, "6.1"), by=administrator)
    assert services.onboarding_publish(onboarding=onboarding, by=administrator) == 5
    commitments = Commitment.objects.filter(paragraph__partnership=onboarding.partnership).order_by("paragraph__number", "position")
    assert [(c.ref, c.strength, c.cadence, sorted(s.party.code for s in c.sides.all())) for c in commitments] == [
        ("3.1", "firm", "annual", ["EU", "RF"]), ("3.2", "exploratory", "continuous", ["EU", "RF"]),
        ("4a", "firm", "six_monthly", ["EU", "RF"]), ("4b", "firm", "annual", ["EU", "RF"]),
        ("5.1", "exploratory", "continuous", ["RF"])]
    onboarding.refresh_from_db()
    assert (onboarding.state, onboarding.published_by) == ("published", administrator)
    entries = AuditEntry.objects.filter(action="commitments loaded").count()
    assert services.onboarding_publish(onboarding=onboarding, by=administrator) == 5  # again: nothing to write
    assert AuditEntry.objects.filter(action="commitments loaded").count() == entries


WORDS = st.one_of(st.text(max_size=30), st.sampled_from(["", "RF", "EU", "a\x00b", "rf-mfa", "x" * 300]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(WORDS, min_size=4, max_size=4), st.lists(WORDS, min_size=2, max_size=2))
def test_the_services_refuse_any_values_with_a_validation_error_and_nothing_else(onboarding, administrator, words, pair):
    party, slug, short_name, name = words
    for attempt in (
        lambda: services.onboarding_add_organisation(onboarding=onboarding, by=administrator, party=party, slug=slug,
                                                     short_name=short_name, name=name),
        lambda: services.owners_fill(onboarding=onboarding, by=administrator, party=pair[0], organisation=pair[1]),
        lambda: services.proposal_edit(proposal=proposal(onboarding, "3.1"), by=administrator, title=name,
                                       strength=pair[0], cadence=pair[1], cadence_note=short_name,
                                       owners={"EU": {slug: party}}),
    ):
        try:
            with transaction.atomic():
                attempt()
        except ValidationError:
            pass
