"""The iCalendar feed at /calendar/<token>.ics: made on the calendar page, read without signing in, revoked by
making a new address or by losing every role; it holds the meetings the user may see and, for an official, their
organisation's update due dates and open follow-up actions. Feeds are parsed with the real `icalendar` package."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from commitments.models import CommitmentSide
from dialogues import services
from dialogues.models import DialogueSeries, FollowUpAction, Meeting
from agreement.models import Organisation

pytestmark = pytest.mark.django_db

SDD = "security-and-defence-dialogue"


@pytest.fixture
def series(partnership) -> DialogueSeries:
    return DialogueSeries.objects.get(partnership=partnership, slug=SDD)


@pytest.fixture
def planned(series, reviewer) -> Meeting:
    """A planned SDD meeting two months ahead (participants: the series', eeas-dsg, eeas, fcdo and mod)."""
    return services.meeting_create(
        series=series, date=timezone.localdate() + timedelta(days=60), place="Brussels", by=reviewer
    )


@pytest.fixture
def held(series, reviewer) -> Meeting:
    return services.meeting_create(
        series=series, date=timezone.localdate() - timedelta(days=30), place="London", status=Meeting.Status.HELD,
        by=reviewer,
    )


@pytest.fixture
def eeas_action(held, reviewer) -> FollowUpAction:
    return services.action_add(
        meeting=held, title="Circulate the EU non-paper on maritime security", owner=Organisation.objects.get(slug="eeas"),
        due_on=timezone.localdate() + timedelta(days=20), by=reviewer,
    )


@pytest.fixture
def fcdo_action(held, reviewer) -> FollowUpAction:
    return services.action_add(
        meeting=held, title="Propose dates for a maritime security workshop", owner=Organisation.objects.get(slug="fcdo"),
        due_on=timezone.localdate() + timedelta(days=25), by=reviewer,
    )


def make_address(user) -> str:
    """Sign in as the user, ask the calendar page for a (new) feed address, and return its path."""
    client = Client()
    client.force_login(user)
    response = client.post("/dialogues/calendar/")
    assert (response.status_code, response["Location"]) == (302, "/dialogues/calendar/")
    user.refresh_from_db()
    assert user.calendar_token
    return f"/calendar/{user.calendar_token}.ics"


def fetch(path: str):
    """GET the feed with no session at all."""
    return Client().get(path)


def events_of(path: str) -> list[tuple[str, object]]:
    """The feed's VEVENTs as (SUMMARY, DTSTART) pairs."""
    response = fetch(path)
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    return [(str(event["SUMMARY"]), event["DTSTART"].dt) for event in calendar.walk("VEVENT")]


def meeting_events(events, meeting: Meeting) -> list:
    return [(summary, day) for summary, day in events if meeting.series.name in summary and day == meeting.date]


# ---------------------------------------------------------------------------------------------------------------------


def test_the_feed_is_served_as_icalendar_without_signing_in(eu_official, planned):
    path = make_address(eu_official)

    response = fetch(path)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert calendar.name == "VCALENDAR"


def test_the_calendar_page_shows_the_address_it_made(client, eu_official):
    path = make_address(eu_official)
    client.force_login(eu_official)

    assert path in client.get("/dialogues/calendar/").content.decode()


def test_a_planned_meeting_appears_under_its_series_name_on_its_date(eu_official, planned):
    events = events_of(make_address(eu_official))

    assert meeting_events(events, planned) == [(planned.series.name, planned.date)]


def test_an_officials_feed_holds_their_organisations_update_due_dates(eu_official, planned):
    sides = list(
        CommitmentSide.objects.filter(owners__organisation__slug="eeas", due_on__isnull=False)
        .select_related("commitment__paragraph", "commitment__subparagraph", "party").distinct()
    )
    assert sides, "the seeded Partnership gives the EEAS sides with a due date"

    events = events_of(make_address(eu_official))

    due = [(summary, day) for summary, day in events if summary.startswith("Update due:")]
    assert sorted(day for _, day in due) == sorted(side.due_on for side in sides)
    for side in sides:
        assert any(
            side.commitment.reference in summary and f"({side.party.code})" in summary and day == side.due_on
            for summary, day in due
        ), f"no update due event for {side.commitment.reference} ({side.party.code}) on {side.due_on}"


def test_an_officials_feed_holds_their_organisations_open_actions_only(eu_official, eeas_action, fcdo_action):
    events = events_of(make_address(eu_official))

    assert [day for summary, day in events if eeas_action.title in summary] == [eeas_action.due_on]
    assert not [summary for summary, _ in events if fcdo_action.title in summary]


def test_an_analysts_feed_has_the_meetings_but_no_update_due_dates(analyst, planned, held):
    events = events_of(make_address(analyst))

    assert meeting_events(events, planned)
    assert meeting_events(events, held)
    assert not [summary for summary, _ in events if summary.startswith("Update due")]


def test_an_official_outside_the_dialogue_does_not_see_its_meetings(eda_official, planned, held):
    events = events_of(make_address(eda_official))

    assert not meeting_events(events, planned)
    assert not meeting_events(events, held)
    assert not any(planned.series.name in summary for summary, _ in events)


def test_a_wrong_token_is_not_found(eu_official, planned):
    make_address(eu_official)

    assert fetch("/calendar/not-the-right-token.ics").status_code == 404


def test_a_new_address_revokes_the_old_one(eu_official, planned):
    old = make_address(eu_official)
    assert fetch(old).status_code == 200

    new = make_address(eu_official)

    assert new != old
    assert fetch(old).status_code == 404
    assert fetch(new).status_code == 200


def test_the_feed_of_a_user_whose_roles_were_all_removed_is_not_found(eu_official, planned):
    path = make_address(eu_official)
    assert fetch(path).status_code == 200

    eu_official.is_official = False
    eu_official.save(update_fields=["is_official"])

    assert fetch(path).status_code == 404
