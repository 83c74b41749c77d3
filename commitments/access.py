"""Who may do what with a commitment: one place, used by the pages, the API, the exports and the services."""

from commitments.models import CommitmentSide, Ownership

SENSITIVE = "OFFICIAL-SENSITIVE"


def owns_side(user, side: CommitmentSide) -> bool:
    return bool(user.organisation_id) and any(o.organisation_id == user.organisation_id for o in side.owners.all())


def user_may_update(user, side: CommitmentSide) -> bool:
    """Officials of an organisation that owns the side (lead or supporting), and nobody else."""
    if not (user and user.is_authenticated and user.is_active and user.is_official):
        return False
    return owns_side(user, side)


def sensitive_commitment_ids(user) -> set[int] | None:
    """The commitments whose OFFICIAL-SENSITIVE notes the user may read: all (None) or a set of ids — the owning
    organisations' officials, reviewers and administrators. Read once per page, export or API call."""

    if not (user and user.is_authenticated):
        return set()
    if user.is_reviewer or user.is_administrator:
        return None
    if not (user.is_official and user.organisation_id):
        return set()
    return set(Ownership.objects.filter(organisation=user.organisation_id).values_list("side__commitment_id", flat=True))


def may_read_note(marking: str, commitment_id: int, readable_ids: set[int] | None) -> bool:
    """The one rule for every note and its evidence, on pages, API, exports and the pack: OFFICIAL ones are
    everyone's; OFFICIAL-SENSITIVE ones are read by those `sensitive_commitment_ids` gives the commitment to."""
    return marking != SENSITIVE or readable_ids is None or commitment_id in readable_ids
