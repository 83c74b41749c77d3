"""Writing through the API, and the tokens scripts write and read with.

The one write endpoint is POST /api/commitments/<id>/updates/: it records a status update for one side, under the
same rules as the form, and only with the commitment's current ETag in If-Match so that no update is lost.

Commitments used (from fixtures/commitments.toml): "14.1" (EU side led by eeas, UK side by fcdo) and "44.1" (binds
only the EU side, led by esdc).
"""

import datetime
import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle

from accounts.tokens import ApiToken
from commitments.models import Commitment, EvidenceLink, StatusUpdate
from tests.conftest import commitment

pytestmark = pytest.mark.django_db

OWNED_BY_EEAS_AND_FCDO = "14.1"
EU_ONLY = "44.1"
ERROR_KEYS = {"status", "code", "detail", "errors"}
JSON = {"Accept": "application/json"}


def updates_url(target: Commitment) -> str:
    return f"/api/commitments/{target.pk}/updates/"


def payload(**changes) -> dict:
    body = {
        "side": "EU",
        "status": "in_progress",
        "note": "Terms of reference agreed; first exchange held.",
        "as_of": timezone.localdate().isoformat(),
        "marking": "OFFICIAL",
        "evidence": [{"title": "Joint statement", "url": "https://example.org/joint-statement"}],
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not ...}  # `...` drops a field


def read_etag(client, target: Commitment, headers=None) -> str:
    response = client.get(f"/api/commitments/{target.pk}/", headers={**JSON, **(headers or {})})
    assert response.status_code == 200
    return response["ETag"]


def post_update(client, target: Commitment, body: dict, if_match: str | None, headers=None):
    headers = {**JSON, **(headers or {})}
    if if_match is not None:
        headers["If-Match"] = if_match
    return client.post(updates_url(target), data=json.dumps(body), content_type="application/json", headers=headers)


def recorded(target: Commitment) -> tuple[int, int]:
    """How many updates the commitment has and its version: what a refused write must leave unchanged."""
    return StatusUpdate.objects.filter(commitment=target).count(), Commitment.objects.get(pk=target.pk).version


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert body["status"] == status
    assert isinstance(body["detail"], str) and body["detail"]
    if code:
        assert body["code"] == code
    return body


# ---------------------------------------------------------------------------------------------------------------------
# ETag and If-Match


def test_reading_a_commitment_gives_an_etag_that_changes_with_its_version(client, eu_official):
    target = commitment(OWNED_BY_EEAS_AND_FCDO)
    client.force_login(eu_official)
    first = read_etag(client, target)
    assert re.fullmatch(r'"[^"]+"', first), "a strong ETag is a quoted string"
    assert read_etag(client, target) == first, "reading again does not change it"
    assert post_update(client, target, payload(), first).status_code == 201
    assert read_etag(client, target) != first


def test_a_write_without_if_match_is_refused_with_428_and_records_nothing(client, eu_official):
    target = commitment(OWNED_BY_EEAS_AND_FCDO)
    client.force_login(eu_official)
    before = recorded(target)
    response = post_update(client, target, payload(), if_match=None)
    body = assert_error(response, 428, "precondition_required")
    assert body["errors"] == {}
    assert recorded(target) == before


@pytest.mark.parametrize("wrong", ["older version", "another commitment", "garbage", "empty quotes"])
def test_a_write_with_a_wrong_etag_is_refused_with_412_and_the_current_etag(client, eu_official, wrong):
    target = commitment(OWNED_BY_EEAS_AND_FCDO)
    other = commitment(EU_ONLY)
    client.force_login(eu_official)
    current = read_etag(client, target)
    if_match = {
        "older version": f'"c{target.pk}-v{target.version - 1}"',
        "another commitment": read_etag(client, other),
        "garbage": '"not-an-etag"',
        "empty quotes": '""',
    }[wrong]
    assert if_match != current
    before = recorded(target)
    response = post_update(client, target, payload(), if_match)
    assert_error(response, 412, "precondition_failed")
    assert response["ETag"] == current
    assert recorded(target) == before


def test_an_update_is_recorded_when_the_sides_last_one_is_stamped_later_than_the_clock(client, eu_official):
    # The clock stepped back (a correction, a failover): answered 201 and recorded after it, never a 500.
    target = commitment(OWNED_BY_EEAS_AND_FCDO)
    client.force_login(eu_official)
    assert post_update(client, target, payload(), read_etag(client, target)).status_code == 201
    later = timezone.now() + datetime.timedelta(hours=2)
    StatusUpdate.objects.filter(commitment=target).update(created_at=later)
    target.sides.filter(party__code="EU").update(last_update_at=later)

    response = post_update(client, target, payload(status="on_track"), read_etag(client, target))

    assert response.status_code == 201, response.content
    assert StatusUpdate.objects.get(pk=response.json()["id"]).created_at == later + datetime.timedelta(microseconds=1)


def test_the_right_etag_records_the_update_and_answers_with_it_and_the_new_etag(client, eu_official):
    target = commitment(OWNED_BY_EEAS_AND_FCDO)
    client.force_login(eu_official)
    old_etag = read_etag(client, target)
    count, version = recorded(target)

    response = post_update(client, target, payload(), old_etag)

    assert response.status_code == 201, response.content
    body = response.json()
    update = StatusUpdate.objects.get(pk=body["id"])
    assert body["commitment"] == target.pk and body["ref"] == OWNED_BY_EEAS_AND_FCDO
    assert body["side"] == "EU"
    assert body["status"] == "in_progress" and body["previous_status"] == "not_assessed"
    assert body["note"] == "Terms of reference agreed; first exchange held." and body["note_withheld"] is False
    assert body["as_of"] == timezone.localdate().isoformat()
    assert body["marking"] == "OFFICIAL"
    assert body["evidence"] == [{"title": "Joint statement", "url": "https://example.org/joint-statement"}]
    assert body["corrects"] is None
    assert body["created_by"] == "eu-official"

    assert recorded(target) == (count + 1, version + 1)
    assert response["ETag"] != old_etag
    assert response["ETag"] == read_etag(client, target)
    assert (update.commitment_id, update.side.party.code, update.status) == (target.pk, "EU", "in_progress")
    assert update.created_by == eu_official and update.version_after == version + 1
    assert list(EvidenceLink.objects.filter(update=update).values_list("url", flat=True)) == ["https://example.org/joint-statement"]
    assert target.sides.get(party__code="EU").status == "in_progress"

    history = client.get(updates_url(target), headers=JSON).json()
    assert history["results"][0]["id"] == update.pk


def test_the_same_write_again_with_the_old_etag_is_refused_so_no_update_is_lost(client, eu_official):
    target = commitment(OWNED_BY_EEAS_AND_FCDO)
    client.force_login(eu_official)
    old_etag = read_etag(client, target)
    first = post_update(client, target, payload(), old_etag)
    assert first.status_code == 201
    after_first = recorded(target)

    again = post_update(client, target, payload(status="on_track", note="Someone else's view."), old_etag)

    assert_error(again, 412, "precondition_failed")
    assert again["ETag"] == first["ETag"]
    assert recorded(target) == after_first


def test_a_correction_names_the_update_it_corrects(client, eu_official):
    target = commitment(OWNED_BY_EEAS_AND_FCDO)
    client.force_login(eu_official)
    first = post_update(client, target, payload(), read_etag(client, target))
    assert first.status_code == 201
    correction = post_update(
        client, target, payload(status="on_track", note="Corrects the earlier entry.", corrects=first.json()["id"]),
        first["ETag"],
    )
    assert correction.status_code == 201, correction.content
    assert correction.json()["corrects"] == first.json()["id"]
    assert StatusUpdate.objects.get(pk=correction.json()["id"]).corrects_id == first.json()["id"]


# ---------------------------------------------------------------------------------------------------------------------
# Validation: 400 naming the fields at fault, nothing recorded

FUTURE = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()

INVALID = [
    pytest.param({"as_of": ...}, "as_of", id="missing-as_of"),
    pytest.param({"as_of": "not a date"}, "as_of", id="unparseable-as_of"),
    pytest.param({"as_of": FUTURE}, "as_of", id="future-as_of"),
    pytest.param({"as_of": "2020-01-01"}, "as_of", id="as_of-before-the-partnership"),
    pytest.param({"status": "finished"}, "status", id="unknown-status"),
    pytest.param({"status": "not_assessed"}, "status", id="not-assessed-is-not-a-status-to-report"),
    pytest.param({"status": ...}, "status", id="missing-status"),
    pytest.param({"evidence": [{"title": "Click me", "url": "javascript:alert(1)"}]}, "evidence", id="javascript-evidence-url"),
    pytest.param({"evidence": [{"title": "", "url": "https://example.org/"}]}, "evidence", id="evidence-without-title"),
    pytest.param({"status": "at_risk", "note": ""}, "note", id="at-risk-without-note"),
    pytest.param({"status": "delayed", "note": "   "}, "note", id="delayed-with-a-blank-note"),
    pytest.param({"marking": "SECRET"}, "marking", id="unknown-marking"),
    pytest.param({"side": "XX"}, "side", id="side-of-no-party"),
    pytest.param({"side": ...}, "side", id="missing-side"),
    pytest.param({"corrects": 999999}, "corrects", id="corrects-an-unknown-update"),
]


@pytest.mark.parametrize("changes, field", INVALID)
def test_an_invalid_write_is_a_400_naming_the_field_and_records_nothing(client, eu_official, changes, field):
    target = commitment(OWNED_BY_EEAS_AND_FCDO)
    client.force_login(eu_official)
    before = recorded(target)
    response = post_update(client, target, payload(**changes), read_etag(client, target))
    body = assert_error(response, 400, "invalid")
    assert field in body["errors"], body
    assert body["errors"][field] and all(isinstance(m, str) and m for m in body["errors"][field])
    assert recorded(target) == before


def test_a_side_the_commitment_does_not_bind_is_a_400_naming_the_side(client, eu_official):
    target = commitment(EU_ONLY)
    assert [s.party.code for s in target.sides.all()] == ["EU"]
    client.force_login(eu_official)
    before = recorded(target)
    response = post_update(client, target, payload(side="UK"), read_etag(client, target))
    body = assert_error(response, 400, "invalid")
    assert "side" in body["errors"]
    assert recorded(target) == before


# ---------------------------------------------------------------------------------------------------------------------
# Who may write: officials of an organisation owning the side, nobody else


@pytest.mark.parametrize(
    "persona, side",
    [
        pytest.param("analyst", "EU", id="analyst"),
        pytest.param("reviewer", "EU", id="reviewer"),
        pytest.param("administrator", "EU", id="administrator"),
        pytest.param("uk_official", "EU", id="uk_official-for-the-EU-side"),
        pytest.param("eu_official", "UK", id="eu_official-for-the-UK-side"),
        pytest.param("eda_official", "EU", id="eda_official-owning-no-side"),
        pytest.param("outsider", "EU", id="outsider"),
    ],
)
def test_a_write_by_someone_not_owning_the_side_is_refused_with_403_and_records_nothing(client, request, persona, side):
    target = commitment(OWNED_BY_EEAS_AND_FCDO)
    client.force_login(request.getfixturevalue(persona))
    if_match = f'"c{target.pk}-v{target.version}"'  # the current ETag, as a reader would have it
    before = recorded(target)
    response = post_update(client, target, payload(side=side), if_match)
    assert_error(response, 403, "permission_denied")
    assert recorded(target) == before


def test_an_anonymous_write_is_refused_with_401_and_records_nothing(client, partnership):
    target = commitment(OWNED_BY_EEAS_AND_FCDO)
    before = recorded(target)
    response = post_update(client, target, payload(), f'"c{target.pk}-v{target.version}"')
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert recorded(target) == before


def test_the_uk_official_may_write_the_uk_side(client, uk_official):
    target = commitment(OWNED_BY_EEAS_AND_FCDO)
    client.force_login(uk_official)
    response = post_update(client, target, payload(side="UK"), read_etag(client, target))
    assert response.status_code == 201, response.content
    assert response.json()["side"] == "UK" and response.json()["created_by"] == "uk-official"


# ---------------------------------------------------------------------------------------------------------------------
# Tokens and sessions for writes


def test_a_write_with_a_bearer_token_needs_no_csrf_token(eu_official):
    target = commitment(OWNED_BY_EEAS_AND_FCDO)
    _, key = ApiToken.issue(user=eu_official, name="update script")
    client = Client(enforce_csrf_checks=True)  # no session, no CSRF cookie: only the token
    auth = {"Authorization": f"Bearer {key}"}
    count, version = recorded(target)
    response = post_update(client, target, payload(), read_etag(client, target, auth), auth)
    assert response.status_code == 201, response.content
    assert response.json()["created_by"] == "eu-official"
    assert recorded(target) == (count + 1, version + 1)


def test_a_write_in_a_session_works_with_the_default_test_client(eu_official):
    target = commitment(OWNED_BY_EEAS_AND_FCDO)
    client = Client(enforce_csrf_checks=False)
    client.force_login(eu_official)
    count, version = recorded(target)
    response = post_update(client, target, payload(), read_etag(client, target))
    assert response.status_code == 201, response.content
    assert recorded(target) == (count + 1, version + 1)


def test_a_write_in_a_session_without_its_csrf_token_is_refused(eu_official):
    target = commitment(OWNED_BY_EEAS_AND_FCDO)
    client = Client(enforce_csrf_checks=True)
    client.force_login(eu_official)
    before = recorded(target)
    response = post_update(client, target, payload(), read_etag(client, target))
    assert_error(response, 403)
    assert recorded(target) == before


# ---------------------------------------------------------------------------------------------------------------------
# Throttling


@pytest.fixture
def three_requests_a_minute(settings, monkeypatch):
    """The user rate down to 3/minute. pytest-django's `settings` sends setting_changed, on which DRF reloads
    api_settings (and again when it restores them); the throttle class read its rates once, at import, so they are
    patched too (monkeypatch restores them)."""
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "3/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    assert api_settings.DEFAULT_THROTTLE_RATES["user"] == "3/minute"
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", rates)
    cache.clear()
    yield
    cache.clear()


def test_the_fourth_request_in_a_minute_is_throttled_with_429_and_retry_after(client, analyst, three_requests_a_minute):
    client.force_login(analyst)
    for _ in range(3):
        assert client.get("/api/parts/", headers=JSON).status_code == 200
    response = client.get("/api/parts/", headers=JSON)
    assert_error(response, 429, "throttled")
    assert response["Retry-After"].isdigit() and 0 < int(response["Retry-After"]) <= 60


def test_the_throttle_counts_per_user(client, analyst, reviewer, three_requests_a_minute):
    client.force_login(analyst)
    for _ in range(4):
        client.get("/api/parts/", headers=JSON)
    client.force_login(reviewer)
    assert client.get("/api/parts/", headers=JSON).status_code == 200


def test_the_default_user_rate_is_back_after_a_throttling_test():
    """Whatever order the tests ran in, the global throttle settings are the project's."""
    from django.conf import settings

    assert api_settings.DEFAULT_THROTTLE_RATES == settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert UserRateThrottle.THROTTLE_RATES["user"] == settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"]
    assert UserRateThrottle().rate == settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"]


# ---------------------------------------------------------------------------------------------------------------------
# Tokens made, used and revoked in the browser


def make_token_in_browser(client, name="monthly report script"):
    response = client.post("/accounts/tokens/", {"name": name})
    assert response.status_code == 200
    key = response.context["new_key"]
    return response, key, ApiToken.objects.get(user=response.context["user"], name=name)


def test_making_a_token_shows_its_key_once(client, analyst):
    client.force_login(analyst)
    response, key, token = make_token_in_browser(client)
    assert key.startswith("pt_")
    assert key in response.content.decode()
    assert token.user == analyst and token.is_active
    again = client.get("/accounts/tokens/")
    assert again.status_code == 200
    assert key not in again.content.decode()
    assert token.key_start in again.content.decode()


def test_a_browser_made_token_reads_the_same_commitments_as_the_filtered_list_page(client, analyst):
    client.force_login(analyst)
    _, key, _ = make_token_in_browser(client)
    page = client.get("/commitments/?strength=firm")
    assert page.status_code == 200
    expected = page.context["page"].paginator.count
    assert 0 < expected < Commitment.objects.count()

    api = Client().get("/api/commitments/?strength=firm", headers={"Authorization": f"Bearer {key}", **JSON})

    assert api.status_code == 200
    assert api.json()["count"] == expected
    assert {c["strength"] for c in api.json()["results"]} == {"firm"}


def test_revoking_a_token_in_the_browser_makes_it_answer_401(client, analyst):
    client.force_login(analyst)
    _, key, token = make_token_in_browser(client)
    script = Client()
    auth = {"Authorization": f"Bearer {key}", **JSON}
    assert script.get("/api/commitments/", headers=auth).status_code == 200

    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")

    assert (response.status_code, response["Location"]) == (302, "/accounts/tokens/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = script.get("/api/commitments/", headers=auth)
    assert_error(refused, 401, "authentication_failed")
    assert refused["WWW-Authenticate"] == 'Bearer realm="api"'


def test_another_user_cannot_revoke_a_token_it_does_not_own(client, analyst, reviewer):
    client.force_login(analyst)
    _, key, token = make_token_in_browser(client)
    other = Client()
    other.force_login(reviewer)

    assert other.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404

    token.refresh_from_db()
    assert token.revoked_at is None
    assert Client().get("/api/commitments/", headers={"Authorization": f"Bearer {key}", **JSON}).status_code == 200


def test_an_account_without_a_role_cannot_make_tokens(client, outsider):
    client.force_login(outsider)
    assert client.get("/accounts/tokens/").status_code == 403
    assert client.post("/accounts/tokens/", {"name": "sneaky"}).status_code == 403
    assert not ApiToken.objects.filter(user=outsider).exists()


def test_revoking_needs_a_post(client, analyst):
    client.force_login(analyst)
    _, _, token = make_token_in_browser(client)
    assert client.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_key_is_stored_only_as_a_digest(client, analyst):
    client.force_login(analyst)
    _, key, token = make_token_in_browser(client)
    assert token.key_digest != key
    assert key not in token.key_digest
    assert key.startswith(token.key_start) and len(token.key_start) < len(key)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(ApiToken._meta.db_table)} WHERE id = %s", [token.pk])
        row = cursor.fetchone()
    assert row is not None
    assert not any(key in str(value) for value in row), "the key must not be stored in any column"
