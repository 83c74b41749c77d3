"""Reads shared by pages, the API and exports. Each returns a queryset whose query count does not grow with rows."""

from django.db.models import Prefetch, QuerySet

from commitments.models import Commitment, CommitmentSide, Ownership, StatusUpdate


def sides_prefetch(prefix: str = "") -> Prefetch:
    return Prefetch(
        f"{prefix}sides",
        queryset=CommitmentSide.objects.select_related("party").prefetch_related(
            Prefetch("owners", queryset=Ownership.objects.select_related("organisation"))
        ),
    )


def commitment_list() -> QuerySet[Commitment]:
    return (
        Commitment.objects.select_related("paragraph__partnership", "paragraph__area", "paragraph__part", "subparagraph")
        .prefetch_related(sides_prefetch())
        .order_by("paragraph__partnership__adopted_on", "paragraph__number", "position")
    )


def commitment_history(commitment: Commitment) -> QuerySet[StatusUpdate]:
    return (
        commitment.updates.select_related("side__party", "created_by__organisation", "corrects")
        .prefetch_related("evidence")
        .order_by("-as_of", "-created_at", "-pk")
    )
