"""The iCalendar feed at /calendar/<token>.ics: made on the calendar page, read without signing in, revoked by
making a new address or by losing every role; it holds the meetings the user may see and, for an official, their
organisation's update due dates and open follow-up actions. Feeds are parsed with the real `icalendar` package."""

import re
from datetime import datetime, timedelta

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


# ---------------------------------------------------------------------------------------------------------------------
# A valid feed (RFC 5545), on the site's configured address


SITE = "https://tracker.example.org"


@pytest.fixture
def feed(settings, eu_official, planned, held, eeas_action):
    """The EEAS official's feed as bytes, with SITE_URL set to the site's public address."""
    settings.SITE_URL = SITE
    response = fetch(make_address(eu_official))
    assert response.status_code == 200
    return response.content


def test_the_feed_parses_with_the_calendar_and_every_event_its_required_properties(feed):
    calendar = Calendar.from_ical(feed)

    assert (str(calendar["VERSION"]), str(calendar["PRODID"])) == ("2.0", "-//EU-UK Partnership Tracker//EN")
    assert calendar.errors == []
    events = calendar.walk("VEVENT")
    assert len(events) > 10
    for event in events:
        assert event.errors == []
        assert {"UID", "DTSTAMP", "DTSTART", "SUMMARY", "URL"} <= set(event), event
        assert event["DTEND"].dt == event["DTSTART"].dt + timedelta(days=1)  # all-day events, one day long
    assert len({str(event["UID"]) for event in events}) == len(events)


def test_each_events_dtstamp_is_a_utc_date_time_not_a_date(feed):
    assert b"DTSTAMP;VALUE=DATE" not in feed
    stamps = [event["DTSTAMP"].dt for event in Calendar.from_ical(feed).walk("VEVENT")]

    assert all(isinstance(stamp, datetime) and stamp.utcoffset() == timedelta(0) for stamp in stamps)
    assert all(abs(stamp - timezone.now()) < timedelta(minutes=5) for stamp in stamps)  # when the feed was made
    assert re.search(rb"\r\nDTSTAMP:\d{8}T\d{6}Z\r\n", feed)


def test_every_event_links_to_its_page_on_the_configured_site(feed, planned, held, eeas_action):
    urls = {str(event["SUMMARY"]): str(event["URL"]) for event in Calendar.from_ical(feed).walk("VEVENT")}

    assert all(url.startswith(f"{SITE}/") for url in urls.values())
    assert not [url for url in urls.values() if ":8000" in url]
    assert urls[planned.series.name] == f"{SITE}/dialogues/meetings/{planned.pk}/"
    assert urls[f"{held.series.name} (held)"] == f"{SITE}/dialogues/meetings/{held.pk}/"
    assert urls[f"Action due: {eeas_action.title}"] == f"{SITE}/dialogues/meetings/{held.pk}/"
    side = CommitmentSide.objects.get(commitment__ref="14.1", party__code="EU")
    assert urls["Update due: ¶14.1 (EU)"] == f"{SITE}/commitments/{side.commitment_id}/"


def test_the_calendar_page_gives_the_address_on_the_configured_site(client, settings, eu_official):
    settings.SITE_URL = SITE
    make_address(eu_official)
    client.force_login(eu_official)

    html = client.get("/dialogues/calendar/").content.decode()

    assert f'value="{SITE}/calendar/{eu_official.calendar_token}.ics"' in html


def test_the_first_address_is_made_without_saying_an_old_one_stopped_working(client, eu_official):
    client.force_login(eu_official)

    first = client.post("/dialogues/calendar/", follow=True).content.decode()
    again = client.post("/dialogues/calendar/", follow=True).content.decode()

    assert "Your calendar address has been made." in first and "no longer works" not in first
    assert "A new calendar address has been made; the old one no longer works." in again
