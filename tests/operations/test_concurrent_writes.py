"""No write waits for an unrelated one: while an official's status update is still in its transaction (another
database connection), other writes go through at once — this connection refuses to wait for any lock — and a
reload of the fixtures run while officials write neither waits nor deadlocks."""

import os
import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from commitments.models import StatusUpdate
from commitments.services import commitment_update_status
from dialogues import services as dialogue_services
from dialogues.models import DialogueSeries
from agreement.models import Organisation
from tests.conftest import commitment, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def record(official, ref: str, status: str = "in_progress"):
    target = commitment(ref)
    return commitment_update_status(commitment=target, party_code="EU", status=status, note="Noted.",
                                    as_of=timezone.localdate(), by=official, expected_version=target.version)


@contextmanager
def update_in_progress(official, ref: str = "14.1"):
    """An update of `ref` recorded in a transaction that stays open until the block ends, in another thread."""
    recorded, release, failures = threading.Event(), threading.Event(), []

    def run():
        try:
            with transaction.atomic():
                record(official, ref)
                recorded.set()
                release.wait(30)
        except Exception as exc:  # noqa: BLE001 - reported by the test below
            failures.append(exc)
            recorded.set()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert recorded.wait(30)
    try:
        yield
    finally:
        release.set()
        thread.join(30)
        assert not failures, failures


@pytest.fixture
def never_wait():
    """This connection gives up at once on any lock held by another transaction (PostgreSQL's lock_timeout)."""
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET lock_timeout")


@pytest.fixture
def officials(partnership):
    return make_user("eeas-one", organisation="eeas", is_official=True), make_user("eeas-two", organisation="eeas", is_official=True)


def test_an_update_of_another_commitment_goes_through_at_once(officials, never_wait):
    first, second = officials
    with update_in_progress(first, "14.1"):
        record(second, "20.1")
    assert StatusUpdate.objects.count() == 2


def test_renaming_an_organisation_that_owns_the_side_goes_through_at_once(officials, never_wait):
    with update_in_progress(officials[0], "14.1"):
        eeas = Organisation.objects.get(slug="eeas")
        eeas.name = "European External Action Service (renamed)"
        eeas.save()
    assert Organisation.objects.get(slug="eeas").name.endswith("(renamed)")


def test_changing_a_meeting_goes_through_at_once(officials, never_wait):
    reviewer = make_user("reviewer-one", is_reviewer=True)
    sdd = DialogueSeries.objects.get(kind=DialogueSeries.Kind.SDD)
    meeting = dialogue_services.meeting_create(series=sdd, date=timezone.localdate() + timedelta(days=90),
                                               place="London", by=reviewer)
    with update_in_progress(officials[0], "14.1"):
        dialogue_services.meeting_update(meeting=meeting, expected_version=meeting.version, by=reviewer,
                                         place="Brussels")
    meeting.refresh_from_db()
    assert meeting.place == "Brussels"


def test_reloading_the_fixtures_while_an_update_is_open_does_not_wait(officials, never_wait):
    with update_in_progress(officials[0], "14.1"):
        call_command("seed", stdout=open(os.devnull, "w"))


def test_reloading_the_fixtures_while_officials_write_never_deadlocks(officials):
    """Officials record updates one after another in another thread while the fixtures are loaded twice."""
    stop, failures, written = threading.Event(), [], []

    def keep_writing():
        try:
            for n in range(1000):
                if stop.is_set():
                    break
                written.append(record(officials[1], ["20.1", "14.1", "11.1"][n % 3], ["in_progress", "on_track"][n % 2]))
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connection.close()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        for _ in range(2):
            call_command("seed", stdout=open(os.devnull, "w"))
    finally:
        stop.set()
        writer.join(60)
    assert not failures, failures
    assert len(written) > 0 and StatusUpdate.objects.count() == len(written)
