"""The published encoding as TOML, in the format of fixtures/commitments.toml: the download is what publishing
wrote, tomllib reads it back to the same data, and commitments.curation loads it back (the seed's loader) to the
same commitments."""

import io
import tomllib

import pytest

from audit.models import AuditEntry
from commitments.curation import load_commitments, load_organisations
from commitments.models import Commitment
from onboarding import services
from onboarding.export import commitments_toml, encoding, kept_proposals
from tests.onboarding.flow import imported

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(administrator):
    onboarding = imported(administrator)
    services.onboarding_add_organisation(onboarding=onboarding, by=administrator, party="RF", slug="rf-mfa",
                                         short_name="MFA", name="Ministry of Foreign Affairs of Freedonia")
    services.owners_fill(onboarding=onboarding, by=administrator, party="RF", organisation="rf-mfa")
    services.owners_fill(onboarding=onboarding, by=administrator, party="EU", organisation="eeas")
    target = onboarding.proposals.get(ref="3.1")
    services.proposal_edit(proposal=target, by=administrator, title='Hold "annual" consultations \\ at sea\x7f',
                           strength="firm", cadence="annual", cadence_note="Line one.\nLine two.",
                           owners={"EU": {"eeas": "lead", "eums": "supporting"}, "RF": {"rf-mfa": "lead"}})
    services.onboarding_publish(onboarding=onboarding, by=administrator)
    onboarding.refresh_from_db()
    return onboarding


def snapshot(partnership):
    return [(c.ref, c.paragraph.number, c.subparagraph.label if c.subparagraph_id else None, c.title, c.clause,
             c.strength, c.cadence, c.cadence_note, sorted((s.party.code, o.organisation.slug, o.role)
                                                          for s in c.sides.all() for o in s.owners.all()))
            for c in Commitment.objects.filter(paragraph__partnership=partnership).order_by("paragraph__number", "position")]


def test_the_download_is_the_fixtures_format_and_reads_back_as_what_was_published(client, administrator, published):
    client.force_login(administrator)
    response = client.get(f"/onboarding/{published.pk}/commitments.toml")
    assert response["Content-Type"] == "application/toml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="eufreedonia-partnership-commitments.toml"'
    text = response.content.decode()
    assert text == commitments_toml(published.partnership, encoding(kept_proposals(published)), published.filename)
    assert text.startswith("# Commitments of the Security and Defence Partnership between the European Union and the "
                           "Republic of Freedonia (Brussels, 3 March 2026).\n")
    assert '\n[[commitment]]\nref = "3.1"\nparagraph = 3\ntitle = "Hold \\"annual\\" consultations \\\\ at sea\\u007f"\n' in text
    assert 'EU = { lead = "eeas", supporting = ["eums"] }\nRF = { lead = "rf-mfa" }\n' in text
    assert tomllib.loads(text) == encoding(kept_proposals(published))
    assert client.get(f"/onboarding/{published.pk}/commitments.toml").content.decode() == text  # the same each time


def test_the_seeds_loader_loads_the_download_back_to_the_same_commitments(client, administrator, published, tmp_path):
    client.force_login(administrator)
    path = tmp_path / "eu-freedonia-commitments.toml"
    path.write_bytes(client.get(f"/onboarding/{published.pk}/commitments.toml").content)
    partnership = published.partnership
    before, loaded = snapshot(partnership), AuditEntry.objects.filter(action="commitments loaded").count()

    assert load_commitments(partnership, path) == 6
    assert (snapshot(partnership), AuditEntry.objects.filter(action="commitments loaded").count()) == (before, loaded)

    Commitment.objects.filter(paragraph__partnership=partnership).delete()
    assert load_commitments(partnership, path) == 6
    assert snapshot(partnership) == before
    assert before[0][3:] == ('Hold "annual" consultations \\ at sea\x7f', "The EU and Freedonia will hold annual "
                             "consultations on maritime security", "firm", "annual", "Line one.\nLine two.",
                             [("EU", "eeas", "lead"), ("EU", "eums", "supporting"), ("RF", "rf-mfa", "lead")])


def test_the_new_partys_organisations_download_loads_back_through_the_seeds_loader(client, administrator, published, tmp_path):
    client.force_login(administrator)
    text = client.get(f"/onboarding/{published.pk}/organisations.toml").content.decode()
    assert tomllib.loads(text) == {
        "party": [{"code": "RF", "name": "Republic of Freedonia"}],
        "organisation": [{"slug": "rf-mfa", "party": "RF", "short_name": "MFA",
                          "name": "Ministry of Foreign Affairs of Freedonia"}]}
    path = tmp_path / "organisations.toml"
    path.write_text(text)
    entries = AuditEntry.objects.count()
    assert load_organisations(path) == 1
    assert AuditEntry.objects.count() == entries  # all there already: nothing written


def test_seed_loads_the_onboarded_partnership_back_from_its_three_downloads(client, administrator, published, tmp_path):
    """The text as imported (in the seed's form), the encoding and the new party's organisations, put in a copy of
    fixtures/ with the entry the encoding's header gives: `seed` reads the text to the same agreement (it is
    "unchanged") and the same commitments, beside the EU–UK Partnership."""
    import shutil
    from pathlib import Path

    from django.core.management import call_command

    client.force_login(administrator)
    slug = published.partnership.slug
    fixtures = tmp_path / "fixtures"
    shutil.copytree(Path("fixtures"), fixtures)
    encoding_text = client.get(f"/onboarding/{published.pk}/commitments.toml").content.decode()
    (fixtures / f"{slug}-commitments.toml").write_text(encoding_text)
    (fixtures / f"{slug}.txt").write_bytes(client.get(f"/onboarding/{published.pk}/agreement.txt").content)
    organisations = client.get(f"/onboarding/{published.pk}/organisations.toml").content.decode()
    with open(fixtures / "organisations.toml", "a") as listed:
        listed.write("\n" + "\n".join(line for line in organisations.splitlines() if not line.startswith("#")) + "\n")
    entry = encoding_text.split("fixtures/partnerships.toml:\n", 1)[1].split("\n#\n", 1)[0]
    entry = "\n".join(line.removeprefix("# ").removeprefix("#") for line in entry.splitlines())
    [given] = tomllib.loads(entry)["partnership"]
    assert {key: value for key, value in given.items() if key != "part_headings"} == {
        "slug": slug, "short_title": "EU–Freedonia Partnership", "text": f"{slug}.txt",
        "commitments": f"{slug}-commitments.toml"}
    with open(fixtures / "partnerships.toml", "a") as listed:
        listed.write("\n" + entry + "\n")
    before = snapshot(published.partnership)

    out = io.StringIO()
    call_command("seed", fixtures=fixtures, stdout=out)

    assert "EU–Freedonia Partnership: text unchanged; 6 commitments" in out.getvalue()
    assert snapshot(published.partnership) == before
