"""What the encoding says around a commitment: links to other commitments and to the dialogue series that carry it
(seen from both ends), the conditions of the text that govern it and the instruments it refers to — loaded from the
fixtures and checked against the text, shown on its page, in the API and in the exports."""

import csv
import io
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments.models import CommitmentLink
from tests.conftest import commitment


def links_of(ref: str) -> set[tuple]:
    """The links as the commitment's page lists them: (label, the other end)."""
    from commitments.selectors import references

    found = references([commitment(ref).pk])[commitment(ref).pk]
    return {(link.label, link.reference or link.series_name) for link in found.links}


# --- what the fixtures encode -------------------------------------------------------------------------------------


def test_the_dialogue_machinery_links_each_end_to_the_other(partnership):
    assert links_of("12c") == {
        ("Fulfilled by", "Security and Defence Dialogue"), ("Related to", "¶60.1"), ("Needed by", "¶12(d)"),
        ("Needed by", "¶61.1"),
    }
    assert links_of("12d") == {("Fulfilled by", "Working-level consultations"), ("Depends on", "¶12(c)")}
    assert links_of("61.1") == {("Fulfilled by", "Security and Defence Dialogue"), ("Depends on", "¶12(c)"),
                                ("Related to", "¶60.1"), ("Reviews", "¶13.2")}
    assert {("Related to", "¶12(c)"), ("Related to", "¶61.1"), ("Reviews", "¶11.1")} <= links_of("60.1")
    assert ("Carried by", "Security and Defence Dialogue") in links_of("60.1")  # monitored there, not fulfilled


def test_the_thematic_dialogues_link_to_their_areas_and_the_pairs_to_each_other(partnership):
    assert {("Related to", f"¶{ref}") for ref in ("31.1", "32.1", "32.2", "32.3")} <= links_of("12e.1")
    assert ("Related to", "¶12(e).1") in links_of("32.2")
    assert ("Related to", "¶39.1") in links_of("12e.2") and ("Related to", "¶12(e).2") in links_of("39.1")
    assert {("Related to", f"¶{ref}") for ref in ("40.1", "40.2", "41.1")} <= links_of("12e.3")
    assert ("Depends on", "¶17.2") in links_of("17.1") and ("Needed by", "¶17.1") in links_of("17.2")
    assert ("Related to", "¶18.2") in links_of("18.1") and ("Related to", "¶18.1") in links_of("18.2")
    assert ("Related to", "¶21.1") in links_of("20.1") and ("Related to", "¶20.1") in links_of("21.1")
    assert ("Related to", "¶47.1") in links_of("46.1") and ("Related to", "¶46.1") in links_of("47.1")


def test_a_one_off_that_sets_up_something_recurring_links_to_its_series(partnership):
    assert ("Establishes", "Dialogue on peace mediation, conflict prevention, stabilisation and crisis management") \
        in links_of("15.1")
    assert ("Establishes", "EEAS Crisis Response Centre – FCDO Crisis Management Department contacts") in links_of("19.1")
    assert ("Establishes", "Space security exchanges") in links_of("28.1")


def test_conditions_quote_the_paragraph_and_footnote_1_governs_every_commitment(partnership):
    from commitments.selectors import references

    found = references([commitment(ref).pk for ref in ("25.2", "46.1", "49.2", "14.1")])
    by_ref = {ref: found[commitment(ref).pk].conditions for ref in ("25.2", "46.1", "49.2", "14.1")}
    assert [(c.label, c.words) for c in by_ref["25.2"] if not c.whole_partnership] == [
        ("In accordance with the respective legal frameworks", "in accordance with the respective legal frameworks")]
    assert [c.words for c in by_ref["46.1"] if not c.whole_partnership] == [
        "Such exchanges would be carried out in accordance with the Security of Information Agreement."]
    assert {c.slug for c in by_ref["49.2"]} == {"eu-nato-guiding-principles", "decision-making-autonomy",
                                               "territorial-scope"}
    assert [(c.slug, c.stated_in) for c in by_ref["14.1"]] == [("territorial-scope", "footnote 1")]


def test_instruments_are_linked_from_the_commitments_whose_paragraph_names_them(partnership):
    from commitments.selectors import references

    found = references([commitment(ref).pk for ref in ("40.1", "26.2", "21.2", "42.1")])
    named = {ref: [i.short_name for i in found[commitment(ref).pk].instruments] for ref in ("40.1", "26.2", "21.2", "42.1")}
    assert named == {"40.1": ["BTWC", "CWC", "NPT", "TCA"], "26.2": ["PESCO Military Mobility", "PESCO third-State conditions"],
                     "21.2": ["EU Civil Protection Mechanism"], "42.1": ["EPF"]}


# --- the loader refuses what the text does not say -----------------------------------------------------------------


@pytest.fixture
def fixtures(tmp_path, settings):
    copy = tmp_path / "fixtures"
    shutil.copytree(settings.BASE_DIR / "fixtures", copy)
    return copy


def edit(fixtures, old: str, new: str) -> None:
    path = fixtures / "commitments.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def seed(fixtures):
    call_command("seed", "--fixtures", str(fixtures), stdout=StringIO())


def test_condition_words_not_in_the_paragraph_are_refused_and_nothing_changes(partnership, fixtures):
    edit(fixtures, 'respective-legal-frameworks = "in accordance with the respective legal frameworks"',
         'respective-legal-frameworks = "in accordance with international law"')
    before = list(CommitmentLink.objects.values_list("pk", flat=True))
    with pytest.raises(CommandError, match="'25.2'.*respective-legal-frameworks.*not quoted exactly"):
        seed(fixtures)
    assert list(CommitmentLink.objects.values_list("pk", flat=True)) == before


def test_an_instrument_the_paragraph_does_not_name_is_refused(partnership, fixtures):
    edit(fixtures, 'instruments = ["unclos"]', 'instruments = ["unclos", "npt"]')
    with pytest.raises(CommandError, match="'22.2'.*does not name instrument 'npt'"):
        seed(fixtures)


@pytest.mark.parametrize(("old", "new", "message"), [
    ('{ kind = "depends_on", to = "17.2"', '{ kind = "depends_on", to = "99.9"', "'17.1'.*another commitment.*'99.9'"),
    ('{ kind = "depends_on", to = "17.2"', '{ kind = "depends_on", to = "17.1"', "'17.1'.*another commitment.*'17.1'"),
    ('{ kind = "carried_by", series = "cyber-dialogue" }', '{ kind = "carried_by", series = "no-such-series" }',
     "'12e.1'.*dialogue series.*'no-such-series'"),
    ('{ kind = "carried_by", series = "cyber-dialogue" }', '{ kind = "carried_by", to = "31.1" }',
     "'12e.1'.*dialogue series"),
    ('{ kind = "related_to", to = "31.1" }', '{ kind = "follows", to = "31.1" }', "'12e.1'.*kind must be one of"),
    ('{ kind = "related_to", to = "32.1" }', '{ kind = "related_to", to = "31.1" }', "'12e.1'.*written twice"),
])
def test_a_link_to_nothing_to_itself_of_no_kind_or_twice_is_refused(partnership, fixtures, old, new, message):
    edit(fixtures, old, new)
    with pytest.raises(CommandError, match=message):
        seed(fixtures)


def test_a_related_link_written_on_both_ends_is_refused(partnership, fixtures):
    edit(fixtures, 'ref = "18.2"\n', 'ref = "18.2"\nlinks = [{ kind = "related_to", to = "18.1" }]\n')
    # The new key sits before the entry's other keys: TOML allows it, and the loader reads the entry as a table.
    with pytest.raises(CommandError, match="'18.1' and '18.2' are related_to each other twice"):
        seed(fixtures)


@pytest.mark.parametrize(("old", "new", "message"), [
    ('instruments = ["unclos"]', 'instruments = "unclos"', "'22.2'.*instruments must be a list of strings"),
    ('conditions = { unclos = ', 'conditions = { unclos = 1, x = ', "'22.2'.*conditions must be a table of strings"),
    ('slug = "unclos"\nshort_name', 'slug = "UNCLOS!"\nshort_name', "instrument 'UNCLOS!'.*lower-case letters"),
])
def test_a_mistyped_entry_is_refused_not_a_crash(partnership, fixtures, old, new, message):
    edit(fixtures, old, new)
    with pytest.raises(CommandError, match=message):
        seed(fixtures)


def test_an_instrument_no_commitment_cites_is_refused(partnership, fixtures):
    edit(fixtures, 'instruments = ["epf"]', 'instruments = []')
    with pytest.raises(CommandError, match="instrument 'epf' is cited by no commitment"):
        seed(fixtures)


def test_a_link_dropped_from_the_file_is_removed_and_audited(partnership, fixtures):
    edit(fixtures, '  { kind = "related_to", to = "47.1", note = "Both concern the exchange of classified information." },\n', "")
    seed(fixtures)
    assert ("Related to", "¶47.1") not in links_of("46.1")
    from audit.models import AuditEntry

    entry = AuditEntry.objects.order_by("-pk").filter(action="commitment references loaded").first()
    assert entry.details == {"file": "commitments.toml", "rows written": 1}


# --- the commitment page, the instruments page, the API and the export ----------------------------------------------


def test_the_commitment_page_shows_its_links_from_both_ends_its_conditions_instruments_and_why_these_owners(
        client, analyst, partnership):
    client.force_login(analyst)
    html = client.get(commitment("12d").get_absolute_url()).content.decode()
    assert "Depends on</strong>" in html and f'href="/commitments/{commitment("12c").pk}/"' in html
    assert "Working-level consultations</a>" in html and "(dialogue series)" in html
    other_end = client.get(commitment("12c").get_absolute_url()).content.decode()
    assert "Needed by</strong>" in other_end and f'href="/commitments/{commitment("12d").pk}/"' in other_end
    page = client.get(commitment("46.1").get_absolute_url()).content.decode()
    assert "Under the Security of Information Agreement: <q>Such exchanges would be carried out" in page
    assert "(footnote 1, for the whole Partnership)" in page
    assert '/commitments/instruments/?partnership=eu-uk-sdp-2025#security-of-information-agreement' in page
    assert "Why these owners</dt><dd>Situational awareness and threat assessments" in page


def test_the_instruments_page_lists_each_with_the_commitments_citing_it(client, analyst, partnership):
    client.force_login(analyst)
    response = client.get(reverse("commitments:instruments"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="unclos"' in html and "United Nations Convention on the Law of the Sea" in html
    assert f'href="/commitments/{commitment("22.2").pk}/"' in html
    assert [i.slug for i in response.context["instruments"]][:3] == ["btwc", "cwc", "epf"]  # by short name
    assert client.get(reverse("commitments:instruments"), {"partnership": "nowhere"}).status_code == 404
    assert client.get(reverse("commitments:instruments"), {"partnership": "a\x00b"}).status_code == 404


def test_an_account_without_a_role_sees_neither_page(client, outsider, partnership):
    client.force_login(outsider)
    assert client.get(reverse("commitments:instruments")).status_code == 403
    assert client.get(commitment("12d").get_absolute_url()).status_code == 403
    assert client.get(f"/api/commitments/{commitment('12d').pk}/").status_code == 403


def test_the_api_carries_links_conditions_instruments_and_the_reason_for_the_owners(client, analyst, partnership):
    client.force_login(analyst)
    body = client.get(f"/api/commitments/{commitment('12d').pk}/").json()
    assert body["links"] == [
        {"relation": "fulfilled_by", "commitment": None, "ref": None, "series": "working-level-consultations", "note": ""},
        {"relation": "depends_on", "commitment": commitment("12c").pk, "ref": "12c", "series": None,
         "note": "Prepares the Dialogue and follows up the guidance it sets."},
    ]
    assert [c["condition"] for c in body["conditions"]] == ["roles-of-council-and-hr", "territorial-scope"]
    other_end = client.get(f"/api/commitments/{commitment('12c').pk}/").json()
    assert {"relation": "needed_by", "commitment": commitment("12d").pk, "ref": "12d", "series": None,
            "note": "Prepares the Dialogue and follows up the guidance it sets."} in other_end["links"]
    listed = {c["ref"]: c for c in client.get("/api/commitments/?paragraph=22").json()["results"]}
    assert listed["22.2"]["instruments"] == [
        {"instrument": "unclos", "short_name": "UNCLOS", "name": "United Nations Convention on the Law of the Sea"}]
    assert client.get(f"/api/commitments/{commitment('21.1').pk}/").json()["lead_reason"].startswith(
        "Disaster response and the EU Civil Protection Mechanism are DG ECHO's")


def test_the_export_has_a_column_for_each(client, analyst, partnership):
    client.force_login(analyst)
    response = client.get(reverse("reports:commitments", args=["csv"]), {"paragraph": "12"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8")[1:])))
    columns = rows[rows.index([]) + 1]
    data = {row[0]: dict(zip(columns, row)) for row in rows[rows.index([]) + 2:]}
    assert data["¶12(d)"]["Links"] == "fulfilled by Working-level consultations; depends on ¶12(c)"
    assert data["¶12(d)"]["Conditions"] == ("Ensuring the respective roles of the Council and the HR; "
                                            "Territorial scope in line with TCA article 774")
    assert data["¶12(e).1"]["Instruments referred to"] == "TCA"
    assert data["¶12(a)"]["Why these owners"].startswith("The text names “the UK Foreign and Defence Secretaries”")


def test_the_commitment_page_and_the_list_read_no_more_queries_with_more_links(client, analyst, partnership):
    client.force_login(analyst)
    urls = [commitment("12c").get_absolute_url(), "/api/commitments/", reverse("commitments:instruments")]

    def counts() -> list[int]:
        seen = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            seen.append(len(queries.captured_queries))
        return seen

    before = counts()
    sdd = commitment("12c")
    for ref in ("14.2", "14.3", "14.4", "15.1", "15.2"):
        CommitmentLink.objects.create(source=commitment(ref), kind="related_to", target=sdd)
    CommitmentLink.objects.create(source=sdd, kind="depends_on", target=commitment("14.1"))
    assert counts() == before
