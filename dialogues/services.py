"""Writes for dialogues: every change to meetings, agendas, guidance and actions goes through these functions."""

import secrets
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit import log as audit
from commitments import services as commitment_services
from commitments.models import Commitment, CommitmentLink
from commitments.services import StaleVersion
from dialogues.access import user_may_manage_meetings, user_may_update_action
from commitments.status import Verdict
from dialogues.models import AgendaItem, Assessment, DialogueSeries, FollowUpAction, Guidance, Meeting, Notification
from dialogues.pack import freeze_pack
from common.markings import classified_errors, refuse_classified


EARLIEST = date(2000, 1, 1)
HORIZON = timedelta(days=20 * 366)  # how far ahead a meeting or an action's due date may be: twenty years


def series_reschedule(series: DialogueSeries) -> None:
    """A held meeting sets when the next one of its series is due."""
    last_held = series.meetings.filter(status=Meeting.Status.HELD).aggregate(last=Max("date"))["last"]
    due = series.next_due(last_held)
    # Written only when it moves: a reload of the fixtures then locks no series row.
    DialogueSeries.objects.filter(pk=series.pk).exclude(next_due_on=due).update(next_due_on=due)
    # The commitments its meetings fulfil count their schedule from the last one held.
    commitment_services.reschedule(Commitment.objects.filter(
        links_out__series=series, links_out__kind=CommitmentLink.Kind.FULFILLED_BY).select_related("paragraph__partnership"))


def require_manager(user) -> None:
    if not user_may_manage_meetings(user):
        raise PermissionDenied("Only reviewers and administrators plan meetings and record their outcomes.")


def meeting_errors(*, series, meeting_date: date | None, status: str | None, prepares=None, place: str = "",
                   outcome: str = "", today: date) -> dict[str, str]:
    """Every rule a meeting must meet, by field, all at once. The form runs them on what it could read (a value it
    could not read is None, and the rules on it wait); meeting_create and meeting_update run them again.

    The date says when the meeting takes place:
    - planned: today or later, up to twenty years ahead (a planned meeting in the past is either held or moved);
    - held: today or earlier, back to 2000 (the sources record meetings held before the Partnership was adopted);
    - postponed or cancelled: the day it had been planned for, anywhere in that window."""
    errors = {}
    if meeting_date is not None:
        if not EARLIEST <= meeting_date <= today + HORIZON:
            errors["date"] = f"Give a date between {EARLIEST:%d %B %Y} and {today + HORIZON:%d %B %Y}."
        elif status == Meeting.Status.PLANNED and meeting_date < today:
            errors["date"] = ("A planned meeting cannot be in the past: give the day it will take place, or record "
                              "it as held.")
        if status == Meeting.Status.HELD and meeting_date > today:
            errors["status"] = "A meeting cannot be held in the future; keep it planned until it has taken place."
    if prepares is not None:
        if series.prepares_id is None or prepares.series_id != series.prepares_id:
            errors["prepares"] = "Only working-level consultations prepare a meeting, and only one of the series they prepare."
        elif meeting_date is not None and prepares.date < meeting_date:
            errors["prepares"] = "The consultations must come before the meeting they prepare."
    errors.update(classified_errors(place=place, outcome=outcome))
    return errors


def _validate(**meeting) -> None:
    if errors := meeting_errors(**meeting):
        raise ValidationError(errors)


@transaction.atomic
def meeting_create(*, series: DialogueSeries, date: date, place: str, status: str = Meeting.Status.PLANNED,
                   participants=None, prepares: Meeting | None = None, outcome: str = "", marking: str = "OFFICIAL",
                   by, illustrative: bool = False, now=None) -> Meeting:
    require_manager(by)
    _validate(series=series, meeting_date=date, status=status, prepares=prepares, place=place, outcome=outcome,
              today=timezone.localdate(now))
    meeting = Meeting.objects.create(
        series=series, date=date, place=place, status=status, prepares=prepares, outcome=outcome, marking=marking,
        created_by=by, illustrative=illustrative,
    )
    meeting.participants.set(participants if participants is not None else series.participants.all())
    series_reschedule(series)
    if meeting.status == Meeting.Status.HELD:
        freeze_pack(meeting, today=timezone.localdate(now))
    audit.write("meeting created", by=by, object_ref=f"meeting {meeting.pk}", reason=outcome, details={
        "series": series.slug, "date": date.isoformat(), "place": place, "status": status, "marking": marking})
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, expected_version: int, by, now=None, participants=None, **fields) -> Meeting:
    """Change a meeting's date, place, status, preparation link or outcome; refuses a stale version."""
    require_manager(by)
    locked = Meeting.objects.select_for_update(of=("self",)).select_related("series").get(pk=meeting.pk)
    if locked.version != expected_version:
        raise StaleVersion(locked.version)
    allowed = {"date", "place", "status", "prepares", "outcome", "marking"}
    if unknown := set(fields) - allowed:
        raise TypeError(f"meeting_update() got unexpected fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(locked, name, value)
    _validate(series=locked.series, meeting_date=locked.date, status=locked.status, prepares=locked.prepares,
              place=locked.place, outcome=locked.outcome, today=timezone.localdate(now))
    if locked.status != Meeting.Status.HELD and locked.milestones.filter(withdrawn_at=None).exists():
        raise ValidationError({"status": "Milestones were set at this meeting: withdraw them before recording it as "
                                         "not held."})
    locked.version += 1
    locked.save()
    if participants is not None:
        locked.participants.set(participants)
    series_reschedule(locked.series)
    if locked.status == Meeting.Status.HELD:
        # The pack is kept exactly as presented from now on.
        freeze_pack(locked, today=timezone.localdate(now))
    changed = {k: v.pk if isinstance(v, Meeting) else v for k, v in fields.items()}
    if participants is not None:
        changed["participants"] = sorted(p.pk for p in participants)
    audit.write("meeting changed", by=by, object_ref=f"meeting {locked.pk}", reason=fields.get("outcome", ""),
                details=changed)
    return locked


AGENDA_TITLE_MAX, AGENDA_REASON_MAX = 300, 200  # the columns' lengths


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# A held meeting's agenda is the record of what it discussed; a cancelled one discusses nothing.
CLOSED_AGENDA = {Meeting.Status.HELD, Meeting.Status.CANCELLED}


@transaction.atomic
def agenda_add(*, meeting: Meeting, by, commitments=(), reasons: dict | None = None, title: str = "") -> list[AgendaItem]:
    """Add commitments (each once) or a free item to a meeting's agenda."""
    require_manager(by)
    # The lock serialises positions; the status is read under it, so a meeting marked held meanwhile is refused.
    status = (Meeting.objects.select_for_update(of=("self",)).filter(pk=meeting.pk).order_by()
              .values_list("status", flat=True).first())
    if status in CLOSED_AGENDA:
        raise ValidationError(f"The meeting is {Meeting.Status(status).label.lower()}: its agenda can no longer change.")
    position = (meeting.agenda.aggregate(last=Max("position"))["last"] or 0) + 1
    present = set(meeting.agenda.exclude(commitment=None).values_list("commitment_id", flat=True))
    items = []
    for commitment in commitments:
        if commitment.pk in present:
            continue
        items.append(AgendaItem(meeting=meeting, position=position, commitment=commitment, paragraph=commitment.paragraph,
                                title=_fit(f"{commitment.reference} {commitment.title}", AGENDA_TITLE_MAX),
                                reason=_fit((reasons or {}).get(commitment.pk, ""), AGENDA_REASON_MAX)))
        position += 1
    if len(title.strip()) > AGENDA_TITLE_MAX:
        raise ValidationError({"title": f"Keep the item to {AGENDA_TITLE_MAX} characters (it has {len(title.strip())})."})
    refuse_classified(title=title)
    if title.strip():
        items.append(AgendaItem(meeting=meeting, position=position, title=title.strip()))
    if not items:
        raise ValidationError({"commitments": "Choose at least one commitment that is not on the agenda yet, or give an item."})
    audit.write("agenda items added", by=by, object_ref=f"meeting {meeting.pk}", details={"items": [i.title for i in items]})
    return AgendaItem.objects.bulk_create(items)


@transaction.atomic
def guidance_add(*, meeting: Meeting, text: str, by) -> Guidance:
    require_manager(by)
    if not text.strip():
        raise ValidationError({"text": "Write the guidance given."})
    refuse_classified(text=text)
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError({"text": "Guidance is recorded once the meeting has been held."})
    position = (meeting.guidance.aggregate(last=Max("position"))["last"] or 0) + 1
    audit.write("guidance added", by=by, object_ref=f"meeting {meeting.pk}", reason=text.strip())
    return Guidance.objects.create(meeting=meeting, position=position, text=text.strip())


@transaction.atomic
def action_add(*, meeting: Meeting, title: str, owner, due_on: date, guidance: Guidance | None = None, by) -> FollowUpAction:
    require_manager(by)
    errors = {}
    if not title.strip():
        errors["title"] = "Say what is to be done."
    if guidance is not None and guidance.meeting_id != meeting.pk:
        errors["guidance"] = "Choose guidance given at this meeting."
    if due_on < meeting.date:
        errors["due_on"] = "The due date cannot be before the meeting."
    elif due_on > meeting.date + HORIZON:
        errors["due_on"] = f"Give a due date before {meeting.date + HORIZON:%d %B %Y}."
    if errors:
        raise ValidationError(errors)
    refuse_classified(title=title)
    action = FollowUpAction.objects.create(meeting=meeting, guidance=guidance, title=title.strip(), owner=owner,
                                           due_on=due_on)
    audit.write("action added", by=by, object_ref=f"action {action.pk}", details={
        "meeting": meeting.pk, "title": action.title, "owner": owner.slug, "due_on": due_on.isoformat()})
    return action


@transaction.atomic
def action_update(*, action: FollowUpAction, status: str, note: str = "", by) -> FollowUpAction:
    if not user_may_update_action(by, action):
        raise PermissionDenied("Only the owning organisation's officials, reviewers and administrators update an action.")
    if status not in FollowUpAction.Status.values:
        raise ValidationError({"status": "Choose a status."})
    if status == FollowUpAction.Status.DROPPED and not note.strip():
        raise ValidationError({"note": "Explain why the action is dropped."})
    refuse_classified(note=note)
    action.status = status
    if note.strip():
        action.note = note.strip()
    action.save(update_fields=["status", "note", "updated_at"])
    audit.write("action updated", by=by, object_ref=f"action {action.pk}", reason=note.strip(), details={"status": status})
    return action


def user_may_assess(user) -> bool:
    return bool(user and user.is_authenticated and user.is_reviewer)


@transaction.atomic
def assessment_record(*, meeting: Meeting, commitment, verdict: str, rationale: str, by, now=None) -> Assessment:
    """A reviewer's independent verdict on a commitment for an SDD cycle; recording again revises it."""
    if not user_may_assess(by):
        raise PermissionDenied("Only reviewers record independent assessments.")
    errors = {}
    if meeting.series.kind != DialogueSeries.Kind.SDD:
        errors["meeting"] = "Independent assessments are made for a Security and Defence Dialogue."
    elif meeting.status != Meeting.Status.PLANNED:
        errors["meeting"] = "This Dialogue is no longer planned: its pack is final."
    if commitment.paragraph.partnership_id != meeting.series.partnership_id:
        errors["commitment"] = "The commitment is not part of this partnership."
    if verdict not in Verdict.values:
        errors["verdict"] = "Choose a verdict."
    if not (rationale or "").strip():
        errors["rationale"] = "Give the reasons for the verdict."
    errors.update(classified_errors(rationale=rationale))
    if errors:
        raise ValidationError(errors)
    assessment, _ = Assessment.objects.update_or_create(
        meeting=meeting, commitment=commitment,
        defaults={"verdict": verdict, "rationale": rationale.strip(), "assessed_by": by,
                  "assessed_at": now or timezone.now()},
    )
    audit.write("assessment recorded", by=by, object_ref=f"{commitment.reference} at meeting {meeting.pk}",
                reason=assessment.rationale, details={"verdict": verdict})
    return assessment


@transaction.atomic
def notifications_mark_read(*, user, now=None) -> int:
    read = Notification.objects.filter(user=user, read_at=None).update(read_at=now or timezone.now())
    if read:
        audit.write("notifications marked read", by=user, details={"count": read})
    return read


@transaction.atomic
def calendar_address_renew(*, user) -> str:
    """A new secret address for the user's calendar feed; the old one stops working."""
    user.calendar_token = secrets.token_urlsafe(32)
    user.save(update_fields=["calendar_token"])
    audit.write("calendar address renewed", by=user)
    return user.calendar_token
