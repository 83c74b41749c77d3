"""A worker killed mid-sweep loses no reminder: a sweep runs in a process of its own against a slow SMTP server and is
killed (SIGKILL) at a random point of its sending; the next sweep, once the claim has lapsed, sends what was not
marked sent (it marks them fifty at a time), under the same Message-ID and marked as a retry. Twenty trials."""

import email
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import User
from agreement.models import Organisation
from bench.smtp_sink import SmtpSink
from dialogues import services
from dialogues.models import DialogueSeries, Reminder
from dialogues.reminders import send_due_reminders

ROOT = Path(__file__).resolve().parents[2]
TRIALS = 20
OFFICIALS = 20  # two meeting reminders each, with their digests and calls for updates: a few hundred e-mails


@pytest.fixture
def due(partnership, reviewer):
    """A Security and Defence Dialogue five days away, and sixty officials of a participant who are reminded of it."""
    eeas = Organisation.objects.get(slug="eeas")
    User.objects.bulk_create(User(username=f"eeas-{n}", email=f"eeas-{n}@example.org", organisation=eeas,
                                  is_official=True, password="!") for n in range(OFFICIALS))
    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    services.meeting_create(series=sdd, date=timezone.localdate() + timedelta(days=5), place="London", by=reviewer)


def sweep_in_a_process(port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": _database_url(), "EMAIL_URL": f"smtp://127.0.0.1:{port}?tls=0",
           "DJANGO_SETTINGS_MODULE": "partnership.settings"}
    return subprocess.Popen([sys.executable, "manage.py", "send_reminders"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def message_ids(sink: SmtpSink) -> list[tuple[str, str | None]]:
    parsed = [email.message_from_bytes(m.data) for m in sink.messages]
    return [(m["Message-ID"], m["X-Tracker-Attempt"]) for m in parsed]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("trial", range(TRIALS))
def test_a_sweep_killed_at_any_point_loses_nothing_and_resends_at_most_the_fifty_not_yet_marked_sent(due, trial):
    rng = random.Random(trial)
    with SmtpSink(delay=0.004) as sink:
        process = sweep_in_a_process(sink.port)
        deadline = time.monotonic() + 30
        while not sink.messages and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.8))  # somewhere in the sending (or, now and then, after it)
        process.send_signal(signal.SIGKILL)
        process.wait()
        settings.MAILERS = sink.mailers
        later = timezone.now() + timedelta(minutes=settings.REMINDER_LEASE_MINUTES + 1)
        send_due_reminders(now=later)

    assert Reminder.objects.filter(kind=Reminder.Kind.MEETING).count() == 2 * OFFICIALS
    assert set(Reminder.objects.values_list("state", flat=True)) == {Reminder.State.SENT}  # nothing lost
    mailed = Reminder.objects.exclude(recipient__email="").values_list("pk", flat=True)
    sent = message_ids(sink)
    by_id = Counter(message_id for message_id, _ in sent)
    assert set(by_id) == {f"<reminder-{pk}@127.0.0.1>" for pk in mailed}  # every one delivered
    twice = [message_id for message_id, count in by_id.items() if count > 1]
    assert len(twice) <= 50 and max(by_id.values()) <= 2  # at most those sent since the last mark, once more
    for message_id in twice:  # the copy the killed sweep got out, and the next sweep's, which says it is a retry
        copies = sorted((attempt or "") for sent_id, attempt in sent if sent_id == message_id)
        assert copies[0] == "" and copies[1].startswith("2 (a retry")
