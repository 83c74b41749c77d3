"""Operations: the health check tells database, broker and sweep apart; logs are structured."""

import json
import logging

import pytest
from django.test import RequestFactory

from dialogues.reminders import send_due_reminders
from partnership.celery import app as celery_app
from partnership.logs import JsonFormatter

pytestmark = pytest.mark.django_db


def test_health_reports_the_database_the_broker_and_a_stale_sweep(client, partnership):
    body = client.get("/health/").json()
    assert (body["database"], body["broker"], body["sweep"], body["last_sweep"]) == ("ok", "ok", "stale", None)
    assert body["status"] == "degraded"
    send_due_reminders()
    body = client.get("/health/").json()
    assert (body["status"], body["sweep"]) == ("ok", "ok") and body["last_sweep"]


def test_health_says_when_the_broker_is_down_but_keeps_serving(client, partnership):
    send_due_reminders()
    broker = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:9/0"
    try:
        response = client.get("/health/")
    finally:
        celery_app.conf.broker_url = broker
    assert response.status_code == 200
    assert response.json()["broker"].startswith("error") and response.json()["status"] == "degraded"


def test_log_lines_are_json_with_the_request(settings):
    request = RequestFactory().get("/commitments/")
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/x",), None)
    record.request, record.status_code = request, 404
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "WARNING" and line["message"] == "Not Found: /x"
    assert (line["path"], line["method"], line["status"]) == ("/commitments/", "GET", 404)
