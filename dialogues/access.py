"""Who may see and manage dialogue meetings and follow-up actions: one place for pages, calendar and reminders."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from dialogues.models import FollowUpAction, Meeting


def user_may_manage_meetings(user) -> bool:
    """Reviewers and administrators plan meetings and record their outcomes."""
    return bool(user and user.is_authenticated and (user.is_reviewer or user.is_administrator))


def sees_all_meetings(user) -> bool:
    return bool(user.is_analyst or user.is_reviewer or user.is_administrator)


def visible_meetings_filter(user) -> Q:
    """Analysts, reviewers and administrators see every meeting; officials those their organisation takes part in."""
    if sees_all_meetings(user):
        return Q()
    if user.is_official and user.organisation_id:
        org = user.organisation_id
        return Q(participants=org) | Q(series__participants=org) | Q(series__organisers=org)
    return Q(pk__in=[])


def user_may_see_meeting(user, meeting: Meeting) -> bool:
    if sees_all_meetings(user):
        return True
    return Meeting.objects.filter(visible_meetings_filter(user), pk=meeting.pk).exists()


def user_may_read_outcome(user, meeting: Meeting) -> bool:
    """An OFFICIAL outcome: whoever sees the meeting; an OFFICIAL-SENSITIVE one: the participants' officials,
    reviewers and administrators."""
    if meeting.marking == "OFFICIAL" or user.is_reviewer or user.is_administrator:
        return True
    return bool(user.is_official and user.organisation_id) and meeting.participants.filter(pk=user.organisation_id).exists()


def user_may_update_action(user, action: FollowUpAction) -> bool:
    return user_may_manage_meetings(user) or bool(user.is_official and user.organisation_id == action.owner_id)


def meeting_for(user, pk: int, load) -> Meeting:
    """The meeting (read by `load`) if the user may see it: Http404 if there is none, PermissionDenied if not theirs."""
    try:
        meeting = load(pk)
    except Meeting.DoesNotExist:
        raise Http404("No such meeting.") from None
    if not user_may_see_meeting(user, meeting):
        raise PermissionDenied("This meeting is not one your organisation takes part in.")
    return meeting
