"""Answering the overdue digest, as Healthchecks lets one answer an alert: acknowledge a commitment (not chased again
until its next due date) or snooze it (chased again once the snooze ends), or be chased again. Only the person the
digest went to may answer it; each answer is audited; the sweep leaves out what each person silenced."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from commitments.models import Commitment, CommitmentSide
from commitments.services import commitment_update_status
from dialogues import chasing
from dialogues.models import ChaseHold, DialogueSeries, Notification, Reminder
from dialogues.reminders import send_due_reminders
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
DIGEST_DAY = date(2026, 2, 2)  # every side without an update has been overdue since early December 2025


def at(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BRUSSELS)


def side(ref: str, party: str = "EU") -> CommitmentSide:
    return CommitmentSide.objects.get(commitment__ref=ref, party__code=party)


def digest_of(user, day: date) -> Reminder | None:
    return Reminder.objects.filter(recipient=user, kind="digest", key=f"digest:{user.pk}:{day:%Y%m%d}").first()


def listed(reminder: Reminder) -> set[int]:
    return {item["side"] for item in reminder.items}


@pytest.fixture
def first_digest(partnership, eu_official) -> Notification:
    send_due_reminders(now=at(DIGEST_DAY))
    return Notification.objects.get(user=eu_official, reminder__kind="digest")


def test_an_acknowledged_commitment_is_not_chased_again_until_its_next_due_date(first_digest, eu_official):
    chased = side("14.1")
    assert chased.pk in listed(first_digest.reminder)

    chasing.chase_acknowledge(notification=first_digest, side_ids=[chased.pk], by=eu_official, now=at(DIGEST_DAY, 9))
    for day in (DIGEST_DAY + timedelta(days=1), DIGEST_DAY + timedelta(days=30)):
        send_due_reminders(now=at(day))
        assert listed(digest_of(eu_official, day)) == listed(first_digest.reminder) - {chased.pk}

    # An update moves its due date; once that one lapses too, it is chased again.
    commitment = Commitment.objects.get(ref="14.1")
    commitment_update_status(commitment=commitment, party_code="EU", status="on_track", note="", as_of=DIGEST_DAY,
                             by=eu_official, expected_version=commitment.version, now=at(DIGEST_DAY + timedelta(days=31)))
    chased.refresh_from_db()
    assert chased.overdue_on == date(2026, 9, 20)  # due six months after the update (5 March), then 14 days' grace
    send_due_reminders(now=at(date(2026, 9, 19)))
    assert chased.pk not in listed(digest_of(eu_official, date(2026, 9, 19)))  # not yet overdue
    send_due_reminders(now=at(date(2026, 9, 20)))
    assert chased.pk in listed(digest_of(eu_official, date(2026, 9, 20)))


def test_a_snoozed_commitment_comes_back_in_the_first_digest_after_the_snooze(first_digest, eu_official):
    snoozed = side("14.1")

    chasing.chase_snooze(notification=first_digest, side_ids=[snoozed.pk], days=3, by=eu_official, now=at(DIGEST_DAY, 9))

    assert ChaseHold.objects.get(user=eu_official, side=snoozed).snoozed_until == at(date(2026, 2, 5), 9)
    for day in (date(2026, 2, 3), date(2026, 2, 4), date(2026, 2, 5)):  # the 5th's digest goes at 08:00, before 09:00
        send_due_reminders(now=at(day))
        assert snoozed.pk not in listed(digest_of(eu_official, day)), day
    send_due_reminders(now=at(date(2026, 2, 6)))
    assert snoozed.pk in listed(digest_of(eu_official, date(2026, 2, 6)))


def test_whoever_acknowledged_everything_gets_no_digest_while_colleagues_still_get_theirs(first_digest, eu_official):
    colleague = make_user("eeas-two", organisation="eeas", is_official=True)
    everything = listed(first_digest.reminder)

    chasing.chase_acknowledge(notification=first_digest, side_ids=everything, by=eu_official, now=at(DIGEST_DAY, 9))
    send_due_reminders(now=at(DIGEST_DAY + timedelta(days=1)))

    assert digest_of(eu_official, DIGEST_DAY + timedelta(days=1)) is None
    assert listed(digest_of(colleague, DIGEST_DAY + timedelta(days=1))) == everything


def test_chase_me_again_puts_the_commitment_back_in_the_next_digest(first_digest, eu_official):
    chased = side("14.1")
    chasing.chase_acknowledge(notification=first_digest, side_ids=[chased.pk], by=eu_official, now=at(DIGEST_DAY, 9))

    assert chasing.chase_resume(notification=first_digest, side_ids=[chased.pk], by=eu_official) == 1

    send_due_reminders(now=at(DIGEST_DAY + timedelta(days=1)))
    assert chased.pk in listed(digest_of(eu_official, DIGEST_DAY + timedelta(days=1)))
    assert AuditEntry.objects.filter(action="overdue chase resumed", user=eu_official).count() == 1


def test_answers_are_audited_with_the_commitments_and_until_when(first_digest, eu_official):
    chasing.chase_acknowledge(notification=first_digest, side_ids=[side("14.1").pk], by=eu_official, now=at(DIGEST_DAY, 9))
    chasing.chase_snooze(notification=first_digest, side_ids=[side("14.1").pk], days=7, by=eu_official,
                         now=at(DIGEST_DAY, 10))

    entries = AuditEntry.objects.filter(user=eu_official, object_ref=f"notification {first_digest.pk}").order_by("pk")
    assert [(e.action, e.details) for e in entries] == [
        ("overdue chase acknowledged", {"sides": ["¶14.1 (EU) due 2025-11-19"], "until": "the next due date"}),
        ("overdue chase snoozed", {"sides": ["¶14.1 (EU) due 2025-11-19"], "until": "2026-02-09T10:00:00+01:00"}),
    ]
    assert ChaseHold.objects.get(user=eu_official).snoozed_until == at(date(2026, 2, 9), 10)  # the later answer holds


def test_only_the_person_the_digest_went_to_may_answer_it(first_digest, uk_official, administrator):
    for someone in (uk_official, administrator, None):
        with pytest.raises(PermissionDenied):
            chasing.chase_acknowledge(notification=first_digest, side_ids=[side("14.1").pk], by=someone)
    assert not ChaseHold.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="overdue chase").exists()


def test_a_commitment_the_digest_does_not_list_cannot_be_answered(first_digest, eu_official):
    not_eeas = CommitmentSide.objects.exclude(owners__organisation__slug="eeas").first()

    for side_ids in ([not_eeas.pk], [], ["abc"], ["9" * 5000]):
        with pytest.raises(ValidationError) as refused:
            chasing.chase_acknowledge(notification=first_digest, side_ids=side_ids, by=eu_official)
        assert refused.value.message_dict == {"side": ["Choose commitments this reminder lists."]}
    assert not ChaseHold.objects.exists()


def test_a_commitment_updated_since_the_digest_is_no_longer_chased_and_cannot_be_answered(first_digest, eu_official):
    commitment = Commitment.objects.get(ref="14.1")
    commitment_update_status(commitment=commitment, party_code="EU", status="on_track", note="", as_of=DIGEST_DAY,
                             by=eu_official, expected_version=commitment.version, now=at(DIGEST_DAY, 9))

    with pytest.raises(ValidationError) as refused:
        chasing.chase_snooze(notification=first_digest, side_ids=[side("14.1").pk], days=7, by=eu_official)

    assert "updated since" in refused.value.messages[0]
    standing = {line.item["side"]: line.standing for line in chasing.chase_lines(first_digest, now=at(DIGEST_DAY, 10))}
    assert standing[side("14.1").pk] == "updated"


def test_a_snooze_is_for_one_of_the_offered_lengths(first_digest, eu_official):
    for days in (0, 2, 30, "7 days", "9" * 5000, None):
        with pytest.raises(ValidationError) as refused:
            chasing.chase_snooze(notification=first_digest, side_ids=[side("14.1").pk], days=days, by=eu_official)
        assert refused.value.message_dict == {"days": ["Snooze for 1, 3, 7 or 14 days."]}
    chasing.chase_snooze(notification=first_digest, side_ids=[side("14.1").pk], days="14", by=eu_official,
                         now=at(DIGEST_DAY, 9))
    assert ChaseHold.objects.get().snoozed_until == at(date(2026, 2, 16), 9)


def test_a_meeting_reminder_is_not_an_overdue_chase(partnership, reviewer):
    from dialogues import services

    official = make_user("crc-official", organisation="eeas-crc", is_official=True)
    services.meeting_create(series=DialogueSeries.objects.get(slug="crisis-response-contacts"), date=date(2026, 3, 20),
                            place="London", by=reviewer, now=at(date(2026, 1, 5)))
    send_due_reminders(now=at(date(2026, 3, 13), 5))
    meeting_note = Notification.objects.get(user=official, reminder__kind="meeting", reminder__key__contains=":7d:")

    with pytest.raises(ValidationError):
        chasing.chase_acknowledge(notification=meeting_note, side_ids=[side("14.1").pk], by=official)


# ---------------------------------------------------------------------------------------------------------------------
# The pages


def answer(client, notification, **fields):
    return client.post(f"/dialogues/notifications/{notification.pk}/answer/", fields)


def card(html: str, side_id: int) -> str:
    """The digest page's card of one side."""
    return html[html.index(f'id="side-{side_id}"'):].split("</li>")[0]


def test_the_digest_page_acknowledges_and_snoozes_and_says_how_each_stands(first_digest, eu_official, client):
    acknowledged, snoozed, untouched = (item["side"] for item in first_digest.reminder.items[:3])
    with time_machine.travel(at(DIGEST_DAY, 9), tick=False):
        client.force_login(eu_official)
        assert answer(client, first_digest, answer="acknowledge", side=acknowledged)["Location"] == (
            f"/dialogues/notifications/{first_digest.pk}/#chased")
        answer(client, first_digest, answer="snooze", side=snoozed, days="7")
        html = client.get(f"/dialogues/notifications/{first_digest.pk}/").content.decode()

    assert "<strong>Acknowledged</strong>: not chased again until its next due date." in card(html, acknowledged)
    assert "<strong>Snoozed</strong> until 9 Feb 2026 09:00." in card(html, snoozed)
    assert "Chase me again" in card(html, snoozed)
    assert 'value="acknowledge"' in card(html, untouched) and "Snoozed" not in card(html, untouched)
    assert ChaseHold.objects.filter(user=eu_official).count() == 2
    assert AuditEntry.objects.filter(user=eu_official, action__startswith="overdue chase", path__contains="/answer/").count() == 2


def test_the_digest_page_acknowledges_everything_still_chased_at_once(first_digest, eu_official, client):
    with time_machine.travel(at(DIGEST_DAY, 9), tick=False):
        client.force_login(eu_official)
        page = client.get(f"/dialogues/notifications/{first_digest.pk}/").content.decode()
        assert "Acknowledge all" in page
        answer(client, first_digest, answer="acknowledge", side=sorted(listed(first_digest.reminder)))

    assert set(ChaseHold.objects.filter(user=eu_official).values_list("side_id", flat=True)) == listed(first_digest.reminder)


def test_another_persons_digest_is_not_found_and_nothing_is_written(first_digest, uk_official, outsider, client):
    client.force_login(uk_official)
    assert client.get(f"/dialogues/notifications/{first_digest.pk}/").status_code == 404
    assert answer(client, first_digest, answer="acknowledge", side=side("14.1").pk).status_code == 404
    client.force_login(outsider)
    assert answer(client, first_digest, answer="acknowledge", side=side("14.1").pk).status_code == 403
    client.logout()
    assert answer(client, first_digest, answer="acknowledge", side=side("14.1").pk).status_code == 302  # to sign in
    assert not ChaseHold.objects.exists()


LISTED = "a side the digest lists"


@pytest.mark.parametrize("fields", [
    {"answer": "acknowledge", "side": "abc"},
    {"answer": "acknowledge"},
    {"answer": "snooze", "side": "", "days": "7"},
    {"answer": "snooze", "side": LISTED, "days": "9999"},
    {"answer": "snooze", "side": LISTED},
    {"answer": "acknowledge\x00", "side": LISTED},
    {"answer": "resume", "side": "9" * 100_000},
    {"side": LISTED},
])
def test_a_malformed_answer_is_refused_with_a_message_and_writes_nothing(first_digest, eu_official, client, fields):
    client.force_login(eu_official)
    if fields.get("side") == LISTED:
        fields = {**fields, "side": side("14.1").pk}

    response = answer(client, first_digest, **fields)

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'class="message message-error"' in page
    assert not ChaseHold.objects.exists()


def test_a_get_to_the_answer_address_is_not_allowed(first_digest, eu_official, client):
    client.force_login(eu_official)
    assert client.get(f"/dialogues/notifications/{first_digest.pk}/answer/").status_code == 405
