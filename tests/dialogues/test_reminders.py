"""The reminder sweep: each kind goes out at the right moment to the right people, and never twice."""

import math
import socket
from collections import Counter
from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from bench.smtp_sink import SmtpSink
from commitments.models import Commitment, CommitmentSide
from dialogues import services
from dialogues.models import ChaseList, DialogueSeries, Notification, RecordedSubject, Reminder, SweepRun
from dialogues.reminders import BATCH_SIZE, MAX_ATTEMPTS, send_due_reminders
from agreement.models import Organisation
from tests.conftest import at_once, make_user
from tests.dialogues.flaky_mail import FlakyBackend

BRUSSELS = ZoneInfo("Europe/Brussels")
MEETING_DAY = date(2026, 3, 20)


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BRUSSELS)


def sent_to(kind=None) -> list[tuple[str, str]]:
    rows = Reminder.objects.filter(state=Reminder.State.SENT)
    if kind:
        rows = rows.filter(kind=kind)
    return sorted(rows.values_list("recipient__username", "key"))


@pytest.fixture
def crisis_series(partnership):
    return DialogueSeries.objects.get(slug="crisis-response-contacts")  # participants: eeas-crc, fcdo-cmd


@pytest.fixture
def crc_official(partnership):
    return make_user("crc-official", organisation="eeas-crc", is_official=True, email="crc@example.org")


@pytest.fixture
def cmd_official(partnership):
    return make_user("cmd-official", organisation="fcdo-cmd", is_official=True, email="cmd@example.org")


@pytest.fixture
def planned_meeting(crisis_series, reviewer, crc_official, cmd_official):
    return services.meeting_create(series=crisis_series, date=MEETING_DAY, place="London", by=reviewer,
                                   now=at(date(2026, 1, 5)))


def meeting_keys(day_offsets, users, meeting):
    return sorted((u.username, f"meeting:{meeting.pk}:{meeting.date:%Y%m%d}:{d}d:{u.pk}") for d in day_offsets for u in users)


def test_meeting_reminders_go_out_28_7_and_1_days_before_to_the_participants(planned_meeting, crc_official, cmd_official):
    people = [crc_official, cmd_official]
    send_due_reminders(now=at(MEETING_DAY - timedelta(days=29)))
    assert sent_to(Reminder.Kind.MEETING) == []
    send_due_reminders(now=at(MEETING_DAY - timedelta(days=28)))
    assert sent_to(Reminder.Kind.MEETING) == meeting_keys([28], people, planned_meeting)
    send_due_reminders(now=at(MEETING_DAY - timedelta(days=10)))
    assert len(sent_to(Reminder.Kind.MEETING)) == 2
    send_due_reminders(now=at(MEETING_DAY - timedelta(days=7)))
    send_due_reminders(now=at(MEETING_DAY - timedelta(days=1)))
    assert sent_to(Reminder.Kind.MEETING) == meeting_keys([28, 7, 1], people, planned_meeting)
    assert {m.to[0] for m in mail.outbox} >= {"crc@example.org", "cmd@example.org"}


def test_owners_of_agenda_items_are_reminded_too(planned_meeting, reviewer, eu_official):
    eu_official.email = "eeas@example.org"
    eu_official.save()
    services.agenda_add(meeting=planned_meeting, by=reviewer, commitments=[Commitment.objects.get(ref="14.1")])
    send_due_reminders(now=at(MEETING_DAY - timedelta(days=7)))
    assert ("eu-official", f"meeting:{planned_meeting.pk}:20260320:7d:{eu_official.pk}") in sent_to(Reminder.Kind.MEETING)


def test_the_email_has_text_and_html_bodies_that_link_back_to_the_page(planned_meeting, settings):
    settings.SITE_URL = "https://tracker.example.org"
    send_due_reminders(now=at(MEETING_DAY - timedelta(days=7)))
    message = next(m for m in mail.outbox if "7 days to go" in m.subject)
    url = f"https://tracker.example.org/dialogues/meetings/{planned_meeting.pk}/"
    assert url in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f'href="{url}"' in html


def test_each_reminder_is_also_an_in_app_notification(planned_meeting, crc_official, client):
    send_due_reminders(now=at(MEETING_DAY - timedelta(days=28)))
    assert Notification.objects.filter(user=crc_official, reminder__kind=Reminder.Kind.MEETING).count() == 1
    unread = Notification.objects.filter(user=crc_official, read_at=None).count()  # the meeting and the digest
    client.force_login(crc_official)
    html = client.get("/dialogues/notifications/").content.decode()
    assert "28 days to go" in html
    assert f'{unread}<span class="visually-hidden"> unread</span>' in html
    client.post("/dialogues/notifications/read/")
    assert not Notification.objects.filter(user=crc_official, read_at=None).exists()


def test_running_the_sweep_twice_sends_nothing_twice(planned_meeting):
    now = at(MEETING_DAY - timedelta(days=7))
    first = send_due_reminders(now=now)
    outbox = len(mail.outbox)
    second = send_due_reminders(now=now)
    assert first.sent == outbox > 0
    assert (second.created, second.sent) == (0, 0)
    assert len(mail.outbox) == outbox


def test_catch_up_after_nothing_ran_sends_each_due_reminder_once(planned_meeting, crc_official, cmd_official):
    # Nothing ran from January until the day before the meeting: the 28-, 7- and 1-day reminders all go, once.
    report = send_due_reminders(now=at(MEETING_DAY - timedelta(days=1)))
    assert sent_to(Reminder.Kind.MEETING) == meeting_keys([28, 7, 1], [crc_official, cmd_official], planned_meeting)
    assert report.sent == len(mail.outbox)
    send_due_reminders(now=at(MEETING_DAY - timedelta(days=1), 15))
    assert len(sent_to(Reminder.Kind.MEETING)) == 6


def test_a_meeting_already_past_is_not_reminded(planned_meeting):
    send_due_reminders(now=at(MEETING_DAY + timedelta(days=1)))
    assert sent_to(Reminder.Kind.MEETING) == []


def test_series_organisers_hear_when_the_next_meeting_is_due_within_six_weeks_and_unplanned(partnership, reviewer):
    series = DialogueSeries.objects.get(slug="security-and-defence-dialogue")  # organisers: eeas-dsg, fcdo
    dsg = make_user("dsg-official", organisation="eeas-dsg", is_official=True, email="dsg@example.org")
    assert series.next_due_on == date(2026, 5, 19)
    send_due_reminders(now=at(date(2026, 4, 6)))  # six weeks and a day before
    assert not sent_to(Reminder.Kind.UNSCHEDULED)
    send_due_reminders(now=at(date(2026, 4, 7)))
    assert ("dsg-official", f"unscheduled:{series.pk}:20260519:{dsg.pk}") in sent_to(Reminder.Kind.UNSCHEDULED)

    # Once a meeting is planned, nobody else is chased for it.
    services.meeting_create(series=series, date=date(2026, 5, 21), place="London", by=reviewer, now=at(date(2026, 4, 8)))
    late_joiner = make_user("dsg-two", organisation="eeas-dsg", is_official=True, email="dsg2@example.org")
    send_due_reminders(now=at(date(2026, 4, 9)))
    assert not any(user == late_joiner.username for user, _ in sent_to(Reminder.Kind.UNSCHEDULED))


def test_a_held_meeting_sets_when_the_next_one_is_due(partnership, reviewer):
    series = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    meeting = services.meeting_create(series=series, date=date(2026, 6, 2), place="London", by=reviewer, now=at(date(2026, 5, 1)))
    series.refresh_from_db()
    assert series.next_due_on == date(2026, 5, 19)  # planned, not yet held
    services.meeting_update(meeting=meeting, expected_version=meeting.version, status="held", by=reviewer, now=at(date(2026, 6, 3)))
    series.refresh_from_db()
    assert series.next_due_on == date(2027, 6, 2)


def test_every_owning_organisation_is_called_for_updates_before_the_sdd(partnership, reviewer, eu_official):
    eda = make_user("eda-official", organisation="eda", is_official=True, email="eda@example.org")
    series = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    sdd = services.meeting_create(series=series, date=date(2026, 6, 30), place="London", by=reviewer, now=at(date(2026, 4, 1)))
    send_due_reminders(now=at(date(2026, 5, 18)))  # 43 days before
    assert not sent_to(Reminder.Kind.CALL_FOR_UPDATES)
    send_due_reminders(now=at(date(2026, 5, 19)))  # 42 days before
    assert {user for user, _ in sent_to(Reminder.Kind.CALL_FOR_UPDATES)} >= {"eda-official", "eu-official"}
    assert ("eda-official", f"call:{sdd.pk}:20260630:{eda.pk}") in sent_to(Reminder.Kind.CALL_FOR_UPDATES)


def test_overdue_updates_go_out_as_one_daily_digest_per_person(partnership, eu_official):
    day = date(2026, 2, 2)  # every side without an update has been overdue since early December 2025
    send_due_reminders(now=at(day, 6))
    assert not sent_to(Reminder.Kind.DIGEST)
    send_due_reminders(now=at(day, 7))
    assert sent_to(Reminder.Kind.DIGEST) == [("eu-official", f"digest:{eu_official.pk}:20260202")]
    digest = next(m for m in mail.outbox if "overdue" in m.subject)
    late = [s for s in CommitmentSide.objects.filter(owners__organisation__slug="eeas") if s.due_state(day) in {"overdue", "stale"}]
    assert 0 < len(late) < CommitmentSide.objects.filter(owners__organisation__slug="eeas").count()  # annual ones are not due
    assert f"{len(late)} status updates overdue for EEAS" in digest.subject
    assert "14.1" in digest.body
    send_due_reminders(now=at(day, 18))
    assert len(sent_to(Reminder.Kind.DIGEST)) == 1
    send_due_reminders(now=at(day + timedelta(days=1), 8))
    assert len(sent_to(Reminder.Kind.DIGEST)) == 2


def test_overdue_sides_escalate_to_the_senior_contact_after_the_configured_days(partnership, settings):
    senior = make_user("eeas-senior", organisation="eeas", email="senior@example.org")
    Organisation.objects.filter(slug="eeas").update(senior_contact=senior)
    side = CommitmentSide.objects.get(commitment__ref="14.1", party__code="EU")
    assert side.overdue_on == date(2025, 12, 4)
    send_due_reminders(now=at(date(2025, 12, 17)))
    assert not sent_to(Reminder.Kind.ESCALATION)
    send_due_reminders(now=at(date(2025, 12, 18)))  # 14 days after it fell overdue
    escalations = sent_to(Reminder.Kind.ESCALATION)
    assert ("eeas-senior", f"escalation:{side.pk}:20251119:{senior.pk}") in escalations
    send_due_reminders(now=at(date(2025, 12, 30)))
    assert sent_to(Reminder.Kind.ESCALATION) == escalations


def test_follow_up_actions_coming_due_are_reminded_to_their_owners(partnership, reviewer, uk_official):
    series = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    held = services.meeting_create(series=series, date=date(2026, 5, 20), place="Brussels", status="held", by=reviewer,
                                   now=at(date(2026, 5, 21)))
    action = services.action_add(meeting=held, title="Propose dates", owner=Organisation.objects.get(slug="fcdo"),
                                 due_on=date(2026, 9, 1), by=reviewer)
    send_due_reminders(now=at(date(2026, 8, 24)))
    assert not sent_to(Reminder.Kind.ACTION)
    send_due_reminders(now=at(date(2026, 8, 25)))
    assert sent_to(Reminder.Kind.ACTION) == [("uk-official", f"action:{action.pk}:20260901:{uk_official.pk}")]
    services.action_update(action=action, status="done", by=reviewer)
    send_due_reminders(now=at(date(2026, 9, 2)))
    assert len(sent_to(Reminder.Kind.ACTION)) == 1


def test_a_failed_send_is_retried_with_backoff_and_sent_once(planned_meeting, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.dialogues.flaky_mail.FlakyBackend"}}
    FlakyBackend.failures = 100
    now = at(MEETING_DAY - timedelta(days=28), 5)  # before the digest hour: only the two meeting reminders
    report = send_due_reminders(now=now)
    assert (report.sent, report.retrying) == (0, 2)
    reminder = Reminder.objects.first()
    assert (reminder.state, reminder.attempts) == (Reminder.State.PENDING, 1)
    assert "refused the connection" in reminder.last_error
    assert send_due_reminders(now=now + timedelta(seconds=30)).sent == 0  # not before the backoff

    FlakyBackend.failures = 0
    report = send_due_reminders(now=now + timedelta(minutes=3))
    assert report.sent == 2 and len(mail.outbox) == 2
    assert set(Reminder.objects.values_list("state", flat=True)) == {Reminder.State.SENT}
    assert send_due_reminders(now=now + timedelta(hours=1)).sent == 0


def test_a_send_that_keeps_failing_ends_as_failed_and_visible_in_the_admin(planned_meeting, settings, client, administrator):
    settings.MAILERS = {"default": {"BACKEND": "tests.dialogues.flaky_mail.FlakyBackend"}}
    FlakyBackend.failures = 1000
    now = at(MEETING_DAY - timedelta(days=28), 5)
    for attempt in range(MAX_ATTEMPTS):
        send_due_reminders(now=now + timedelta(minutes=20 * attempt))  # past each backoff, before the digest hour
    assert set(Reminder.objects.values_list("state", flat=True)) == {Reminder.State.FAILED}
    client.force_login(administrator)
    html = client.get("/admin/dialogues/reminder/?state__exact=failed").content.decode()
    assert "SMTP server refused the connection" in html
    FlakyBackend.failures = 0


def test_the_command_lists_what_would_go_out_with_dry_run_and_sends_it_without(planned_meeting):
    out = StringIO()
    call_command("send_reminders", "--dry-run", "--now", "2026-02-20T05:00", stdout=out)  # before the digest hour
    assert "2 reminder(s) would go out; nothing was sent." in out.getvalue()
    assert "28 days to go" in out.getvalue()
    assert not Reminder.objects.exists() and not mail.outbox
    out = StringIO()
    call_command("send_reminders", "--now", "2026-02-20T05:00", stdout=out)
    assert "2 sent" in out.getvalue()
    assert len(mail.outbox) == 2
    assert SweepRun.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_each_reminder_once(partnership, reviewer):
    series = DialogueSeries.objects.get(slug="crisis-response-contacts")
    people = [make_user(f"crc-{n}", organisation="eeas-crc", is_official=True, email=f"crc{n}@example.org") for n in range(4)]
    services.meeting_create(series=series, date=MEETING_DAY, place="London", by=reviewer, now=at(date(2026, 1, 5)))
    now = at(MEETING_DAY - timedelta(days=1), 5)  # before the digest hour
    at_once(lambda: send_due_reminders(now=now))
    assert Reminder.objects.filter(kind=Reminder.Kind.MEETING).count() == 3 * len(people)
    assert len(mail.outbox) == 3 * len(people)  # 28, 7 and 1 days: each once, though two sweeps ran
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == len(mail.outbox)


DIGEST_DAY = date(2026, 2, 2)  # the sides EDA owns have been overdue since early December 2025


@pytest.fixture
def crowd(partnership) -> list[str]:
    """1,200 EDA officials, so 1,200 digests fall due at the digest hour (and nothing else); their addresses."""
    eda = Organisation.objects.get(slug="eda")
    User.objects.bulk_create(
        User(username=f"crowd-{n:04}", email=f"crowd-{n:04}@example.org", is_official=True, organisation=eda)
        for n in range(1200)
    )
    return [f"crowd-{n:04}@example.org" for n in range(1200)]


@pytest.fixture
def sink(settings):
    with SmtpSink() as server:
        settings.MAILERS = server.mailers
        yield server


def delivered(sink: SmtpSink) -> list[str]:
    return sorted(address for message in sink.messages for address in message.recipients)


def test_a_sweep_of_1200_due_reminders_sends_each_once_over_one_smtp_connection_per_batch(crowd, sink):
    with CaptureQueriesContext(connection) as queries:
        report = send_due_reminders(now=at(DIGEST_DAY, 8))
    assert Reminder.objects.count() == report.sent == 1200
    assert sink.connections == math.ceil(1200 / BATCH_SIZE) == 3
    assert delivered(sink) == crowd
    assert set(Reminder.objects.values_list("state", flat=True)) == {Reminder.State.SENT}
    assert not Reminder.objects.filter(claimed_at=None).exists()
    # A few per subject and per batch, and one per fifty e-mails marked sent (what a killed sweep may resend).
    assert len(queries) < 150  # 112 on the day this was written, and not 1,200 more

    assert send_due_reminders(now=at(DIGEST_DAY, 9)).sent == 0
    assert sink.connections == 3  # nothing due: no connection opened


def test_the_batches_of_a_sweep_are_sent_at_once_each_over_its_own_connection(crowd, sink):
    sink.delay = 0.001  # a mail server that takes a moment over each message, as they do
    report = send_due_reminders(now=at(DIGEST_DAY, 8))
    assert report.sent == 1200 and delivered(sink) == crowd
    assert sink.connections == sink.most_at_once == 3  # a batch of 500 each, all three under way together


def test_a_relay_that_takes_one_connection_at_a_time_gets_the_batches_one_after_another(crowd, sink, settings):
    settings.REMINDER_MAIL_CONNECTIONS = 1
    sink.delay = 0.001
    report = send_due_reminders(now=at(DIGEST_DAY, 8))
    assert report.sent == 1200 and delivered(sink) == crowd
    assert (sink.connections, sink.most_at_once) == (3, 1)


def test_the_list_1200_digests_share_is_stored_once_and_the_next_days_same_list_is_not_stored_again(crowd, sink):
    send_due_reminders(now=at(DIGEST_DAY, 8))
    [chase_list] = ChaseList.objects.all()
    assert set(Reminder.objects.values_list("chase_list", flat=True)) == {chase_list.pk}
    reminder = Reminder.objects.get(recipient__username="crowd-0007")
    assert len(reminder.items) == len(chase_list.items) == 4
    assert {item["party"] for item in reminder.items} >= {"EU"}

    send_due_reminders(now=at(DIGEST_DAY + timedelta(days=1), 8))  # nothing updated since: the same list again
    assert Reminder.objects.count() == 2400 and ChaseList.objects.count() == 1


def test_subjects_left_unrecorded_by_a_sweep_that_died_are_recorded_by_the_next_and_nothing_goes_twice(crowd, sink):
    send_due_reminders(now=at(DIGEST_DAY, 8))
    subjects = set(Reminder.objects.values_list("subject", flat=True))
    assert set(RecordedSubject.objects.values_list("key", flat=True)) == subjects
    RecordedSubject.objects.all().delete()  # as if the sweep had died just before its last write

    report = send_due_reminders(now=at(DIGEST_DAY, 9))
    assert (report.created, report.sent) == (0, 0) and len(sink.messages) == Reminder.objects.count() == 1200
    assert set(RecordedSubject.objects.values_list("key", flat=True)) == subjects


def test_an_address_refused_in_the_middle_of_a_batch_is_retried_alone_while_the_rest_are_sent(crowd, sink):
    refused = "crowd-0600@example.org"  # recorded, so claimed, in username order: the 101st of the second batch
    sink.refuse = lambda address: address == refused
    now = at(DIGEST_DAY, 8)
    report = send_due_reminders(now=now)
    assert (report.sent, report.retrying) == (1199, 1)
    assert sink.refusals == [refused]
    assert sorted(Counter(message.connection for message in sink.messages).values()) == [200, 499, 500]  # a batch each
    failed = Reminder.objects.get(state=Reminder.State.PENDING)
    assert (failed.recipient.email, failed.attempts) == (refused, 1)
    assert "Mailbox unavailable" in failed.last_error and failed.next_attempt_at == now + timedelta(minutes=2)

    sink.refuse = lambda address: False
    report = send_due_reminders(now=now + timedelta(minutes=2))
    assert report.sent == 1 and sink.connections == 4
    assert sink.messages[-1].recipients == (refused,)
    assert delivered(sink) == crowd


def test_when_the_mail_server_is_down_the_batch_waits_for_its_retry(planned_meeting, settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MAILERS = SmtpSink.mailers_for(port)
    now = at(MEETING_DAY - timedelta(days=28), 5)  # before the digest hour: only the two meeting reminders
    report = send_due_reminders(now=now)
    assert (report.sent, report.retrying) == (0, 2)
    assert all("ConnectionRefusedError" in error for error in Reminder.objects.values_list("last_error", flat=True))
    assert set(Reminder.objects.values_list("state", "attempts")) == {(Reminder.State.PENDING, 1)}


def test_officials_without_an_email_address_get_the_notification_only(crowd, sink):
    User.objects.filter(email__in=crowd[:700]).update(email="")
    report = send_due_reminders(now=at(DIGEST_DAY, 8))
    assert report.sent == 1200 and delivered(sink) == crowd[700:]
    assert Reminder.objects.filter(last_error__startswith="No e-mail address").count() == 700
    assert Notification.objects.filter(reminder__kind=Reminder.Kind.DIGEST).count() == 1200
    assert sink.connections == 2  # the first batch had no address to send to: no connection


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_over_many_batches_send_each_reminder_once(crowd, sink):
    reports = at_once(lambda: send_due_reminders(now=at(DIGEST_DAY, 8)))
    assert delivered(sink) == crowd
    assert sum(report.sent for report in reports) == 1200
    assert set(Reminder.objects.values_list("state", flat=True)) == {Reminder.State.SENT}
