"""Who may read the API: every GET endpoint against every persona, then what each persona sees in it.

Personas: an anonymous caller, a signed-in account without a role (outsider), an EU official at the EEAS, a UK
official at the FCDO, an analyst, a reviewer and an administrator; some tests add an official at the EDA, which takes
part in neither dialogue series used below and owns neither side of commitment "14.1" (EU: eeas, UK: fcdo).

Every JSON error has one shape: {status, code, detail, errors}.
"""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.tokens import ApiToken
from commitments.models import Commitment, Marking
from commitments.services import Evidence, commitment_update_status
from dialogues.models import DialogueSeries
from dialogues.services import meeting_create
from agreement.models import Organisation, Paragraph
from tests.conftest import commitment

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "outsider", "eu_official", "uk_official", "analyst", "reviewer", "administrator"]
ROLES = ["eu_official", "uk_official", "analyst", "reviewer", "administrator"]
ERROR_KEYS = {"status", "code", "detail", "errors"}
JSON = {"Accept": "application/json"}

OWNED_BY_EEAS_AND_FCDO = "14.1"

# Every GET endpoint; {commitment}, {paragraph}, {partnership} and {meeting} are filled in per test.
ENDPOINTS = [
    "/api/",
    "/api/partnerships/",
    "/api/partnerships/{partnership}/",
    "/api/parts/",
    "/api/areas/",
    "/api/paragraphs/",
    "/api/paragraphs/{paragraph}/",
    "/api/organisations/",
    "/api/commitments/",
    "/api/commitments/{commitment}/",
    "/api/commitments/{commitment}/updates/",
    "/api/updates/",
    "/api/dialogue-series/",
    "/api/meetings/",
    "/api/meetings/{meeting}/",
    "/api/actions/",
    "/api/schema/",
    "/api/docs/",
]
DOCS = "/api/docs/"  # an HTML page (Swagger UI), not JSON


def plan_meeting(series_slug: str, by):
    series = DialogueSeries.objects.get(partnership__slug="eu-uk-sdp-2025", slug=series_slug)
    return meeting_create(series=series, date=timezone.localdate() + datetime.timedelta(days=30), place="Brussels", by=by)


@pytest.fixture
def sdd_meeting(reviewer):
    """A planned Security and Defence Dialogue (participants eeas-dsg, eeas, fcdo, mod), planned by the reviewer."""
    return plan_meeting("security-and-defence-dialogue", reviewer)


@pytest.fixture
def crisis_meeting(reviewer):
    """A planned EEAS CRC – FCDO CMD contact (participants eeas-crc, fcdo-cmd), planned by the reviewer."""
    return plan_meeting("crisis-response-contacts", reviewer)


def resolve(url: str, partnership, meeting) -> str:
    return url.format(
        partnership=partnership.pk,
        paragraph=Paragraph.objects.get(partnership=partnership, number=14).pk,
        commitment=commitment(OWNED_BY_EEAS_AND_FCDO).pk,
        meeting=meeting.pk,
    )


def assert_error_shape(response, status: int, code: str | None = None):
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert body["status"] == status
    assert isinstance(body["detail"], str) and body["detail"]
    assert body["errors"] == {}
    if code:
        assert body["code"] == code


# ---------------------------------------------------------------------------------------------------------------------
# The matrix: every GET endpoint × every persona


def matrix():
    expected = {"anonymous": 401, "outsider": 403} | {role: 200 for role in ROLES}
    return [
        pytest.param(url, persona, expected[persona], id=f"{url}-{persona}-{expected[persona]}")
        for url in ENDPOINTS
        for persona in PERSONAS
    ]


@pytest.mark.parametrize("url, persona, expected", matrix())
def test_every_get_endpoint_answers_each_persona_as_its_role_allows(client, request, partnership, sdd_meeting, url, persona, expected):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    address = resolve(url, partnership, sdd_meeting)
    response = client.get(address, headers=JSON if url != DOCS else {})
    assert response.status_code == expected, f"{address} as {persona}: expected {expected}, got {response.status_code}"
    if url == DOCS:
        # Swagger UI is an HTML page: its refusals are HTML too (the 401 still names the scheme).
        if expected == 401:
            assert response["WWW-Authenticate"] == 'Bearer realm="api"'
        if expected != 200:
            assert b"swagger-ui" not in response.content.lower()
        return
    if expected == 401:
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
        assert_error_shape(response, 401, "not_authenticated")
    elif expected == 403:
        assert "WWW-Authenticate" not in response
        assert_error_shape(response, 403, "permission_denied")


def test_anonymous_caller_gets_401_not_200_on_the_api_docs_page(client, partnership):
    response = client.get(DOCS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_the_schema_refuses_in_the_error_shape_in_its_default_yaml_too(client, outsider):
    import yaml

    assert yaml.safe_load(client.get("/api/schema/").content) == {
        "status": 401, "code": "not_authenticated", "detail": "Authentication credentials were not provided.", "errors": {},
    }
    client.force_login(outsider)
    body = yaml.safe_load(client.get("/api/schema/").content)
    assert (body["status"], body["code"], body["errors"]) == (403, "permission_denied", {})


# ---------------------------------------------------------------------------------------------------------------------
# Tokens instead of a session


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}", **JSON}


def test_a_bearer_token_alone_authenticates_a_role(partnership, analyst):
    _, key = ApiToken.issue(user=analyst, name="script")
    client = Client()  # no session: only the token
    for url in ["/api/", "/api/commitments/", "/api/updates/", "/api/meetings/"]:
        response = client.get(url, headers=bearer(key))
        assert response.status_code == 200, url
    assert "sessionid" not in client.cookies


def test_a_revoked_token_is_refused_with_401(partnership, analyst):
    token, key = ApiToken.issue(user=analyst, name="old script")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    response = Client().get("/api/commitments/", headers=bearer(key))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert_error_shape(response, 401, "authentication_failed")


@pytest.mark.parametrize("header", ["Bearer pt_not-a-real-token", "Bearer", "Bearer two parts", "Token garbage"])
def test_a_garbage_token_is_refused_with_401(partnership, analyst, header):
    ApiToken.issue(user=analyst, name="a real one")
    response = Client().get("/api/commitments/", headers={"Authorization": header, **JSON})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert_error_shape(response, 401, "authentication_failed")


def test_a_token_of_an_account_without_a_role_is_refused_with_403(partnership, outsider):
    _, key = ApiToken.issue(user=outsider, name="no role")
    response = Client().get("/api/commitments/", headers=bearer(key))
    assert response.status_code == 403
    assert_error_shape(response, 403, "permission_denied")


# ---------------------------------------------------------------------------------------------------------------------
# Meetings: officials see their organisation's, analysts all


def meeting_ids(client) -> set[int]:
    response = client.get("/api/meetings/?page_size=1000", headers=JSON)
    assert response.status_code == 200
    return {m["id"] for m in response.json()["results"]}


def test_an_official_of_an_organisation_in_neither_series_sees_neither_meeting(client, eda_official, sdd_meeting, crisis_meeting):
    client.force_login(eda_official)
    assert not {sdd_meeting.pk, crisis_meeting.pk} & meeting_ids(client)
    for meeting in [sdd_meeting, crisis_meeting]:
        response = client.get(f"/api/meetings/{meeting.pk}/", headers=JSON)
        assert response.status_code == 404
        assert_error_shape(response, 404, "not_found")


def test_an_eeas_official_sees_the_security_and_defence_dialogue_but_not_the_crisis_contacts(client, eu_official, sdd_meeting, crisis_meeting):
    client.force_login(eu_official)
    ids = meeting_ids(client)
    assert sdd_meeting.pk in ids
    assert crisis_meeting.pk not in ids
    detail = client.get(f"/api/meetings/{sdd_meeting.pk}/", headers=JSON)
    assert detail.status_code == 200
    assert detail.json()["series"] == "security-and-defence-dialogue"
    assert set(detail.json()["participants"]) == {"eeas-dsg", "eeas", "fcdo", "mod"}
    assert client.get(f"/api/meetings/{crisis_meeting.pk}/", headers=JSON).status_code == 404


def test_an_analyst_sees_every_meeting(client, analyst, sdd_meeting, crisis_meeting):
    client.force_login(analyst)
    assert {sdd_meeting.pk, crisis_meeting.pk} <= meeting_ids(client)
    for meeting in [sdd_meeting, crisis_meeting]:
        assert client.get(f"/api/meetings/{meeting.pk}/", headers=JSON).status_code == 200
    crisis = client.get(f"/api/meetings/{crisis_meeting.pk}/", headers=JSON).json()
    assert set(crisis["participants"]) == {"eeas-crc", "fcdo-cmd"}


# ---------------------------------------------------------------------------------------------------------------------
# OFFICIAL-SENSITIVE notes: the owning organisations' officials, reviewers and administrators read them

SENSITIVE_NOTE = "Talks paused pending the ministerial meeting; do not circulate."


@pytest.fixture
def sensitive_update(eu_official):
    target = commitment(OWNED_BY_EEAS_AND_FCDO)
    return commitment_update_status(
        commitment=target, party_code="EU", status="in_progress", note=SENSITIVE_NOTE,
        as_of=timezone.localdate(), marking=Marking.SENSITIVE, by=eu_official, expected_version=target.version,
        evidence=[Evidence("Council conclusions", "https://www.consilium.europa.eu/en/press/")],
    )


def updates_seen_by(client, update) -> list[dict]:
    """The update as /api/updates/ and /api/commitments/<id>/updates/ show it."""
    listed = client.get(f"/api/updates/?commitment={update.commitment_id}", headers=JSON)
    history = client.get(f"/api/commitments/{update.commitment_id}/updates/", headers=JSON)
    assert (listed.status_code, history.status_code) == (200, 200)
    found = [u for u in listed.json()["results"] if u["id"] == update.pk] + [u for u in history.json()["results"] if u["id"] == update.pk]
    assert len(found) == 2, "the update should be in both lists"
    return found


@pytest.mark.parametrize("persona", ["eu_official", "uk_official", "reviewer", "administrator"])
def test_a_sensitive_note_is_shown_to_the_owners_reviewers_and_administrators(client, request, sensitive_update, persona):
    client.force_login(request.getfixturevalue(persona))
    for seen in updates_seen_by(client, sensitive_update):
        assert seen["marking"] == "OFFICIAL-SENSITIVE"
        assert seen["note"] == SENSITIVE_NOTE
        assert seen["note_withheld"] is False
        assert seen["evidence"] == [{"title": "Council conclusions", "url": "https://www.consilium.europa.eu/en/press/"}]


@pytest.mark.parametrize("persona", ["analyst", "eda_official"])
def test_a_sensitive_note_and_its_evidence_are_withheld_from_others(client, request, sensitive_update, persona):
    client.force_login(request.getfixturevalue(persona))
    for seen in updates_seen_by(client, sensitive_update):
        assert seen["marking"] == "OFFICIAL-SENSITIVE"
        assert seen["status"] == "in_progress"
        assert seen["note"] is None
        assert seen["note_withheld"] is True
        assert seen["evidence"] == []
    for url in ["/api/updates/", f"/api/commitments/{sensitive_update.commitment_id}/updates/"]:
        assert SENSITIVE_NOTE not in client.get(url, headers=JSON).content.decode()


# ---------------------------------------------------------------------------------------------------------------------
# Errors, ordering and pagination


@pytest.mark.parametrize(
    "url",
    ["/api/commitments/999999/", "/api/commitments/999999/updates/", "/api/paragraphs/999999/", "/api/meetings/999999/",
     "/api/partnerships/999999/"],
)
def test_a_missing_id_is_a_404_in_the_error_shape(client, analyst, url):
    client.force_login(analyst)
    response = client.get(url, headers=JSON)
    assert response.status_code == 404
    assert_error_shape(response, 404, "not_found")


def test_ordering_by_descending_id(client, analyst):
    client.force_login(analyst)
    ids = [c["id"] for c in client.get("/api/commitments/?ordering=-id&page_size=1000", headers=JSON).json()["results"]]
    assert len(ids) == Commitment.objects.count() > 1
    assert ids == sorted(ids, reverse=True)
    organisations = [o["id"] for o in client.get("/api/organisations/?ordering=-id", headers=JSON).json()["results"]]
    assert organisations == sorted(Organisation.objects.values_list("pk", flat=True), reverse=True)[: len(organisations)]


def test_page_size_limits_the_page_and_links_the_next(client, analyst):
    client.force_login(analyst)
    body = client.get("/api/commitments/?page_size=5", headers=JSON).json()
    assert len(body["results"]) == 5
    assert body["count"] == Commitment.objects.count() > 5
    assert body["previous"] is None
    assert body["next"] and "page=2" in body["next"] and "page_size=5" in body["next"]
    following = client.get(body["next"], headers=JSON).json()
    assert len(following["results"]) == 5
    assert not {c["id"] for c in following["results"]} & {c["id"] for c in body["results"]}
