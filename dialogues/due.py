"""What reminders are due, worked out from the data on every sweep (dialogues.reminders records and sends them):
meetings coming up, series with no meeting planned, calls for updates before each Security and Defence Dialogue,
the overdue digest (daily or weekly, as each person chooses, less what they acknowledged or snoozed) and its
escalation, follow-up actions coming due."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from commitments.cadence import DueState
from commitments.models import CommitmentSide, Ownership
from dialogues.models import ChaseHold, DialogueSeries, DigestPreference, FollowUpAction, Meeting, RecordedSubject, Reminder

WEEKLY = DigestPreference.Frequency.WEEKLY


@dataclass(frozen=True)
class Due:
    key: str
    kind: str
    recipient: User
    subject: str
    body: str
    link: str
    due_at: datetime
    items: tuple = ()  # a chase's sides, as chase_item() gives them


def _at(day, hour: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _officials(organisation_ids) -> dict[int, list[User]]:
    """Active officials by organisation."""
    result = defaultdict(list)
    for user in User.objects.filter(is_official=True, is_active=True, organisation__in=set(organisation_ids)):
        result[user.organisation_id].append(user)
    return result


@dataclass
class Subject:
    """Something reminders are about (a meeting at an offset, an overdue digest for an organisation on a day…).

    Its recipients are worked out only if the ledger has never recorded it, so a sweep with nothing new to send
    costs a few queries however long the ledger and however many people there are."""

    key: str
    people: Callable[[], list[User]]
    make: Callable[[User], Due | None]  # None: nothing for this person (they silenced all of it)


def _meeting_subjects(today):
    offsets = sorted(settings.REMINDER_MEETING_OFFSETS, reverse=True)
    meetings = (
        Meeting.objects.filter(status=Meeting.Status.PLANNED, date__gte=today, date__lte=today + timedelta(days=offsets[0]))
        .select_related("series")
        .prefetch_related("participants", "agenda__commitment__sides__owners")
    )
    for meeting in meetings:
        def people(meeting=meeting):
            organisations = {o.pk for o in meeting.participants.all()}
            for item in meeting.agenda.all():
                if item.commitment:
                    organisations |= {o.organisation_id for s in item.commitment.sides.all() for o in s.owners.all()}
            return [u for users in _officials(organisations).values() for u in users]

        days_left = (meeting.date - today).days
        for offset in (o for o in offsets if days_left <= o):
            def make(user, meeting=meeting, offset=offset):
                return Due(
                    key=f"meeting:{meeting.pk}:{meeting.date:%Y%m%d}:{offset}d:{user.pk}",
                    kind=Reminder.Kind.MEETING,
                    recipient=user,
                    subject=f"{meeting.series.name} on {meeting.date:%d %B %Y}: {offset} day{'s' if offset != 1 else ''} to go",
                    body=(f"The {meeting.series.name} meets on {meeting.date:%A %d %B %Y}"
                          f"{' in ' + meeting.place if meeting.place else ''}. Check the agenda and your organisation's items."),
                    link=meeting.get_absolute_url(),
                    due_at=_at(meeting.date - timedelta(days=offset)),
                )

            yield Subject(f"meeting:{meeting.pk}:{meeting.date:%Y%m%d}:{offset}d", people, make)


def _unscheduled_subjects(today):
    weeks = settings.REMINDER_UNSCHEDULED_WEEKS
    planned = Meeting.objects.filter(series=OuterRef("pk"), status=Meeting.Status.PLANNED, date__gte=today)
    series_list = (
        DialogueSeries.objects.filter(next_due_on__isnull=False, next_due_on__lte=today + timedelta(weeks=weeks))
        .filter(~Exists(planned))
        .prefetch_related("organisers")
    )
    for series in series_list:
        def people(series=series):
            return [u for users in _officials(o.pk for o in series.organisers.all()).values() for u in users]

        def make(user, series=series):
            return Due(
                key=f"unscheduled:{series.pk}:{series.next_due_on:%Y%m%d}:{user.pk}",
                kind=Reminder.Kind.UNSCHEDULED,
                recipient=user,
                subject=f"{series.name}: the next meeting is due by {series.next_due_on:%d %B %Y} and is not scheduled",
                body=(f"By its cadence ({series.get_cadence_display().lower()}) the next {series.name} is due by "
                      f"{series.next_due_on:%d %B %Y}, and no meeting is planned. Please agree a date."),
                link=series.get_absolute_url(),
                due_at=_at(max(series.next_due_on - timedelta(weeks=weeks), today)),
            )

        yield Subject(f"unscheduled:{series.pk}:{series.next_due_on:%Y%m%d}", people, make)


def _call_subjects(today):
    days = settings.REMINDER_CALL_FOR_UPDATES_DAYS
    meetings = Meeting.objects.filter(
        series__kind=DialogueSeries.Kind.SDD, status=Meeting.Status.PLANNED, date__gte=today,
        date__lte=today + timedelta(days=days),
    ).select_related("series")
    for meeting in meetings:
        def people(meeting=meeting):
            owners = Ownership.objects.filter(side__commitment__paragraph__partnership=meeting.series.partnership_id)
            return [u for users in _officials(owners.values_list("organisation_id", flat=True).distinct()).values() for u in users]

        def make(user, meeting=meeting):
            return Due(
                key=f"call:{meeting.pk}:{meeting.date:%Y%m%d}:{user.pk}",
                kind=Reminder.Kind.CALL_FOR_UPDATES,
                recipient=user,
                subject=f"Call for updates: the Security and Defence Dialogue meets on {meeting.date:%d %B %Y}",
                body=("The Security and Defence Dialogue monitors the implementation of the Partnership (paragraphs 12(c) "
                      "and 61). Please bring your organisation's commitments up to date before it meets."),
                link="/my-work/",
                due_at=_at(meeting.date - timedelta(days=days)),
            )

        yield Subject(f"call:{meeting.pk}:{meeting.date:%Y%m%d}", people, make)


def _late_sides(today):
    return (
        CommitmentSide.objects.filter(overdue_on__lte=today)
        .select_related("party", "commitment__paragraph", "commitment__subparagraph")
        .prefetch_related("owners__organisation__senior_contact")
        .order_by("due_on", "commitment__paragraph__number", "commitment__position")
    )


def chase_item(side: CommitmentSide, today: date) -> dict:
    """One late side as a chase lists it, stored on the reminder: the e-mail, its notification and the answers to it
    (acknowledge, snooze) all read the same entry."""
    return {
        "side": side.pk, "due_on": side.due_on.isoformat(), "due": f"{side.due_on:%d %b %Y}",
        "reference": side.commitment.reference, "title": side.commitment.title, "party": side.party.code,
        "state": side.due_state(today).label.lower(), "link": side.commitment.get_absolute_url(),
    }


def _held_sides(today: date, now: datetime) -> dict[int, set[int]]:
    """The late sides each person has acknowledged (for the due date chased) or snoozed until after `now`."""
    holds = ChaseHold.objects.filter(side__overdue_on__lte=today, due_on=F("side__due_on")).filter(
        Q(snoozed_until=None) | Q(snoozed_until__gt=now))
    held = defaultdict(set)
    for user_id, side_id in holds.values_list("user_id", "side_id"):
        held[user_id].add(side_id)
    return held


def _weekly_organisations() -> set[int]:
    """The organisations where someone chose the weekly digest."""
    return set(DigestPreference.objects.filter(frequency=WEEKLY).values_list("user__organisation", flat=True))


def _digest_readers(organisation_id: int, frequency: str, weekly_organisations: Callable[[], set[int]]) -> list[User]:
    """The organisation's active officials who chose this frequency (no choice made: daily)."""
    if frequency == WEEKLY and organisation_id not in weekly_organisations():
        return []  # every sweep of the week asks this of every organisation: one query answers them all
    weekly = Exists(DigestPreference.objects.filter(user=OuterRef("pk"), frequency=WEEKLY))
    readers = User.objects.filter(is_official=True, is_active=True, organisation=organisation_id)
    return list(readers.filter(weekly if frequency == WEEKLY else ~weekly))


@dataclass(frozen=True)
class Occasion:
    """One sending of the digest: today's daily one, or this week's weekly one (sent from its weekday on, so a week
    whose weekday passed with nothing running still gets it)."""

    frequency: str
    label: str
    due_at: datetime


def _occasions(now: datetime, today: date) -> list[Occasion]:
    occasions = []
    if now >= (daily := _at(today, settings.REMINDER_DIGEST_HOUR)):
        occasions.append(Occasion(DigestPreference.Frequency.DAILY, f"{today:%Y%m%d}", daily))
    send_day = today - timedelta(days=today.weekday() - settings.REMINDER_DIGEST_WEEKDAY)
    if send_day <= today and now >= (weekly := _at(send_day, settings.REMINDER_DIGEST_HOUR)):
        year, week, _ = send_day.isocalendar()
        occasions.append(Occasion(WEEKLY, f"{year}W{week:02}", weekly))
    return occasions


def _digest_maker(organisation, items: list[dict], occasion: Occasion, held: Callable[[], dict[int, set[int]]]):
    def make(user) -> Due | None:
        silenced = held().get(user.pk, set())
        mine = tuple(item for item in items if item["side"] not in silenced)
        if not mine:
            return None  # everything acknowledged or snoozed: nothing to chase this time
        count = f"{len(mine)} status update{'s' if len(mine) != 1 else ''}"
        weekly = occasion.frequency == WEEKLY
        return Due(
            key=f"digest:{user.pk}:{occasion.label}",
            kind=Reminder.Kind.DIGEST,
            recipient=user,
            subject=f"{'This week: ' if weekly else ''}{count} overdue for {organisation.short_name}",
            body=("This week, these" if weekly else "These")
            + " commitments owned by your organisation are waiting for a status update.",
            link="/my-work/",
            due_at=occasion.due_at,
            items=mine,
        )

    return make


def _digest_subjects(now, today, late):
    occasions = _occasions(now, today)
    if not occasions:
        return
    # Read once a sweep, and only if some digest is new.
    held, weekly_organisations = cache(lambda: _held_sides(today, now)), cache(_weekly_organisations)
    by_org = defaultdict(list)
    for side in late:
        for owner in side.owners.all():
            by_org[owner.organisation].append(side)
    for organisation, sides in by_org.items():
        # Everyone in the organisation gets the same list (less what each silenced): written once.
        items = [chase_item(side, today) for side in sides]
        for occasion in occasions:
            def people(org=organisation.pk, frequency=occasion.frequency):
                return _digest_readers(org, frequency, weekly_organisations)

            yield Subject(f"digest:org{organisation.pk}:{occasion.label}", people,
                          _digest_maker(organisation, items, occasion, held))


def _escalation_subjects(today, late):
    threshold = today - timedelta(days=settings.REMINDER_ESCALATION_DAYS)
    for side in late:
        if side.overdue_on > threshold:
            continue
        for owner in side.owners.all():
            senior = owner.organisation.senior_contact
            if senior is None or not senior.is_active:
                continue

            def make(user, side=side, owner=owner):
                return Due(
                    key=f"escalation:{side.pk}:{side.due_on:%Y%m%d}:{user.pk}",
                    kind=Reminder.Kind.ESCALATION,
                    recipient=user,
                    subject=(f"Escalation: {side.commitment.reference} ({side.party.code}) has been overdue since "
                             f"{side.overdue_on:%d %B %Y}"),
                    body=(f"{owner.organisation.name} has not updated “{side.commitment.title}” ({side.party.code} side), "
                          f"due {side.due_on:%d %B %Y}. You are its designated senior contact."),
                    link=side.commitment.get_absolute_url(),
                    due_at=_at(side.overdue_on + timedelta(days=settings.REMINDER_ESCALATION_DAYS)),
                    items=(chase_item(side, today),),
                )

            yield Subject(f"escalation:{side.pk}:{side.due_on:%Y%m%d}:senior{senior.pk}", lambda senior=senior: [senior], make)


def _action_subjects(today):
    days = settings.REMINDER_ACTION_DAYS
    actions = FollowUpAction.objects.filter(
        status__in=[FollowUpAction.Status.OPEN, FollowUpAction.Status.IN_PROGRESS], due_on__lte=today + timedelta(days=days)
    ).select_related("meeting__series", "owner")
    for action in actions:
        def make(user, action=action):
            return Due(
                key=f"action:{action.pk}:{action.due_on:%Y%m%d}:{user.pk}",
                kind=Reminder.Kind.ACTION,
                recipient=user,
                subject=f"Follow-up action due {action.due_on:%d %B %Y}: {action.title[:120]}",
                body=f"From the {action.meeting}: “{action.title}”, owned by {action.owner.name}, is due on {action.due_on:%d %B %Y}.",
                link=action.meeting.get_absolute_url(),
                due_at=_at(action.due_on - timedelta(days=days)),
            )

        yield Subject(f"action:{action.pk}:{action.due_on:%Y%m%d}", lambda action=action: _officials([action.owner_id]).get(action.owner_id, []), make)


def plan(now: datetime) -> list[Due]:
    """Everything newly due at `now`: the reminders of every subject the ledger has not recorded yet."""
    today = timezone.localdate(now)
    late = [s for s in _late_sides(today) if s.due_state(today) in {DueState.OVERDUE, DueState.STALE}]
    subjects = [
        *_meeting_subjects(today), *_unscheduled_subjects(today), *_call_subjects(today),
        *_digest_subjects(now, today, late), *_escalation_subjects(today, late), *_action_subjects(today),
    ]
    recorded = set(RecordedSubject.objects.filter(key__in=[s.key for s in subjects]).values_list("key", flat=True))
    made = ((subject.key, subject.make(user)) for subject in subjects if subject.key not in recorded
            for user in subject.people())
    return [(key, due) for key, due in made if due is not None]
