"""Reads for the returns pages."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone

from agreement.models import Organisation
from commitments.history import end_of
from commitments.models import Ownership, StatusUpdate
from dialogues.models import DialogueSeries, Meeting
from returns.models import Return


@dataclass
class BoardRow:
    organisation: Organisation
    last_update: datetime | None  # the latest status update its officials recorded since, however they recorded it
    last_return: datetime | None  # the latest spreadsheet return applied, whenever
    reported: bool


def return_board(partnership, today: date) -> dict:
    """Who has reported since the last Security and Defence Dialogue, before the next one. An organisation has
    reported once one of its officials recorded a status update since: on the pages, through the API, or by a
    spreadsheet return (whose rows are recorded as updates too)."""
    sdd = Meeting.objects.filter(series__partnership=partnership, series__kind=DialogueSeries.Kind.SDD)
    last = sdd.filter(status=Meeting.Status.HELD).order_by("-date").first()
    upcoming = sdd.filter(status=Meeting.Status.PLANNED, date__gte=today).order_by("date").first()
    since = last.date if last else partnership.adopted_on
    latest = _latest_updates(partnership, since)
    owners = Organisation.objects.filter(
        pk__in=Ownership.objects.filter(side__commitment__paragraph__partnership=partnership).values("organisation")
    ).select_related("party").annotate(
        last_return=Max("returns__applied_at", filter=Q(returns__state=Return.State.APPLIED, returns__partnership=partnership))
    ).order_by("party__code", "short_name")
    rows = [
        BoardRow(org, latest.get(org.pk), org.last_return,
                 reported=org.pk in latest or bool(org.last_return and timezone.localdate(org.last_return) > since))
        for org in owners
    ]
    return {"board": rows, "since": since, "upcoming": upcoming, "reported": sum(row.reported for row in rows)}


def _latest_updates(partnership, since: date) -> dict[int, datetime]:
    """Per organisation, the latest update its officials recorded after the day `since`, on the sides it owns (the
    only ones it may update). A side's updates are read newest first by its index, down to the first of the
    organisation's own, and only those since: the cost follows the sides, not the history."""
    own = StatusUpdate.objects.filter(
        side=OuterRef("side"), created_at__gt=end_of(since), created_by__organisation=OuterRef("organisation")
    ).order_by("-created_at", "-pk").values("created_at")[:1]
    found = {}
    rows = (Ownership.objects.filter(side__commitment__paragraph__partnership=partnership)
            .annotate(latest=Subquery(own)).exclude(latest=None).values_list("organisation", "latest"))
    for organisation, moment in rows:
        found[organisation] = max(moment, found.get(organisation, moment))
    return found
