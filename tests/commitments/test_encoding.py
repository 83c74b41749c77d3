"""Every operative clause is a commitment with owners on each side it binds, a strength, a cadence and a status."""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from commitments.models import Commitment, CommitmentSide, Ownership, StatusUpdate
from commitments.status import Cadence, Status, Strength


def test_every_paragraph_from_11_to_62_has_a_commitment_and_none_before(partnership):
    numbers = set(Commitment.objects.values_list("paragraph__number", flat=True))
    assert numbers == set(range(11, 63))


def test_paragraph_14_holds_several_commitments(partnership):
    titles = list(Commitment.objects.filter(paragraph__number=14).values_list("title", flat=True))
    assert len(titles) >= 4
    clauses = " ".join(Commitment.objects.filter(paragraph__number=14).values_list("clause", flat=True))
    assert "Ukraine" in clauses and "sanctions" in clauses


def test_12a_to_12f_are_each_a_commitment_with_the_cadence_the_text_gives(partnership):
    by_label = {
        c.subparagraph.label: c for c in Commitment.objects.filter(paragraph__number=12).select_related("subparagraph")
    }
    assert sorted(by_label) == list("abcdef")
    assert by_label["a"].cadence == Cadence.SIX_MONTHLY
    assert by_label["c"].cadence == Cadence.ANNUAL
    assert by_label["d"].cadence == Cadence.ANNUAL
    assert "biannual" in by_label["f"].cadence_note


def test_every_commitment_has_exactly_one_lead_on_each_side_it_binds(partnership):
    sides = CommitmentSide.objects.prefetch_related("owners__organisation").select_related("party")
    assert not Commitment.objects.filter(sides__isnull=True).exists()
    for side in sides:
        owners = list(side.owners.all())
        assert [o.role for o in owners].count(Ownership.Role.LEAD) == 1, side
        assert all(o.organisation.party_id == side.party_id for o in owners), side


def test_a_clause_naming_one_side_binds_only_that_side(partnership):
    uk_only = Commitment.objects.get(paragraph__number=17, clause__startswith="The UK will consider")
    assert list(uk_only.sides.values_list("party__code", flat=True)) == ["UK"]
    both = Commitment.objects.get(paragraph__number=19)
    assert sorted(both.sides.values_list("party__code", flat=True)) == ["EU", "UK"]


def test_named_bodies_lead_on_their_side(partnership):
    leads = {
        (o.side.commitment.ref, o.side.party.code): o.organisation.slug
        for o in Ownership.objects.filter(role="lead").select_related("side__commitment", "side__party", "organisation")
    }
    assert leads[("19.1", "EU")] == "eeas-crc" and leads[("19.1", "UK")] == "fcdo-cmd"
    assert leads[("27.1", "EU")] == "eda"
    assert leads[("12a", "EU")] == "hrvp"
    assert leads[("12c", "EU")] == "eeas-dsg"


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


def snapshot():
    return (
        list(Commitment.objects.values_list("pk", "ref", "title", "clause", "strength", "cadence", "position", "status")),
        list(CommitmentSide.objects.values_list("pk", "commitment_id", "party_id", "status")),
        list(Ownership.objects.values_list("pk", "side_id", "organisation_id", "role").order_by("pk")),
    )


def test_seeding_twice_changes_nothing(partnership):
    before = snapshot()
    out = StringIO()
    call_command("seed", stdout=out)
    assert "text unchanged" in out.getvalue()
    assert snapshot() == before


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
