"""Absurd values get a clear error on their field, the same one whichever way they come, and never a 500."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commitments.models import Commitment
from commitments.services import Evidence, commitment_update_status
from dialogues import services
from dialogues.models import DialogueSeries, Meeting

pytestmark = pytest.mark.django_db


def test_a_meeting_beyond_twenty_years_is_refused_on_its_date(partnership, reviewer):
    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    with pytest.raises(ValidationError) as error:
        services.meeting_create(series=sdd, date=date(9999, 12, 31), place="Nowhere", by=reviewer)
    assert list(error.value.message_dict) == ["date"]
    assert error.value.message_dict["date"][0].startswith("Give a date between 01 January 2000 and ")


def test_a_calendar_feed_with_a_meeting_kept_from_before_the_window_still_answers(client, partnership, reviewer):
    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    Meeting.objects.create(series=sdd, date=date(9999, 12, 31), place="Legacy row", created_by=reviewer)
    reviewer.calendar_token = "a" * 43
    reviewer.save(update_fields=["calendar_token"])
    response = client.get(f"/calendar/{'a' * 43}.ics")
    assert response.status_code == 200 and b"Legacy row" in response.content


def test_over_long_notes_and_links_are_refused_on_their_field_by_the_service(partnership, eu_official):
    commitment = Commitment.objects.get(ref="14.1")
    with pytest.raises(ValidationError) as error:
        commitment_update_status(
            commitment=commitment, party_code="EU", status="in_progress", note="n" * 100_000,
            as_of=timezone.localdate(), by=eu_official, expected_version=commitment.version,
            evidence=[Evidence("t" * 201, "https://example.org/" + "x" * 600)])
    assert error.value.message_dict == {
        "note": ["Keep the note to 5000 characters (it has 100000)."],
        "evidence": ["Keep each evidence title to 200 characters."],
    }


def test_an_action_due_beyond_twenty_years_is_refused(partnership, reviewer):
    from agreement.models import Organisation

    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    held = services.meeting_create(series=sdd, date=date(2026, 5, 20), place="Brussels", status="held", by=reviewer)
    with pytest.raises(ValidationError) as error:
        services.action_add(meeting=held, title="Later", owner=Organisation.objects.get(slug="fcdo"),
                            due_on=held.date + timedelta(days=365 * 30), by=reviewer)
    assert list(error.value.message_dict) == ["due_on"]


def test_a_return_row_with_an_over_long_note_or_title_gets_its_row_error_not_a_500(client, partnership, eu_official):
    from tests.returns.test_returns import ReturnSheet, download, upload_and_preview

    client.force_login(eu_official)
    sheet = ReturnSheet(download(client))
    row = sheet.fill(sheet.row_of(Commitment.objects.get(ref="14.1")), {
        "New status": "In progress", "True as of": timezone.localdate().isoformat(), "Note": "n" * 6000,
        "Evidence title": "t" * 300, "Evidence address": "https://example.org/minutes"})
    record, html = upload_and_preview(client, sheet.data())
    [problem] = record.problems
    assert problem["row"] == row
    assert problem["error"] == ("Note: Keep the note to 5000 characters (it has 6000). "
                                "Evidence: Keep each evidence title to 200 characters.")
