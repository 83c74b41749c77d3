"""Every operative clause is a commitment with owners on each side it binds, a strength, a cadence and a status."""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from agreement.models import Organisation
from audit.models import AuditEntry
from commitments.models import (
    Commitment, CommitmentCondition, CommitmentLink, CommitmentSide, Instrument, Ownership, StatusUpdate,
)
from commitments.status import Cadence, Status, Strength


def test_every_paragraph_from_11_to_62_has_a_commitment_and_none_before(partnership):
    numbers = set(Commitment.objects.values_list("paragraph__number", flat=True))
    assert numbers == set(range(11, 63))


def test_paragraph_14_holds_several_commitments(partnership):
    titles = list(Commitment.objects.filter(paragraph__number=14).values_list("title", flat=True))
    assert len(titles) >= 4
    clauses = " ".join(Commitment.objects.filter(paragraph__number=14).values_list("clause", flat=True))
    assert "Ukraine" in clauses and "sanctions" in clauses


def test_12a_to_12f_are_commitments_split_only_where_their_clauses_have_owners_of_their_own(partnership):
    in_12 = Commitment.objects.filter(paragraph__number=12).select_related("paragraph", "subparagraph")
    assert [(c.ref, c.subparagraph.label) for c in in_12.order_by("position")] == [
        ("12a", "a"), ("12b.1", "b"), ("12b.2", "b"), ("12c", "c"), ("12d", "d"),
        ("12e.1", "e"), ("12e.2", "e"), ("12e.3", "e"), ("12f", "f"),
    ]
    by_ref = {c.ref: c for c in in_12}
    assert by_ref["12a"].cadence == Cadence.SIX_MONTHLY
    assert by_ref["12c"].cadence == by_ref["12d"].cadence == Cadence.ANNUAL
    assert [by_ref[ref].reference for ref in ("12a", "12b.1", "12e.3")] == ["¶12(a)", "¶12(b).1", "¶12(e).3"]
    # Each invitation binds the side that invites; each TCA dialogue has owners of its own.
    assert list(by_ref["12b.1"].sides.values_list("party__code", flat=True)) == ["EU"]
    assert list(by_ref["12b.2"].sides.values_list("party__code", flat=True)) == ["UK"]
    assert [by_ref[ref].clause for ref in ("12e.1", "12e.2")] == ["cyber issues", "counter-terrorism"]


def test_12f_says_what_the_text_says_and_records_the_ambiguity(partnership):
    forum = Commitment.objects.get(ref="12f")
    assert "biannual" in forum.clause
    assert forum.cadence == Cadence.SIX_MONTHLY
    assert "twice a year" in forum.cadence_note and "every second year" in forum.cadence_note
    assert "2023" not in forum.cadence_note and "2024" not in forum.cadence_note  # dates no source gives


def test_a_firm_clause_beside_an_aspirational_one_a_discrete_step_and_parts_with_other_owners_are_split(partnership):
    split = {c.ref: c for c in Commitment.objects.filter(ref__in=["13.1", "13.2", "26.1", "26.2", "51.1", "51.2"])}
    assert (split["13.1"].strength, split["13.2"].strength) == ("firm", "exploratory")
    assert split["13.2"].clause == "aim to expand their cooperation including in the following areas:"
    assert (split["26.2"].strength, split["26.2"].cadence) == ("firm", "one_off")
    assert split["26.2"].clause in split["26.1"].clause  # the step is named inside the wider clause, kept whole
    assert split["51.2"].clause == "collaborating on joint training initiatives."
    leads = {(o.side.commitment.ref, o.side.party.code): o.organisation.slug
             for o in Ownership.objects.filter(role="lead", side__commitment__in=split.values())
             .select_related("side__commitment", "side__party", "organisation")}
    assert (leads[("51.1", "EU")], leads[("51.2", "EU")]) == ("eeas", "esdc")
    assert (leads[("26.1", "EU")], leads[("26.2", "EU")]) == ("eeas", "council")


def test_the_cadences_follow_the_text(partnership):
    refs = ["31.1", "34.1", "15.1", "19.1", "28.1"]
    assert dict(Commitment.objects.filter(ref__in=refs).values_list("ref", "cadence")) == {
        "31.1": "regular", "34.1": "continuous", "15.1": "one_off", "19.1": "one_off", "28.1": "one_off",
    }


def test_every_side_has_one_lead_or_the_two_the_text_names_as_equals(partnership):
    sides = CommitmentSide.objects.prefetch_related("owners__organisation").select_related("party", "commitment")
    assert not Commitment.objects.filter(sides__isnull=True).exists()
    joint = {}
    for side in sides:
        owners = list(side.owners.all())
        leads = sorted(o.organisation.slug for o in owners if o.role == Ownership.Role.LEAD)
        assert leads, side
        assert all(o.organisation.party_id == side.party_id for o in owners), side
        if len(leads) > 1:
            joint[(side.commitment.ref, side.party.code)] = leads
    # 12(a): "the UK Foreign and Defence Secretaries"; 12(c): the FCDO "and the UK Ministry of Defence"; 61.1 is
    # reviewed in that Dialogue.
    assert joint == {("12a", "UK"): ["fcdo", "mod"], ("12c", "UK"): ["fcdo", "mod"], ("61.1", "UK"): ["fcdo", "mod"]}


def test_a_clause_naming_one_side_binds_only_that_side(partnership):
    uk_only = Commitment.objects.get(paragraph__number=17, clause__startswith="The UK will consider")
    assert list(uk_only.sides.values_list("party__code", flat=True)) == ["UK"]
    both = Commitment.objects.get(paragraph__number=19)
    assert sorted(both.sides.values_list("party__code", flat=True)) == ["EU", "UK"]


def leads():
    return {
        (o.side.commitment.ref, o.side.party.code): o.organisation.slug
        for o in Ownership.objects.filter(role="lead").select_related("side__commitment", "side__party", "organisation")
    }


def test_named_bodies_lead_on_their_side(partnership):
    found = leads()
    assert found[("19.1", "EU")] == "eeas-crc" and found[("19.1", "UK")] == "fcdo-cmd"
    assert found[("27.1", "EU")] == "eda"
    assert found[("12a", "EU")] == "hrvp"
    assert found[("12c", "EU")] == "eeas-dsg"


def test_the_body_that_does_the_work_leads_where_the_text_names_none_and_says_why(partnership):
    expected = {
        ("21.1", "EU"): "dg-echo", ("21.2", "EU"): "dg-echo", ("25.1", "EU"): "dg-defis", ("25.2", "EU"): "dg-defis",
        ("35.2", "EU"): "dg-home", ("35.2", "UK"): "cabinet-office", ("47.1", "UK"): "uk-nsa",
        ("56.1", "EU"): "dg-home", ("56.1", "UK"): "home-office", ("12e.2", "UK"): "home-office",
        ("39.1", "UK"): "home-office", ("46.1", "EU"): "intcen", ("46.1", "UK"): "jio", ("59.1", "EU"): "dg-sante",
        ("59.1", "UK"): "dhsc",
    }
    found = leads()
    assert {key: found[key] for key in expected} == expected
    supporting = set(Ownership.objects.filter(role="supporting").values_list("side__commitment__ref", "organisation__slug"))
    assert {("14.4", "ofsi"), ("14.4", "council"), ("56.1", "frontex"), ("56.1", "europol"), ("12e.1", "ncsc"),
            ("12e.3", "ecju"), ("14.2", "commission")} <= supporting
    refs = {ref for ref, _ in expected}
    without_reason = Commitment.objects.filter(ref__in=refs, lead_reason="").values_list("ref", flat=True)
    assert list(without_reason) == []


def test_instruments_are_not_organisations_and_own_nothing(partnership):
    assert not Organisation.objects.filter(slug__in=["ucpm", "epf"]).exists()
    assert {"ucpm", "epf"} <= set(Instrument.objects.values_list("slug", flat=True))


def test_every_clause_quotes_its_paragraph_exactly(partnership):
    for commitment in Commitment.objects.select_related("paragraph", "subparagraph"):
        source = commitment.subparagraph.text if commitment.subparagraph else commitment.paragraph.text
        assert commitment.clause in source, commitment.ref
        commitment.full_clean()


def test_strength_and_cadence_use_the_vocabulary_and_both_strengths_occur(partnership):
    strengths = set(Commitment.objects.values_list("strength", flat=True))
    assert strengths == {Strength.FIRM, Strength.EXPLORATORY}
    assert set(Commitment.objects.values_list("cadence", flat=True)) <= set(Cadence.values)
    assert Commitment.objects.get(ref="27.1").strength == Strength.EXPLORATORY


def test_statuses_start_not_yet_assessed_and_nothing_is_invented(partnership):
    assert set(Commitment.objects.values_list("status", flat=True)) == {Status.NOT_ASSESSED}
    assert set(CommitmentSide.objects.values_list("status", flat=True)) == {Status.NOT_ASSESSED}
    assert not StatusUpdate.objects.exists()
    assert not Commitment.objects.filter(target_date__isnull=False).exists()


def snapshot():
    return (
        list(Commitment.objects.values_list("pk", "ref", "title", "clause", "strength", "cadence", "position", "status")),
        list(CommitmentSide.objects.values_list("pk", "commitment_id", "party_id", "status")),
        list(Ownership.objects.values_list("pk", "side_id", "organisation_id", "role").order_by("pk")),
        list(CommitmentLink.objects.values_list("pk", "source", "kind", "target", "series", "note").order_by("pk")),
        list(CommitmentCondition.objects.values_list("pk", "commitment", "condition", "words").order_by("pk")),
        list(Instrument.commitments.through.objects.values_list("pk", "instrument", "commitment").order_by("pk")),
    )


def test_seeding_twice_changes_nothing(partnership):
    before, entries = snapshot(), AuditEntry.objects.count()
    out = StringIO()
    call_command("seed", stdout=out)
    assert "text unchanged" in out.getvalue()
    assert snapshot() == before
    assert AuditEntry.objects.count() == entries  # nothing was written, so nothing was audited


def test_a_misquoted_clause_in_the_fixture_is_refused_and_nothing_changes(partnership, tmp_path, settings):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(settings.BASE_DIR / "fixtures", fixtures)
    path = fixtures / "commitments.toml"
    path.write_text(path.read_text().replace("will hold regular exchanges on maritime security", "will hold weekly exchanges on maritime security", 1))
    before = snapshot()
    with pytest.raises(CommandError, match="22.1.*not quoted exactly"):
        call_command("seed", "--fixtures", str(fixtures), stdout=StringIO())
    assert snapshot() == before


def test_an_owner_from_the_wrong_side_is_refused(partnership, tmp_path, settings):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(settings.BASE_DIR / "fixtures", fixtures)
    path = fixtures / "commitments.toml"
    text = path.read_text()
    start = text.index('ref = "19.1"')
    path.write_text(text[:start] + text[start:].replace('lead = "fcdo-cmd"', 'lead = "eeas"', 1))
    with pytest.raises(CommandError, match="'eeas' is not a UK organisation"):
        call_command("seed", "--fixtures", str(fixtures), stdout=StringIO())


def test_an_organisation_named_twice_on_a_side_is_refused(partnership, tmp_path, settings):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(settings.BASE_DIR / "fixtures", fixtures)
    path = fixtures / "commitments.toml"
    text = path.read_text()
    start = text.index('ref = "12a"')
    path.write_text(text[:start] + text[start:].replace('UK = { lead = ["fcdo", "mod"] }',
                                                        'UK = { lead = ["fcdo"], supporting = ["fcdo"] }', 1))
    with pytest.raises(CommandError, match="12a.*named twice on the UK side"):
        call_command("seed", "--fixtures", str(fixtures), stdout=StringIO())


def test_an_organisation_no_longer_in_the_file_is_named_by_the_seed_and_left_in_place(partnership):
    old = Organisation.objects.create(party=Organisation.objects.get(slug="eeas").party, slug="old-body",
                                      short_name="Old", name="A body the fixtures no longer list")
    out = StringIO()
    call_command("seed", stdout=out)
    assert "No longer in organisations.toml, left for an administrator to remove: old-body." in out.getvalue()
    assert Organisation.objects.filter(pk=old.pk).exists()
