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


def sensitive_commitment_ids(user):
    """The commitments whose OFFICIAL-SENSITIVE notes the user may read: all (None) or a set of ids.

    For lists and exports, where checking commitment by commitment would cost a query each."""
    from commitments.models import Ownership

    if user.is_reviewer or user.is_administrator:
        return None
    if not (user.is_official and user.organisation_id):
        return set()
    return set(Ownership.objects.filter(organisation=user.organisation_id).values_list("side__commitment_id", flat=True))


def may_read_note(update, readable_ids) -> bool:
    return update.marking != "OFFICIAL-SENSITIVE" or readable_ids is None or update.commitment_id in readable_ids
