"""Who may onboard a partnership: administrators only, on every page and action of the app (views call
`onboarding_for` / `proposal_for`, which refuse anyone else before anything is looked up)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from onboarding.models import Onboarding, ProposedCommitment

REFUSED = "Onboarding a partnership is for administrators."


def user_may_onboard(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_administrator)


def require_onboarding(user) -> None:
    if not user_may_onboard(user):
        raise PermissionDenied(REFUSED)


def onboarding_for(user, pk: int) -> Onboarding:
    require_onboarding(user)
    return get_object_or_404(Onboarding.objects.select_related("partnership", "uploaded_by", "published_by"), pk=pk)


def proposal_for(user, pk: int, proposal_pk: int) -> ProposedCommitment:
    onboarding = onboarding_for(user, pk)
    return get_object_or_404(ProposedCommitment.objects.select_related("paragraph", "subparagraph", "onboarding"),
                             pk=proposal_pk, onboarding=onboarding)
