"""The real path: Celery beat ticks, a Celery worker sweeps, Redis carries the messages, the database decides.

These tests start `celery worker` and `celery beat` as processes against the test database and the local Redis."""

import contextlib
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from email import message_from_string
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from commitments.models import Commitment
from dialogues import services
from dialogues.models import DialogueSeries, Reminder
from dialogues.tasks import sweep_reminders
from reports.models import GeneratedPdf
from tests.conftest import make_user
from tests.dialogues.conftest import broker_unreachable

pytestmark = pytest.mark.django_db(transaction=True)
# The suite's own Redis database (TEST_REDIS_URL), which the test process publishes to as well: checkouts that run
# their suites side by side each keep to theirs.
BROKER = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(settings.BASE_DIR)


@contextlib.contextmanager
def celery_worker_and_beat(tmp_path: Path):
    """Start a worker and beat (sweep every second) on the test database and a Redis database of their own."""
    redis.Redis.from_url(BROKER).flushdb()  # no message left over from another run
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": BROKER,
        "EMAIL_URL": f"file://{tmp_path / 'mail'}",
        "REMINDER_SWEEP_SECONDS": "1",
        "PDF_SWEEP_SECONDS": "1",
        "VAR_DIR": str(tmp_path),
        "DEBUG": "false",
        "SECRET_KEY": "test-only-not-secret",
        "STATIC_MANIFEST": "false",
    }
    celery = [sys.executable, "-m", "celery", "-A", "partnership"]
    processes = [
        subprocess.Popen([*celery, "worker", "--pool", "solo", "--without-gossip", "--without-mingle",
                          "--without-heartbeat", "--loglevel", "INFO"], cwd=ROOT, env=env,
                         stdout=open(tmp_path / "worker.log", "w"), stderr=subprocess.STDOUT),
        subprocess.Popen([*celery, "beat", "--schedule", str(tmp_path / "beat-schedule"), "--max-interval", "1",
                          "--loglevel", "INFO"], cwd=ROOT, env=env,
                         stdout=open(tmp_path / "beat.log", "w"), stderr=subprocess.STDOUT),
    ]
    try:
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_for(condition, tmp_path: Path, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    logs = "\n".join(f"--- {name}\n{(tmp_path / name).read_text()[-3000:]}" for name in ("worker.log", "beat.log"))
    pytest.fail(f"Timed out waiting for the worker and beat.\n{logs}")


def mailed_subjects(tmp_path: Path) -> list[str]:
    folder = tmp_path / "mail"
    if not folder.exists():
        return []
    subjects = []
    for path in folder.iterdir():
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                subjects.append(message_from_string(chunk.strip()).get("Subject", ""))
    return subjects


def plan_meeting_tomorrow(reviewer):
    """Its 28-, 7- and 1-day reminders are all due now, whatever the time of day."""
    series = DialogueSeries.objects.get(slug="crisis-response-contacts")
    return services.meeting_create(series=series, date=timezone.localdate() + timedelta(days=1), place="London", by=reviewer)


def meeting_reminders_sent():
    return Reminder.objects.filter(kind=Reminder.Kind.MEETING, state=Reminder.State.SENT).count()


def test_beat_and_a_worker_on_redis_send_each_due_reminder_once(partnership, reviewer, tmp_path):
    make_user("crc-official", organisation="eeas-crc", is_official=True)
    plan_meeting_tomorrow(reviewer)
    with celery_worker_and_beat(tmp_path):
        wait_for(lambda: meeting_reminders_sent() == 3, tmp_path)
        time.sleep(4)  # several more beat ticks and sweeps
    assert meeting_reminders_sent() == 3
    meeting_mail = [s for s in mailed_subjects(tmp_path) if "to go" in s]
    assert len(meeting_mail) == 3 and len(set(meeting_mail)) == 3  # 28, 7 and 1 days: each once


def test_with_redis_unreachable_the_app_keeps_working_and_reminders_go_out_once_it_is_back(
    partnership, reviewer, eu_official, client, tmp_path
):
    make_user("crc-official", organisation="eeas-crc", is_official=True)
    with broker_unreachable():
        with pytest.raises(OperationalError):
            sweep_reminders.apply_async(retry=False)
        # Pages and writes never wait on the broker.
        client.force_login(reviewer)
        assert client.get(reverse("dashboards:overview")).status_code == 200
        meeting = plan_meeting_tomorrow(reviewer)
        assert client.get(meeting.get_absolute_url()).status_code == 200
        asked = client.get(reverse("packs:pdf", args=[meeting.pk]))
        assert asked.status_code == 302 and client.get(asked["Location"]).status_code == 200
        client.force_login(eu_official)
        commitment = Commitment.objects.get(ref="14.1")
        response = client.post(reverse("commitments:update", args=[commitment.pk, "EU"]), {
            "status": "in_progress", "note": "", "as_of": timezone.localdate().isoformat(), "marking": "OFFICIAL",
            "version": commitment.version, "corrects": "", **{f"evidence_{f}_{n}": "" for f in ("title", "url") for n in (1, 2, 3)},
        })
        assert response.status_code == 302
        assert not Reminder.objects.exists()  # nothing could be swept meanwhile

    with celery_worker_and_beat(tmp_path):
        wait_for(lambda: meeting_reminders_sent() == 3, tmp_path)
        # The PDF asked for meanwhile was never published: the sweep renders it once it has waited 30 seconds.
        wait_for(lambda: GeneratedPdf.objects.get().state == GeneratedPdf.State.READY, tmp_path, timeout=120)
        time.sleep(3)
    assert meeting_reminders_sent() == 3
    assert len([s for s in mailed_subjects(tmp_path) if "to go" in s]) == 3
    assert "Task reports.tasks.sweep_pdfs[" in (tmp_path / "worker.log").read_text()


def test_a_worker_renders_the_pack_pdf_a_reader_asks_for(partnership, reviewer, client, tmp_path):
    """The page publishes the render after commit; the worker claims it and stores the PDF the page then serves."""
    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    meeting = services.meeting_create(series=sdd, date=timezone.localdate() + timedelta(days=30), place="London", by=reviewer)
    client.force_login(reviewer)
    with celery_worker_and_beat(tmp_path):
        response = client.get(reverse("packs:pdf", args=[meeting.pk]))
        pdf = GeneratedPdf.objects.get()
        assert response["Location"] == reverse("packs:pdf_status", args=[meeting.pk, pdf.pk])
        wait_for(lambda: GeneratedPdf.objects.get().state == GeneratedPdf.State.READY, tmp_path, timeout=120)
    assert GeneratedPdf.objects.get().attempts == 1
    # The task rendered it, not the sweep (which would wait 30 seconds for it first).
    assert re.search(r"Task reports\.tasks\.render_pdf\[[^]]+\] succeeded in [0-9.]+s: True", (tmp_path / "worker.log").read_text())
    download = client.get(reverse("packs:pdf_file", args=[meeting.pk, pdf.pk]))
    assert (download.status_code, download.content[:5]) == (200, b"%PDF-")
