"""Outages of the services around the app: with SMTP refusing, the sweep records the failure, backs off, /health/
names the mail server and since when, and everything is delivered once SMTP is back; with Redis (cache and broker)
unreachable, pages, the API and writes work and a PDF waits in the database for the sweep."""

import socket
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from bench.smtp_sink import SmtpSink
from commitments.models import StatusUpdate
from dialogues import services
from dialogues.models import DialogueSeries, Reminder
from dialogues.reminders import send_due_reminders
from partnership.celery import app as celery_app
from reports.models import GeneratedPdf
from tests.conftest import commitment, make_user

pytestmark = pytest.mark.django_db
CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1; the shared Redis is never stopped


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def meeting_soon(partnership, reviewer):
    make_user("eeas-reader", organisation="eeas", is_official=True)
    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    return services.meeting_create(series=sdd, date=timezone.localdate() + timedelta(days=5), place="London",
                                   by=reviewer)


def test_smtp_down_then_back_delivers_everything_once_and_health_says_since_when(client, settings, meeting_soon):
    now = timezone.now()
    settings.MAILERS = SmtpSink.mailers_for(closed_port())
    down = send_due_reminders(now=now)
    assert down.sent == 0 and down.retrying > 0
    later = send_due_reminders(now=now + timedelta(seconds=30))  # still backing off: nothing tried again yet
    assert later.retrying == 0 and set(Reminder.objects.filter(recipient__email__gt="").values_list("attempts", flat=True)) == {1}
    health = client.get("/health/").json()
    assert (health["status"], health["mail"], health["mail_failing_since"]) == ("degraded", "failing", now.isoformat())
    assert health["mail_waiting"] == down.retrying

    with SmtpSink() as sink:
        settings.MAILERS = sink.mailers
        back = send_due_reminders(now=now + timedelta(hours=1))  # past every backoff so far
    mailed = Reminder.objects.exclude(recipient__email="")
    assert back.sent == mailed.count() == len(sink.messages)  # each once
    assert set(mailed.values_list("state", flat=True)) == {Reminder.State.SENT}
    assert client.get("/health/").json()["mail"] == "ok"


def test_an_smtp_server_that_never_answers_is_a_failure_recorded_within_the_timeout(client, settings, meeting_soon):
    with socket.socket() as silent:  # accepts connections (the kernel's backlog), never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        settings.MAILERS = SmtpSink.mailers_for(silent.getsockname()[1])
        settings.MAILERS["default"]["OPTIONS"]["timeout"] = 1
        started = time.monotonic()
        stalled = send_due_reminders(now=timezone.now())
        took = time.monotonic() - started
    assert stalled.sent == 0 and stalled.retrying == Reminder.objects.exclude(recipient__email="").count() > 0
    assert took < 10, took  # one timeout per batch, not per e-mail
    assert "timed out" in Reminder.objects.exclude(recipient__email="").values_list("last_error", flat=True)[0]
    assert client.get("/health/").json()["mail"] == "failing"


def test_with_redis_unreachable_pages_the_api_and_writes_work_and_a_pdf_waits_for_the_sweep(
        client, settings, eu_official, reviewer, meeting_soon, django_capture_on_commit_callbacks):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED,
                                   "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    saved = unreachable_broker(True)
    try:
        client.force_login(eu_official)
        for url in ("/my-work/", "/dashboard/", "/commitments/", "/api/commitments/", "/dialogues/"):
            assert client.get(url).status_code == 200, url
        target = commitment("14.1")
        response = client.post(f"/commitments/{target.pk}/update/EU/", {
            "status": "on_track", "note": "", "as_of": timezone.localdate().isoformat(), "marking": "OFFICIAL",
            "version": target.version, "corrects": "",
            **{f"evidence_{f}_{n}": "" for f in ("title", "url") for n in (1, 2, 3)}})
        assert response.status_code == 302 and StatusUpdate.objects.filter(commitment=target).count() == 1
        client.force_login(reviewer)
        with django_capture_on_commit_callbacks(execute=True):
            asked = client.get(f"/dialogues/meetings/{meeting_soon.pk}/pack.pdf")
        assert asked.status_code == 302  # to the page that says it is being prepared
        assert GeneratedPdf.objects.get().state == GeneratedPdf.State.QUEUED  # waiting in the database
        assert client.get("/health/").json()["broker"].startswith("error")
    finally:
        unreachable_broker(False, saved)


def unreachable_broker(closed: bool, saved: str = "") -> str:
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = CLOSED if closed else saved
    celery_app._pool = celery_app.amqp._producer_pool = None
    return previous


def test_health_says_since_when_the_broker_has_been_unreachable_and_the_log_keeps_the_outage(client, partnership):
    saved = unreachable_broker(True)
    try:
        first = client.get("/health/").json()
        again = client.get("/health/").json()
    finally:
        unreachable_broker(False, saved)
    assert (first["status"], first["broker"]) == ("degraded", "error: OperationalError")
    assert again["broker_failing_since"] == first["broker_failing_since"]  # since the first check that failed
    back = client.get("/health/").json()
    assert back["broker"] == "ok" and "broker_failing_since" not in back
    log = list(AuditEntry.objects.filter(object_ref="broker").order_by("at").values_list("action", "reason"))
    assert log == [("broker unreachable", "error: OperationalError"), ("broker reachable again", "")]
    saved = unreachable_broker(True)
    try:
        later = client.get("/health/").json()
    finally:
        unreachable_broker(False, saved)
    assert later["broker_failing_since"] > first["broker_failing_since"]  # a new outage, counted from its start
