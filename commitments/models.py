"""Commitments: the operative clauses of a partnership, who owns them on each side, and their status."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from commitments.cadence import DueState, Schedule, days_late, due_state, schedule

from commitments.status import Cadence, Status, Strength
from agreement.models import Organisation, Paragraph, Partnership, Party, SubParagraph


class Commitment(models.Model):
    paragraph = models.ForeignKey(Paragraph, on_delete=models.PROTECT, related_name="commitments")
    subparagraph = models.ForeignKey(
        SubParagraph, on_delete=models.PROTECT, null=True, blank=True, related_name="commitments"
    )
    ref = models.CharField(max_length=12, help_text="Stable reference: 14.2 is the second clause of ¶14; 12a is ¶12(a).")
    position = models.PositiveSmallIntegerField(help_text="Order within the paragraph.")
    title = models.CharField(max_length=120)
    clause = models.TextField(help_text="The words of the clause, quoted from the paragraph.")
    strength = models.CharField(max_length=12, choices=Strength.choices)
    cadence = models.CharField(max_length=12, choices=Cadence.choices)
    cadence_note = models.TextField(blank=True)
    target_date = models.DateField(null=True, blank=True, help_text="For one-off commitments, when set.")
    curation_note = models.TextField(blank=True)
    # Overall status (the less advanced side), kept by the status service so lists can filter on it in SQL.
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_ASSESSED)
    # Bumped by every status change; a form or API call carrying an older version is refused (no lost update).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["paragraph__partnership", "paragraph__number", "position"]
        constraints = [
            models.UniqueConstraint(fields=["paragraph", "ref"], name="commitment_ref_unique"),
            models.UniqueConstraint(fields=["paragraph", "position"], name="commitment_position_unique"),
            models.CheckConstraint(
                condition=models.Q(target_date__isnull=True) | models.Q(cadence=Cadence.ONE_OFF),
                name="commitment_target_date_only_one_off",
            ),
        ]

    def __str__(self):
        return f"{self.ref} {self.title}"

    def get_absolute_url(self):
        return reverse("commitments:detail", args=[self.pk])

    def clean(self):
        source = self.subparagraph.text if self.subparagraph_id else self.paragraph.text
        if self.clause and self.clause not in source:
            raise ValidationError({"clause": "The clause must quote the paragraph's words exactly."})
        if self.subparagraph_id and self.subparagraph.paragraph_id != self.paragraph_id:
            raise ValidationError({"subparagraph": "The sub-paragraph must belong to the paragraph."})

    @property
    def reference(self) -> str:
        return self.reference_of(self.paragraph.number, self.subparagraph.label if self.subparagraph_id else None, self.ref)

    @staticmethod
    def reference_of(paragraph_number: int, subparagraph_label: str | None, ref: str) -> str:
        """How a commitment is cited: ¶12(a) for a sub-paragraph, ¶14.2 for the second clause of ¶14."""
        return f"¶{paragraph_number}({subparagraph_label})" if subparagraph_label else f"¶{ref}"



class CommitmentSide(models.Model):
    """One party's share of a commitment: its owners and its own reported status."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="sides")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_ASSESSED)
    status_as_of = models.DateField(null=True, blank=True)
    last_update_at = models.DateTimeField(null=True, blank=True)
    # The schedule of commitments.cadence, stored so lists, dashboards and reminders can filter on it in SQL.
    # Kept by `reschedule()`, which the status service and the fixture loader call; empty when nothing is owed.
    due_on = models.DateField(null=True, blank=True)
    overdue_on = models.DateField(null=True, blank=True)
    stale_on = models.DateField(null=True, blank=True)
    # Counters kept by the status service, so "updates made on time" needs no scan of the whole history.
    update_count = models.PositiveIntegerField(default=0)
    on_time_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["commitment", "party__code"]
        constraints = [models.UniqueConstraint(fields=["commitment", "party"], name="side_party_unique")]
        indexes = [models.Index(fields=["overdue_on"], name="side_overdue_on")]

    def __str__(self):
        return f"{self.commitment.ref} {self.party.code}"

    def reschedule(self, commitment: "Commitment", adopted_on: date) -> None:
        plan = schedule(
            cadence=commitment.cadence,
            last_update=timezone.localdate(self.last_update_at) if self.last_update_at else None,
            adopted_on=adopted_on,
            status=self.status,
            target_date=commitment.target_date,
        )
        self.due_on, self.overdue_on, self.stale_on = (
            (plan.due_on, plan.overdue_on, plan.stale_on) if plan else (None, None, None)
        )

    @property
    def plan(self) -> Schedule | None:
        return Schedule(self.due_on, self.overdue_on, self.stale_on) if self.due_on else None

    def due_state(self, today: date) -> DueState:
        return due_state(self.plan, today)

    def days_late(self, today: date) -> int:
        return days_late(self.plan, today)


class Ownership(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        SUPPORTING = "supporting", "Supporting"

    side = models.ForeignKey(CommitmentSide, on_delete=models.CASCADE, related_name="owners")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="ownerships")
    role = models.CharField(max_length=12, choices=Role.choices)

    class Meta:
        ordering = ["side", "-role", "organisation__short_name"]
        constraints = [
            models.UniqueConstraint(fields=["side", "organisation"], name="ownership_unique"),
            models.UniqueConstraint(fields=["side"], condition=models.Q(role="lead"), name="one_lead_per_side"),
        ]

    def __str__(self):
        return f"{self.organisation.short_name} ({self.get_role_display().lower()})"

    def clean(self):
        if self.organisation_id and self.side_id and self.organisation.party_id != self.side.party_id:
            raise ValidationError({"organisation": "An owner must belong to the side it owns."})


class Marking(models.TextChoices):
    OFFICIAL = "OFFICIAL", "OFFICIAL"
    SENSITIVE = "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"


class StatusUpdate(models.Model):
    """One entry in a side's append-only history. Written only by `commitments.services`; never edited."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="updates")
    side = models.ForeignKey(CommitmentSide, on_delete=models.PROTECT, related_name="updates")
    status = models.CharField(max_length=16, choices=Status.choices)
    previous_status = models.CharField(max_length=16, choices=Status.choices)
    note = models.TextField(blank=True)
    as_of = models.DateField(help_text="The date the update is true as of.")
    marking = models.CharField(max_length=20, choices=Marking.choices, default=Marking.OFFICIAL)
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField()
    version_after = models.PositiveIntegerField(help_text="The commitment's version once this update was applied.")
    on_time = models.BooleanField(help_text="Whether the side was not yet overdue when the update was made.")
    # The side's running totals once this update was applied. How many updates a side had by any moment is then
    # read from its latest update recorded by then (one index seek), never counted over the history.
    side_count_after = models.PositiveIntegerField(default=0)
    side_on_time_after = models.PositiveIntegerField(default=0)
    illustrative = models.BooleanField(default=False, help_text="Demo data: not a record of what happened.")

    class Meta:
        ordering = ["-as_of", "-created_at", "-pk"]
        indexes = [
            # A side's status as of a day: the first entry at or before the day in as-of order. Both carry what
            # the as-of reads want (PostgreSQL), so those reads never visit the table.
            models.Index(fields=["side", "-as_of", "-created_at", "-id"], name="update_side_status", include=["status"]),
            # A side's last update recorded by a moment (its schedule and running totals then).
            models.Index(fields=["side", "-created_at", "-id"], name="update_side_totals",
                         include=["side_count_after", "side_on_time_after"]),
            # The commitment page's history, newest first, a page at a time.
            models.Index(fields=["commitment", "-as_of", "-created_at", "-id"], name="update_commitment_history"),
            models.Index(fields=["commitment", "-created_at", "-id"], name="update_commitment_recent"),
            models.Index(fields=["-created_at", "-id"], name="update_recent"),
            # Every page asks whether demo entries exist: a partial index answers without scanning the history.
            models.Index(fields=["id"], condition=models.Q(illustrative=True), name="update_illustrative"),
            # A briefing pack is marked by the sensitive updates of its period: few, found without the history.
            models.Index(fields=["-created_at"], condition=models.Q(marking="OFFICIAL-SENSITIVE"), name="update_sensitive"),
        ]

    def __str__(self):
        return f"{self.side}: {self.get_status_display()} as of {self.as_of}"


class EvidenceLink(models.Model):
    update = models.ForeignKey(StatusUpdate, on_delete=models.PROTECT, related_name="evidence")
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500)

    def __str__(self):
        return self.title


class MonthEnd(models.Model):
    """A closed month of a partnership. Its picture never changes once the month is over (updates count from
    when they were recorded), so it is stored: `commitments.month_ends` writes it, "progress over time" reads it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(help_text="The month's last day.")
    counts = models.JSONField(default=dict, help_text="Sides at each status then (those with no update not counted).")

    class Meta:
        ordering = ["partnership", "day"]
        constraints = [models.UniqueConstraint(fields=["partnership", "day"], name="month_end_unique")]

    def __str__(self):
        return f"{self.partnership_id}: {self.day:%B %Y}"


class MonthEndStatus(models.Model):
    """A side's status at the end of a closed month: that of the update with the latest as-of date among those
    recorded by then. A side with no update by then has no row (it was not yet assessed). The month's counts are
    kept from these rows, so an update recorded in a closed month moves exactly the counts it changes."""

    month_end = models.ForeignKey(MonthEnd, on_delete=models.CASCADE, related_name="statuses")
    side = models.ForeignKey(CommitmentSide, on_delete=models.CASCADE, related_name="+")
    update = models.ForeignKey(StatusUpdate, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month_end", "side"], name="month_end_status_unique")]
