"""Milestones set at a held meeting: the one write path that records or withdraws one (dialogues.selectors says
where each stands). A milestone is the commitment's next due date until each side it concerns reports on it
(commitments.cadence.open_milestone); the status service reschedules through the same rule."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit import log as audit
from commitments import services as commitment_services
from commitments.models import Commitment
from common.markings import classified_errors
from dialogues.models import Meeting, Milestone
from dialogues.services import HORIZON, require_manager

DESCRIPTION_MAX = 300  # the column's length


def milestone_errors(*, meeting: Meeting, commitment: Commitment | None, party_code: str, due_on: date | None,
                     description: str | None) -> dict[str, str]:
    """Every rule a milestone must meet, by field, all at once. The form runs them on what it could read (a value it
    could not read is None, and the rules on it wait); milestone_set runs them again."""
    errors = {}
    if meeting.status != Meeting.Status.HELD:
        errors["commitment"] = "Milestones are set in a meeting's outcome, once it has been held."
    elif commitment is not None and commitment.paragraph.partnership_id != meeting.series.partnership_id:
        errors["commitment"] = "Choose a commitment of this meeting's partnership."
    elif commitment is not None and party_code and not commitment.sides.filter(party__code=party_code).exists():
        errors["party"] = f"This commitment does not bind the {party_code} side."
    if due_on is not None and due_on <= meeting.date:
        errors["due_on"] = "A milestone falls after the meeting that sets it."
    elif due_on is not None and due_on > meeting.date + HORIZON:
        errors["due_on"] = f"Give a date before {meeting.date + HORIZON:%d %B %Y}."
    if description is None:
        pass
    elif not description.strip():
        errors["description"] = "Say what is to be done or reported by then."
    elif len(description.strip()) > DESCRIPTION_MAX:
        errors["description"] = f"Keep it to {DESCRIPTION_MAX} characters (it has {len(description.strip())})."
    return errors


@transaction.atomic
def milestone_set(*, meeting: Meeting, commitment: Commitment, party_code: str = "", due_on: date, description: str,
                  by, now: datetime | None = None, illustrative: bool = False) -> Milestone:
    """Record a milestone in a held meeting's outcome, for one side (`party_code`) or every side; the sides it
    concerns are rescheduled in the same transaction."""
    require_manager(by)
    errors = milestone_errors(meeting=meeting, commitment=commitment, party_code=party_code, due_on=due_on,
                              description=description)
    errors.update(classified_errors(description=description))
    if errors:
        raise ValidationError(errors)
    party = commitment.sides.get(party__code=party_code).party if party_code else None
    milestone = Milestone.objects.create(meeting=meeting, commitment=commitment, party=party, due_on=due_on,
                                         description=description.strip(), created_by=by, created_at=now or timezone.now(),
                                         illustrative=illustrative)
    commitment_services.reschedule([commitment])
    audit.write("milestone set", by=by, object_ref=f"{commitment.reference} {party_code or 'all sides'}",
                reason=milestone.description, details={"milestone": milestone.pk, "meeting": meeting.pk,
                                                       "due_on": due_on.isoformat()})
    return milestone


@transaction.atomic
def milestone_withdraw(*, milestone: Milestone, by, now: datetime | None = None) -> Milestone:
    """Withdraw a milestone set in error or overtaken; the days it was in force keep it."""
    require_manager(by)
    moment = now or timezone.now()
    # Claimed by the update itself: of two withdrawals at once, one writes and audits.
    if Milestone.objects.filter(pk=milestone.pk, withdrawn_at=None).update(withdrawn_at=moment):
        milestone.withdrawn_at = moment
        commitment_services.reschedule([milestone.commitment])
        audit.write("milestone withdrawn", by=by, object_ref=f"{milestone.commitment.reference}",
                    reason=milestone.description, details={"milestone": milestone.pk})
    return milestone
