"""A user's iCalendar feed: the meetings they may see, their organisation's update due dates and its actions."""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from icalendar import Calendar, Event

from commitments.models import CommitmentSide
from dialogues.models import FollowUpAction, Meeting
from dialogues.selectors import meetings_for


def _event(uid: str, day: date, summary: str, description: str, url: str) -> Event:
    event = Event()
    event.add("uid", f"{uid}@partnership-tracker")
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1) if day < date.max else day)  # a date kept from before the window
    event.add("dtstamp", day)
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", settings.SITE_URL.rstrip("/") + url)
    return event


def feed_for(user, today: date) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//EU-UK Partnership Tracker//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "EU–UK Partnership Tracker")
    meetings = (
        meetings_for(user).exclude(status=Meeting.Status.CANCELLED).filter(date__gte=today - timedelta(days=365))
        .select_related("series")
    )
    for meeting in meetings:
        status = "" if meeting.status == Meeting.Status.PLANNED else f" ({meeting.get_status_display().lower()})"
        event = _event(f"meeting-{meeting.pk}", meeting.date, f"{meeting.series.name}{status}",
                       f"{meeting.series.name}{', ' + meeting.place if meeting.place else ''}.", meeting.get_absolute_url())
        if meeting.place:
            event.add("location", meeting.place)
        cal.add_component(event)
    if user.is_official and user.organisation_id:
        sides = (
            CommitmentSide.objects.filter(owners__organisation=user.organisation_id, due_on__isnull=False)
            .select_related("commitment__paragraph", "commitment__subparagraph", "party").distinct()
        )
        for side in sides:
            cal.add_component(_event(
                f"due-{side.pk}-{side.due_on:%Y%m%d}", side.due_on,
                f"Update due: {side.commitment.reference} ({side.party.code})",
                f"Status update due for “{side.commitment.title}”.", side.commitment.get_absolute_url(),
            ))
        actions = FollowUpAction.objects.filter(
            Q(owner=user.organisation_id), status__in=[FollowUpAction.Status.OPEN, FollowUpAction.Status.IN_PROGRESS]
        ).select_related("meeting__series")
        for action in actions:
            cal.add_component(_event(f"action-{action.pk}", action.due_on, f"Action due: {action.title[:100]}",
                                     f"From the {action.meeting}.", action.meeting.get_absolute_url()))
    return cal.to_ical()
