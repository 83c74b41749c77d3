"""Status updates: per side, append-only, validated, and never lost when two officials edit at once."""

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from commitments.models import Commitment, StatusUpdate
from commitments.services import Evidence, StaleVersion, commitment_update_status
from commitments.status import Status
from tests.conftest import make_user

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))
TODAY = NOW.date()


@pytest.fixture
def both_sides(partnership):
    """A commitment owned by the EEAS on the EU side and the FCDO on the UK side."""
    return Commitment.objects.get(ref="14.1")


def update(commitment, user, side, status, *, note="", as_of=TODAY, **extra):
    commitment.refresh_from_db()
    return commitment_update_status(
        commitment=commitment, party_code=side, status=status, note=note, as_of=as_of, by=user,
        expected_version=commitment.version, now=NOW, **extra,
    )


def test_each_side_reports_its_own_status_and_the_overall_is_the_less_advanced(both_sides, eu_official, uk_official):
    update(both_sides, eu_official, "EU", Status.ON_TRACK)
    both_sides.refresh_from_db()
    assert both_sides.status == Status.NOT_ASSESSED  # the UK has not reported yet
    update(both_sides, uk_official, "UK", Status.IN_PROGRESS)
    both_sides.refresh_from_db()
    sides = {s.party.code: s.status for s in both_sides.sides.select_related("party")}
    assert sides == {"EU": Status.ON_TRACK, "UK": Status.IN_PROGRESS}
    assert both_sides.status == Status.IN_PROGRESS


def test_the_commitment_page_flags_when_the_sides_disagree(client, both_sides, eu_official, uk_official, analyst):
    update(both_sides, eu_official, "EU", Status.ON_TRACK)
    update(both_sides, uk_official, "UK", Status.DELAYED, note="The meeting slipped.")
    client.force_login(analyst)
    html = client.get(both_sides.get_absolute_url()).content.decode()
    assert "The two sides report different statuses" in html
    update(both_sides, uk_official, "UK", Status.ON_TRACK)
    html = client.get(both_sides.get_absolute_url()).content.decode()
    assert "The two sides report different statuses" not in html


def test_a_one_sided_commitment_has_one_status(partnership):
    commitment = Commitment.objects.get(paragraph__number=17, clause__startswith="The UK will consider")
    official = make_user("mod-official", organisation=commitment.sides.get().owners.get(role="lead").organisation.slug, is_official=True)
    update(commitment, official, "UK", Status.IN_PROGRESS)
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS
    with pytest.raises(ValidationError) as error:
        update(commitment, official, "EU", Status.IN_PROGRESS)
    assert "does not bind the EU side" in str(error.value)


@pytest.mark.parametrize("status", [Status.AT_RISK, Status.DELAYED, Status.DISCONTINUED])
def test_a_note_is_required_for_a_troubled_status(both_sides, eu_official, status):
    with pytest.raises(ValidationError) as error:
        update(both_sides, eu_official, "EU", status)
    assert "note" in error.value.message_dict
    assert not StatusUpdate.objects.exists()


def test_a_note_is_required_when_the_status_moves_backwards(both_sides, eu_official):
    update(both_sides, eu_official, "EU", Status.ON_TRACK)
    with pytest.raises(ValidationError) as error:
        update(both_sides, eu_official, "EU", Status.NOT_STARTED)
    assert "moves back" in error.value.message_dict["note"][0]
    update(both_sides, eu_official, "EU", Status.NOT_STARTED, note="The first meeting was cancelled.")
    assert StatusUpdate.objects.count() == 2


def test_an_update_cannot_be_dated_in_the_future_or_before_adoption(both_sides, eu_official):
    with pytest.raises(ValidationError) as error:
        update(both_sides, eu_official, "EU", Status.ON_TRACK, as_of=TODAY + timedelta(days=1))
    assert "future" in error.value.message_dict["as_of"][0]
    with pytest.raises(ValidationError) as error:
        update(both_sides, eu_official, "EU", Status.ON_TRACK, as_of=date(2025, 5, 18))
    assert "before the Partnership was adopted" in error.value.message_dict["as_of"][0]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "file:///etc/passwd", "example.org"])
def test_evidence_links_must_be_http_or_https(both_sides, eu_official, url):
    with pytest.raises(ValidationError) as error:
        update(both_sides, eu_official, "EU", Status.ON_TRACK, evidence=[Evidence("Minutes", url)])
    assert "http" in error.value.message_dict["evidence"][0]
    assert not StatusUpdate.objects.exists()


def test_an_update_records_side_status_note_evidence_date_marking_author_and_time(both_sides, eu_official):
    made = update(
        both_sides, eu_official, "EU", Status.IN_PROGRESS, note="Terms of reference agreed.",
        as_of=date(2026, 2, 20), marking="OFFICIAL-SENSITIVE",
        evidence=[Evidence("Joint statement", "https://example.org/statement")],
    )
    made.refresh_from_db()
    assert (made.side.party.code, made.status, made.previous_status) == ("EU", Status.IN_PROGRESS, Status.NOT_ASSESSED)
    assert (made.note, made.as_of, made.marking) == ("Terms of reference agreed.", date(2026, 2, 20), "OFFICIAL-SENSITIVE")
    assert (made.created_by, made.created_at) == (eu_official, NOW)
    assert [(e.title, e.url) for e in made.evidence.all()] == [("Joint statement", "https://example.org/statement")]


def test_nobody_but_an_owning_official_may_update_through_the_service(both_sides, uk_official, analyst, reviewer, administrator):
    for user in (uk_official, analyst, reviewer, administrator):
        with pytest.raises(PermissionDenied):
            update(both_sides, user, "EU", Status.ON_TRACK)
    assert not StatusUpdate.objects.exists()


def test_a_correction_is_a_new_entry_that_says_what_it_corrects(both_sides, eu_official):
    wrong = update(both_sides, eu_official, "EU", Status.ACHIEVED)
    fixed = update(both_sides, eu_official, "EU", Status.IN_PROGRESS, note="Recorded as achieved by mistake.", corrects=wrong)
    assert StatusUpdate.objects.count() == 2
    wrong.refresh_from_db()
    assert wrong.status == Status.ACHIEVED  # the original stands, unedited
    assert fixed.corrects == wrong
    both_sides.refresh_from_db()
    assert both_sides.sides.get(party__code="EU").status == Status.IN_PROGRESS


def test_a_back_dated_update_joins_the_history_without_overriding_a_later_one(both_sides, eu_official):
    update(both_sides, eu_official, "EU", Status.ON_TRACK, as_of=date(2026, 2, 1))
    update(both_sides, eu_official, "EU", Status.DELAYED, note="What we knew in December.", as_of=date(2025, 12, 1))
    side = both_sides.sides.get(party__code="EU")
    assert (side.status, side.status_as_of) == (Status.ON_TRACK, date(2026, 2, 1))


def test_history_cannot_be_edited_or_deleted_in_the_admin(client, both_sides, eu_official, administrator):
    made = update(both_sides, eu_official, "EU", Status.ON_TRACK)
    client.force_login(administrator)
    assert client.get(reverse("admin:commitments_statusupdate_change", args=[made.pk])).status_code == 200
    assert client.post(reverse("admin:commitments_statusupdate_delete", args=[made.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:commitments_statusupdate_add")).status_code == 403
    assert StatusUpdate.objects.filter(pk=made.pk).exists()


def test_a_stale_version_is_refused_by_the_service(both_sides, eu_official):
    version = both_sides.version
    update(both_sides, eu_official, "EU", Status.ON_TRACK)
    with pytest.raises(StaleVersion):
        commitment_update_status(commitment=both_sides, party_code="EU", status=Status.DELAYED, note="x",
                                 as_of=TODAY, by=eu_official, expected_version=version, now=NOW)
    assert StatusUpdate.objects.count() == 1


def form_data(commitment, **values):
    data = {"status": "in_progress", "note": "", "as_of": TODAY.isoformat(), "marking": "OFFICIAL",
            "version": commitment.version, "corrects": ""}
    for n in (1, 2, 3):
        data[f"evidence_title_{n}"] = data[f"evidence_url_{n}"] = ""
    data.update(values)
    return data


@time_machine.travel(NOW, tick=False)
def test_the_second_of_two_simultaneous_edits_gets_the_conflict_page_and_loses_nothing(client, both_sides, eu_official):
    colleague = make_user("eu-colleague", organisation="eeas", is_official=True)
    url = reverse("commitments:update", args=[both_sides.pk, "EU"])
    first, second = client, client.__class__()
    first.force_login(eu_official)
    second.force_login(colleague)
    form_first = form_data(both_sides, status="on_track", note="Held on 1 March.")
    form_second = form_data(both_sides, status="at_risk", note="The next round has no date yet.",
                            evidence_title_1="Agenda", evidence_url_1="https://example.org/agenda")

    assert first.post(url, form_first).status_code == 302
    refused = second.post(url, form_second)
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "Someone else updated this commitment while you were editing" in html
    assert "Held on 1 March." in html  # what changed meanwhile
    assert "The next round has no date yet." in html and "https://example.org/agenda" in html  # kept
    assert StatusUpdate.objects.count() == 1

    both_sides.refresh_from_db()
    resubmit = refused.context["form"].data  # one click: the same fields with the new version
    assert int(resubmit["version"]) == both_sides.version
    assert second.post(url, resubmit).status_code == 302
    assert list(StatusUpdate.objects.order_by("created_at", "pk").values_list("note", flat=True)) == [
        "Held on 1 March.", "The next round has no date yet.",
    ]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_updates_on_one_version_exactly_one_succeeds(partnership, eu_official):
    commitment = Commitment.objects.get(ref="14.1")
    version = commitment.version
    barrier, outcomes = threading.Barrier(2), []

    def attempt(status):
        try:
            barrier.wait()
            commitment_update_status(commitment=commitment, party_code="EU", status=status, note="race",
                                     as_of=TODAY, by=eu_official, expected_version=version, now=NOW)
            outcomes.append("ok")
        except StaleVersion:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(s,)) for s in (Status.ON_TRACK, Status.IN_PROGRESS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "stale"]
    assert StatusUpdate.objects.filter(commitment=commitment).count() == 1
    commitment.refresh_from_db()
    assert commitment.version == version + 1


@time_machine.travel(NOW, tick=False)
def test_bad_input_gets_field_errors_and_changes_nothing(client, both_sides, eu_official):
    client.force_login(eu_official)
    url = reverse("commitments:update", args=[both_sides.pk, "EU"])
    cases = [
        ({"status": "delayed"}, "Explain why"),
        ({"status": "made_up"}, "Select a valid choice"),
        ({"as_of": "2099-01-01"}, "cannot be in the future"),
        ({"as_of": "yesterday"}, "Enter a valid date"),
        ({"evidence_title_1": "x", "evidence_url_1": "javascript:alert(1)"}, "http:// or https://"),
        ({"evidence_url_1": "https://example.org"}, "Give the link a title"),
        ({"marking": "SECRET"}, "Select a valid choice"),
        ({"version": "abc"}, "Enter a whole number"),
        ({"corrects": "999999"}, "Select a valid choice"),
        ({"note": "x" * 5001}, "at most 5000 characters"),
    ]
    for values, message in cases:
        response = client.post(url, form_data(both_sides, **values))
        assert response.status_code == 400, values
        assert message in response.content.decode(), values
    assert not StatusUpdate.objects.exists()
    both_sides.refresh_from_db()
    assert both_sides.version == 1


def test_a_successful_form_update_appears_on_the_commitment_timeline(client, both_sides, eu_official):
    client.force_login(eu_official)
    url = reverse("commitments:update", args=[both_sides.pk, "EU"])
    response = client.post(url, form_data(both_sides, status="on_track", note="Round one held.",
                                          evidence_title_1="Readout", evidence_url_1="https://example.org/readout"), follow=True)
    html = response.content.decode()
    assert "has been recorded" in html
    assert "Round one held." in html and 'href="https://example.org/readout"' in html


@time_machine.travel(NOW, tick=False)
def test_every_mistake_in_the_form_is_told_at_once_each_on_its_field(client, both_sides, eu_official):
    client.force_login(eu_official)
    response = client.post(reverse("commitments:update", args=[both_sides.pk, "EU"]), form_data(
        both_sides, status="at_risk", note="", as_of=(TODAY + timedelta(days=3)).isoformat(),
        evidence_title_1="Minutes", evidence_url_1="ftp://example.org/minutes"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["note"] == ["Explain why the status is “at risk”."]
    assert errors["as_of"] == ["The date cannot be in the future."]
    assert errors["evidence_url_1"] == ["Enter an http:// or https:// address."]
    assert StatusUpdate.objects.filter(commitment=both_sides).count() == 0


def test_an_update_made_while_the_clock_is_behind_the_last_one_is_recorded_after_it(both_sides, eu_official):
    # A server's clock can step back (a correction, a failover to a server behind the others).
    first = update(both_sides, eu_official, "EU", Status.IN_PROGRESS)
    both_sides.refresh_from_db()
    behind = commitment_update_status(
        commitment=both_sides, party_code="EU", status=Status.ON_TRACK, as_of=TODAY, by=eu_official,
        expected_version=both_sides.version, now=NOW - timedelta(hours=3))
    assert behind.created_at == datetime(2026, 3, 2, 10, 0, 0, 1, tzinfo=ZoneInfo("Europe/Brussels"))
    side = both_sides.sides.get(party__code="EU")
    assert (side.status, side.update_count, side.last_update_at) == ("on_track", 2, behind.created_at)
    assert list(side.updates.order_by("created_at").values_list("pk", flat=True)) == [first.pk, behind.pk]

