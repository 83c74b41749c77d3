"""A user's iCalendar feed: the meetings they may see, their organisation's update due dates and its actions.

Built with the `icalendar` package; every event links to its page on the site's configured address (SITE_URL) and
carries the moment the feed was made as its DTSTAMP, a UTC date-time as RFC 5545 requires."""

from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from icalendar import Calendar, Event

from commitments.models import CommitmentSide
from dialogues.models import FollowUpAction, Meeting
from dialogues.selectors import meetings_for


def _event(uid: str, day: date, summary: str, description: str, url: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{uid}@partnership-tracker")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    if day < date.max:  # an all-day event ends the next day; a date kept at the very end of time has one implied
        event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", settings.SITE_URL.rstrip("/") + url)
    return event


def _meeting_events(user, today: date, stamp: datetime):
    meetings = (
        meetings_for(user).exclude(status=Meeting.Status.CANCELLED).filter(date__gte=today - timedelta(days=365))
        .select_related("series")
    )
    for meeting in meetings:
        status = "" if meeting.status == Meeting.Status.PLANNED else f" ({meeting.get_status_display().lower()})"
        event = _event(f"meeting-{meeting.pk}", meeting.date, f"{meeting.series.name}{status}",
                       f"{meeting.series.name}{', ' + meeting.place if meeting.place else ''}.",
                       meeting.get_absolute_url(), stamp)
        if meeting.place:
            event.add("location", meeting.place)
        yield event


def _organisation_events(user, stamp: datetime):
    sides = (
        CommitmentSide.objects.filter(owners__organisation=user.organisation_id, due_on__isnull=False)
        .select_related("commitment__paragraph", "commitment__subparagraph", "party").distinct()
    )
    for side in sides:
        yield _event(
            f"due-{side.pk}-{side.due_on:%Y%m%d}", side.due_on,
            f"Update due: {side.commitment.reference} ({side.party.code})",
            f"Status update due for “{side.commitment.title}”.", side.commitment.get_absolute_url(), stamp,
        )
    actions = FollowUpAction.objects.filter(
        Q(owner=user.organisation_id), status__in=[FollowUpAction.Status.OPEN, FollowUpAction.Status.IN_PROGRESS]
    ).select_related("meeting__series")
    for action in actions:
        yield _event(f"action-{action.pk}", action.due_on, f"Action due: {action.title[:100]}",
                     f"From the {action.meeting}.", action.meeting.get_absolute_url(), stamp)


def feed_for(user, *, now: datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//EU-UK Partnership Tracker//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", settings.SITE_NAME)
    stamp = now.astimezone(UTC)
    for event in _meeting_events(user, timezone.localdate(now), stamp):
        cal.add_component(event)
    if user.is_official and user.organisation_id:
        for event in _organisation_events(user, stamp):
            cal.add_component(event)
    return cal.to_ical()
