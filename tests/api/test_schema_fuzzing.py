"""Schemathesis against the schema the code generates, in-process: no server errors, no undocumented status
codes, and no response that contradicts the schema. Bounded examples; the test database is rolled back after."""

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.tokens import ApiToken
from partnership.wsgi import application
from tests.conftest import make_user

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# A dozen examples per operation and mode on every run; SCHEMA_EXAMPLES=300 for the deep run (README, Tests).
EXAMPLES = int(os.environ.get("SCHEMA_EXAMPLES", "12"))


@pytest.fixture(params=["official", "analyst"])
def official_token(request, partnership):
    """An official at the EEAS (reads and the status-update write), and an analyst (reads; writes refused)."""
    user = (make_user("fuzz-official", organisation="eeas", is_official=True) if request.param == "official"
            else make_user("fuzz-analyst", is_analyst=True))
    _, key = ApiToken.issue(user=user, name="fuzzing")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def api_schema(official_token, settings):
    """Calls go straight to the WSGI application; like Django's test client, keep its request signals from closing
    the test's database connection (and with it the transaction that keeps the database throwaway)."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", application, headers=official_token)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_the_api_keeps_to_its_published_schema(api_schema, official_token):
    """Every operation, valid and invalid inputs (a dozen each): the responses are documented and as documented."""
    failures = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                      database=None)
            def exercise(case):
                response = case.call(headers=official_token)
                case.validate_response(response, checks=CHECKS)

            try:
                exercise()
            except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 - gather them all, then report
                failures.append(f"{operation.label} ({mode.value}): {str(failure)[:1200]}")
    assert not failures, "\n\n".join(failures)


def test_the_schema_documents_the_error_responses(api_schema):
    raw = api_schema.raw_schema
    write = raw["paths"]["/api/commitments/{id}/updates/"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "412", "428", "429"} <= set(write)
    listing = raw["paths"]["/api/commitments/"]["get"]["responses"]
    assert {"200", "400", "401", "403", "429"} <= set(listing)
    error = raw["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"status", "code", "detail", "errors"}


def test_the_schema_marks_if_match_required_on_a_write(api_schema):
    write = api_schema.raw_schema["paths"]["/api/commitments/{id}/updates/"]["post"]
    [if_match] = [p for p in write["parameters"] if p["name"] == "If-Match"]
    assert (if_match["in"], if_match["required"]) == ("header", True)


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1001", "2.5", "１０"])
def test_a_page_size_that_is_not_a_whole_number_in_range_is_a_400_on_its_field(client, analyst, value):
    client.force_login(analyst)
    for url in ("/api/commitments/", "/api/updates/"):
        response = client.get(url, {"page_size": value}, headers={"Accept": "application/json"})
        assert response.status_code == 400, (url, value)
        assert response.json()["errors"] == {"page_size": ["A whole number from 1 to 1000."]}
