"""The onboarding pages, as an administrator uses them without JavaScript: upload, preview, corrections, import,
proposals, edits and publishing, each refusal on its field with a 400; bounded queries on the proposals page; any
typed value answered without a server error; and nobody but an administrator let in."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitments.models import Commitment
from onboarding.models import Onboarding, ProposedCommitment
from tests.onboarding.flow import correct, imported, undated_pdf, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_an_upload_through_the_page_leads_to_its_preview_with_the_blocking_doubt_linked_to_its_line(admin_client):
    response = admin_client.post("/onboarding/upload/", {"file": SimpleUploadedFile("eu-freedonia.pdf", undated_pdf())})
    onboarding = Onboarding.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/onboarding/{onboarding.pk}/")
    page = admin_client.get(response["Location"]).content.decode()
    assert "1 doubt must be resolved before the import" in page
    assert (f'<a href="/onboarding/{onboarding.pk}/lines/?around=75#line-75">Page 4, line 75</a> (date): no closing '
            "line such as “Adopted in London on 19 May 2025.”: enter the date of adoption") in page
    assert '<button type="button" class="button" disabled aria-describedby="import-blocked">Import the text</button>' in page
    assert "Security and Defence Partnership between the European Union and the Republic of Freedonia" in page
    assert "<summary>Page furniture (8 lines)</summary>" in page
    assert 'Heading, roman · line 8' not in page and "Part, roman · line 8</span> Context" in page


def test_a_refused_upload_says_why_on_its_field(admin_client):
    response = admin_client.post("/onboarding/upload/", {"file": SimpleUploadedFile("notes.docx", b"PK\x03\x04")})
    page = response.content.decode()
    assert response.status_code == 400
    assert '<p class="field-error">Upload the agreement as a PDF (.pdf) or as text (.txt).</p>' in page
    assert '<a href="#id_file">The agreement: a PDF, or its text (.txt): Upload the agreement as a PDF' in page
    assert page.count('aria-invalid="true"') == 1
    assert not Onboarding.objects.exists()


def test_the_lines_page_shows_the_line_asked_for_among_its_neighbours_whatever_is_asked(admin_client, administrator):
    onboarding = upload(administrator)
    page = admin_client.get(f"/onboarding/{onboarding.pk}/lines/?around=46").content.decode()
    assert '<tr id="line-46" class="asked">' in page and "<td>Cyber security</td><td>heading: area, plain</td>" in page
    assert 'id="line-16"' in page and 'id="line-15"' not in page
    for hostile in ("abc", "-3", "99999999999", "\x00", "4" * 50, "²", "٣"):
        assert admin_client.get(f"/onboarding/{onboarding.pk}/lines/", {"around": hostile}).status_code == 200


def test_a_correction_through_the_page_is_read_again_and_a_bad_one_is_refused_on_its_field(admin_client, administrator):
    onboarding = upload(administrator)
    url = f"/onboarding/{onboarding.pk}/correct/"
    response = admin_client.post(url, {"adopted_on": "2026-03-03", "place": "Brussels", "start_line": "80",
                                       "party_1": "European Union", "party_2": "Republic of Freedonia"})
    assert response.status_code == 400
    assert '<p class="field-error">The text has lines 1 to 75.</p>' in response.content.decode()
    assert "<title>Error: " in response.content.decode()
    response = admin_client.post(url, {"adopted_on": "2026-03-03", "place": "Brussels", "short_title": "EU–Freedonia",
                                       "party_1": "European Union", "party_2": "Republic of Freedonia"})
    assert (response.status_code, response["Location"]) == (302, f"/onboarding/{onboarding.pk}/")
    page = admin_client.get(response["Location"]).content.decode()
    assert "Read again with your corrections." in page and "doubts-title" not in page
    assert f'<form method="post" action="/onboarding/{onboarding.pk}/import/">' in page


def test_marking_a_line_through_the_page_and_a_line_out_of_the_text_refused(admin_client, administrator):
    onboarding = upload(administrator)
    url = f"/onboarding/{onboarding.pk}/line/"
    assert admin_client.post(url, {"line": "46", "role": "part"}).status_code == 302
    assert "Part, marked · line 46</span> Cyber security" in admin_client.get(f"/onboarding/{onboarding.pk}/").content.decode()
    response = admin_client.post(url, {"line": "76", "role": "drop"})
    assert response.status_code == 400 and '<p class="field-error">The text has lines 1 to 75.</p>' in response.content.decode()


def test_the_import_is_refused_while_the_doubt_stands_and_then_leads_to_the_proposals(admin_client, administrator):
    onboarding = upload(administrator)
    response = admin_client.post(f"/onboarding/{onboarding.pk}/import/")
    assert response.status_code == 400 and "The text was not imported" in response.content.decode()
    correct(onboarding, administrator)
    response = admin_client.post(f"/onboarding/{onboarding.pk}/import/")
    assert (response.status_code, response["Location"]) == (302, f"/onboarding/{onboarding.pk}/proposals/")
    assert admin_client.post(f"/onboarding/{onboarding.pk}/import/").status_code == 302  # again: nothing changes
    assert ProposedCommitment.objects.filter(onboarding=onboarding).count() == 6


def test_the_proposals_page_shows_each_proposal_with_its_cadence_and_owners(admin_client, administrator):
    onboarding = imported(administrator)
    page = admin_client.get(f"/onboarding/{onboarding.pk}/proposals/").content.decode()
    refs = re.findall(r'<span class="ref">(¶[^<]+)</span>', page)
    assert refs == ["¶3.1", "¶3.2", "¶4(a)", "¶4(b)", "¶5.1", "¶6.1"]
    assert '<blockquote class="clause">The EU and Freedonia will hold annual consultations on maritime security</blockquote>' in page
    assert "<div><dt>RF</dt><dd><strong class=\"no-lead\">no lead yet</strong></dd></div>" in page
    assert "<strong>6</strong> still have a side without a lead organisation" in page
    # The new party's organisations may be added here, not the EU's: they are shared with the other partnership.
    assert '<option value="RF">Republic of Freedonia (RF)</option>' in page and '<option value="EU">' not in page


def test_the_proposals_page_reads_the_same_few_queries_however_many_proposals(admin_client, administrator,
                                                                            django_assert_max_num_queries):
    onboarding = imported(administrator)
    url = f"/onboarding/{onboarding.pk}/proposals/"
    with django_assert_max_num_queries(14):
        assert admin_client.get(url).status_code == 200
    template = onboarding.proposals.get(ref="6.1")
    ProposedCommitment.objects.bulk_create([ProposedCommitment(
        onboarding=onboarding, position=100 + n, ref=f"6.{n + 2}", paragraph=template.paragraph, start=0,
        clause=template.clause, title=template.title, strength="firm", cadence="regular", sides=template.sides)
        for n in range(60)])
    with django_assert_max_num_queries(14):
        assert admin_client.get(url).status_code == 200


def test_editing_splitting_and_publishing_through_the_pages(admin_client, administrator):
    onboarding = imported(administrator)
    base = f"/onboarding/{onboarding.pk}"
    response = admin_client.post(f"{base}/organisations/", {"party": "RF", "slug": "rf-mfa", "short_name": "MFA",
                                                            "name": "Ministry of Foreign Affairs of Freedonia"})
    assert response.status_code == 302
    assert admin_client.post(f"{base}/owners/", {"organisation": "rf-mfa"}).status_code == 302
    assert admin_client.post(f"{base}/owners/", {"organisation": "eeas"}).status_code == 302
    target = onboarding.proposals.get(ref="3.1")
    edit = {"title": "Annual maritime consultations", "strength": "firm", "cadence": "annual", "cadence_note": "",
            "owner_EU_eeas": "supporting", "owner_EU_hrvp": "lead", "owner_RF_rf-mfa": "lead"}
    assert admin_client.post(f"{base}/proposals/{target.pk}/", edit).status_code == 302
    split = onboarding.proposals.get(ref="4b")
    page = admin_client.get(f"{base}/proposals/{split.pk}/split/").content.decode()
    assert "on capacity building in the region.² ‖ Joint training courses will be held …" in page
    assert admin_client.post(f"{base}/proposals/{split.pk}/split/", {"at": "37"}).status_code == 302
    response = admin_client.post(f"{base}/publish/")
    assert (response.status_code, response["Location"]) == (302, f"{base}/proposals/")
    commitments = Commitment.objects.filter(paragraph__partnership=onboarding.partnership)
    assert sorted(commitments.values_list("ref", flat=True)) == ["3.1", "3.2", "4a", "4b.1", "4b.2", "5.1", "6.1"]
    first = commitments.get(ref="3.1")
    assert first.title == "Annual maritime consultations"
    assert sorted((s.party.code, o.organisation.slug, o.role) for s in first.sides.all() for o in s.owners.all()) == [
        ("EU", "eeas", "supporting"), ("EU", "hrvp", "lead"), ("RF", "rf-mfa", "lead")]


def test_a_refused_publication_shows_each_problem_on_its_proposal(admin_client, administrator):
    onboarding = imported(administrator)
    response = admin_client.post(f"/onboarding/{onboarding.pk}/publish/")
    page = response.content.decode()
    assert response.status_code == 400 and "<title>Error: " in page
    first = onboarding.proposals.get(ref="3.1")
    assert f'<li><a href="#proposal-{first.pk}">¶3.1: no lead organisation on the RF side</a></li>' in page
    assert page.count("no lead organisation on the RF side</p>") == 6
    assert not Commitment.objects.filter(paragraph__partnership=onboarding.partnership).exists()


@pytest.mark.parametrize("url", ["/onboarding/", "/onboarding/{pk}/", "/onboarding/{pk}/lines/"])
def test_an_official_or_a_reviewer_is_refused_every_onboarding_page(client, administrator, eu_official, reviewer, url):
    onboarding = upload(administrator)
    for user in (eu_official, reviewer):
        client.force_login(user)
        assert client.get(url.format(pk=onboarding.pk)).status_code == 403
        assert client.post(f"/onboarding/{onboarding.pk}/import/").status_code == 403
    assert Onboarding.objects.get().state == "reading"


def test_an_onboarding_that_does_not_exist_is_not_found_for_an_administrator_only(client, administrator, analyst):
    client.force_login(administrator)
    assert client.get("/onboarding/999999/").status_code == 404
    client.force_login(analyst)
    assert client.get("/onboarding/999999/").status_code == 403


TEXT = st.one_of(st.text(max_size=40), st.sampled_from(["", "0", "-1", "9999-12-31", "a\x00b", "x" * 400, "99999999999"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.fixed_dictionaries({name: TEXT for name in (
    "start_line", "end_line", "title", "short_title", "party_1", "code_1", "party_2", "code_2", "adopted_on", "place")}),
    st.fixed_dictionaries({"line": TEXT, "role": TEXT}))
def test_any_correction_typed_is_answered_without_a_server_error(admin_client, administrator, corrections, marking):
    onboarding = Onboarding.objects.first() or upload(administrator)
    assert admin_client.post(f"/onboarding/{onboarding.pk}/correct/", corrections).status_code in (302, 400)
    assert admin_client.post(f"/onboarding/{onboarding.pk}/line/", marking).status_code in (302, 400)
    assert admin_client.get(f"/onboarding/{onboarding.pk}/").status_code == 200


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.fixed_dictionaries({name: TEXT for name in ("title", "strength", "cadence", "cadence_note", "owner_EU_eeas")}),
       st.fixed_dictionaries({name: TEXT for name in ("party", "slug", "short_name", "name", "organisation", "at")}))
def test_any_edit_of_a_proposal_typed_is_answered_without_a_server_error(admin_client, administrator, edit, other):
    onboarding = Onboarding.objects.filter(state="reviewing").first() or imported(administrator)
    target = onboarding.proposals.order_by("position").first()
    base = f"/onboarding/{onboarding.pk}"
    assert admin_client.post(f"{base}/proposals/{target.pk}/", edit).status_code in (302, 400)
    assert admin_client.post(f"{base}/proposals/{target.pk}/split/", other).status_code in (302, 400)
    assert admin_client.post(f"{base}/organisations/", other).status_code in (302, 400)
    assert admin_client.post(f"{base}/owners/", other).status_code in (302, 400)
    assert admin_client.get(f"{base}/proposals/").status_code == 200
