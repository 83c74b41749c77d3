"""The pages the benchmark measures, each as the user who would open it, found afresh in the data of each size."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from commitments.models import CommitmentSide, Ownership
from dialogues.models import DialogueSeries, Meeting


@dataclass(frozen=True)
class Page:
    name: str
    user: User
    path: str


def _side(order: str) -> CommitmentSide:
    """The side with the longest history ("-…"), or a typical one: the median by the length of its history."""
    sides = CommitmentSide.objects.select_related("party").order_by(order, "pk")
    return sides.first() if order.startswith("-") else sides[sides.count() // 2]


def _official_of(side: CommitmentSide) -> User:
    owners = Ownership.objects.filter(side=side).values_list("organisation_id", flat=True)
    return User.objects.filter(username__startswith="bench-", is_official=True, organisation__in=owners).order_by("pk").first()


def _update_form(side: CommitmentSide) -> str:
    return reverse("commitments:update", args=[side.commitment_id, side.party.code])


def _heaviest_commitment() -> int:
    return (CommitmentSide.objects.values("commitment").annotate(n=Sum("update_count")).order_by("-n", "commitment")
            .first()["commitment"])


def pages() -> list[Page]:
    analyst = User.objects.get(username="bench-analyst")
    reviewer = User.objects.get(username="bench-reviewer")
    admin = User.objects.get(username="bench-admin")
    eeas = User.objects.filter(username__startswith="bench-", is_official=True, organisation__slug="eeas").order_by("pk").first()
    heavy, typical = _side("-update_count"), _side("update_count")
    sdd = DialogueSeries.objects.get(kind=DialogueSeries.Kind.SDD)
    planned = Meeting.objects.filter(series=sdd, status=Meeting.Status.PLANNED).order_by("date").first()
    held = Meeting.objects.filter(series=sdd, status=Meeting.Status.HELD, frozen_pack__isnull=False).order_by("-date").first()
    today = timezone.localdate()
    adopted = sdd.partnership.adopted_on
    since, until = adopted + timedelta(days=365), today - timedelta(days=30)
    return [
        Page("floor (trivial page)", analyst, "/bench/floor/"),
        Page("overview dashboard", analyst, "/dashboard/"),
        Page("by area", analyst, "/dashboard/areas/"),
        Page("by owner organisation", analyst, "/dashboard/owners/"),
        Page("commitment list", analyst, "/commitments/"),
        # Filters on the curated data match the same commitments at every size, so the query counts compare.
        Page("commitment list, filtered", analyst, "/commitments/?side=EU&strength=firm&q=defence"),
        Page("list as of a past day", analyst, f"/commitments/?as_of={today - timedelta(days=730):%Y-%m-%d}"),
        Page("commitment page, typical", analyst, f"/commitments/{typical.commitment_id}/"),
        Page("commitment page, heaviest", analyst, f"/commitments/{_heaviest_commitment()}/"),
        Page("update form, typical side", _official_of(typical), _update_form(typical)),
        Page("update form, heaviest side", _official_of(heavy), _update_form(heavy)),
        Page("my work", eeas, "/my-work/"),
        Page("report page", analyst, "/reports/"),
        Page("since/until comparison", analyst, f"/reports/?since={since:%Y-%m-%d}&until={until:%Y-%m-%d}"),
        Page("briefing pack (live)", reviewer, f"/dialogues/meetings/{planned.pk}/pack/"),
        Page("briefing pack (held)", reviewer, f"/dialogues/meetings/{held.pk}/pack/"),
        Page("dialogue series page", reviewer, f"/dialogues/series/{sdd.pk}/"),
        Page("meeting page", reviewer, f"/dialogues/meetings/{planned.pk}/"),
        Page("API commitments", analyst, "/api/commitments/"),
        Page("API status history", analyst, "/api/updates/"),
        Page("admin: commitments", admin, "/admin/commitments/commitment/"),
        Page("admin: status updates", admin, "/admin/commitments/statusupdate/"),
    ]
