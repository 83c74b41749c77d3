"""Who may do what with a commitment: one place, used by the pages, the API, the exports and the services."""

from commitments.models import Commitment, CommitmentSide


def owns_side(user, side: CommitmentSide) -> bool:
    return bool(user.organisation_id) and any(o.organisation_id == user.organisation_id for o in side.owners.all())


def user_may_update(user, side: CommitmentSide) -> bool:
    """Officials of an organisation that owns the side (lead or supporting), and nobody else."""
    if not (user and user.is_authenticated and user.is_active and user.is_official):
        return False
    return owns_side(user, side)


def user_may_see_sensitive(user, commitment: Commitment) -> bool:
    """OFFICIAL-SENSITIVE notes: the owning organisations' officials, reviewers and administrators."""
    if not (user and user.is_authenticated):
        return False
    if user.is_reviewer or user.is_administrator:
        return True
    return user.is_official and any(owns_side(user, side) for side in commitment.sides.all())
