"""Commitments: the operative clauses of a partnership, who owns them on each side, and their status."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from commitments.cadence import DueState, Schedule, days_late, due_state, open_milestone, schedule

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
    lead_reason = models.TextField(blank=True, help_text="Why these owners lead, where it is not obvious.")
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
        """How a commitment is cited: ¶12(a) for a sub-paragraph, ¶12(b).2 for the second clause of ¶12(b), ¶14.2
        for the second clause of ¶14."""
        if not subparagraph_label:
            return f"¶{ref}"
        clause = ref.removeprefix(f"{paragraph_number}{subparagraph_label}")  # "" or ".2"
        return f"¶{paragraph_number}({subparagraph_label}){clause}"



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
        """Store the schedule (commitments.cadence) from the side's last update, the commitment's cadence and target
        date, the milestones set for it at held meetings and, for a commitment fulfilled by meetings, the last one
        held. Milestones and meetings are the dialogues app's, read through their relations to the commitment."""
        milestones = commitment.milestones.filter(models.Q(party=None) | models.Q(party=self.party_id),
                                                  withdrawn_at=None)
        meetings = commitment.links_out.filter(kind=CommitmentLink.Kind.FULFILLED_BY).aggregate(
            fulfilling=models.Count("pk"),
            last_held=models.Max("series__meetings__date", filter=models.Q(series__meetings__status="held")))
        plan = schedule(
            cadence=commitment.cadence,
            last_update=timezone.localdate(self.last_update_at) if self.last_update_at else None,
            adopted_on=adopted_on,
            status=self.status,
            target_date=commitment.target_date,
            milestone=open_milestone(milestones.values_list("created_at", "due_on"), self.last_update_at,
                                     timezone.get_current_timezone()),
            by_meetings=meetings["fulfilling"] > 0,
            last_held=meetings["last_held"],
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
        ordering = ["side", "role", "organisation__short_name"]  # the leads first ("lead" < "supporting")
        constraints = [
            models.UniqueConstraint(fields=["side", "organisation"], name="ownership_unique"),
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
    # And the side's status once it was applied (this update's, unless it was back-dated behind a later as-of
    # date): the status as of any day is that of the side's latest update recorded by the day's end.
    side_status_after = models.CharField(max_length=16, choices=Status.choices)
    illustrative = models.BooleanField(default=False, help_text="Demo data: not a record of what happened.")

    class Meta:
        ordering = ["-as_of", "-created_at", "-pk"]
        indexes = [
            # The update in force on a day: the first entry at or before the day in as-of order (the stored
            # month-ends). Both carry what the as-of reads want (PostgreSQL), so those reads never visit the table.
            models.Index(fields=["side", "-as_of", "-created_at", "-id"], name="update_side_status", include=["status"]),
            # A side's last update recorded by a moment: its status, schedule and running totals then.
            models.Index(fields=["side", "-created_at", "-id"], name="update_side_state",
                         include=["side_status_after", "side_count_after", "side_on_time_after"]),
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


# What the curated encoding says around a commitment: the links between commitments and to the dialogue series that
# carry them, the qualifiers of the text that govern them, and the instruments they refer to. All are loaded from
# fixtures/commitments.toml (commitments.encoding) and change only with it.


SERIES_LINKS = ["carried_by", "fulfilled_by", "establishes"]  # the kinds of link whose other end is a dialogue series


class CommitmentLink(models.Model):
    """A typed link from one commitment to another, or to a dialogue series. Both ends show it: the target reads it
    in its inverse wording ("needed by" for "depends on")."""

    class Kind(models.TextChoices):
        RELATED_TO = "related_to", "Related to"
        DEPENDS_ON = "depends_on", "Depends on"
        REVIEWED_BY = "reviewed_by", "Reviewed by"
        CARRIED_BY = "carried_by", "Carried by"  # a series whose meetings carry the commitment out
        # A series whose held meetings fulfil the commitment (12(c): the Dialogue takes place annually): its
        # schedule counts from the last meeting held, not from the last update.
        FULFILLED_BY = "fulfilled_by", "Fulfilled by"
        ESTABLISHES = "establishes", "Establishes"  # a series the commitment sets up

    # How the other end reads a link to it: its relation and label.
    INVERSE = {Kind.RELATED_TO: ("related_to", "Related to"), Kind.DEPENDS_ON: ("needed_by", "Needed by"),
               Kind.REVIEWED_BY: ("reviews", "Reviews")}

    source = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="links_out")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    target = models.ForeignKey(Commitment, on_delete=models.CASCADE, null=True, blank=True, related_name="links_in")
    # Named, not imported: the series are defined in dialogues/, above this app (as agreement's Organisation names
    # its senior contact in accounts/). The link is the encoding's, so it lives with the commitment.
    series = models.ForeignKey("dialogues.DialogueSeries", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="commitment_links")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["source", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=SERIES_LINKS, series__isnull=False, target__isnull=True)
                | (~models.Q(kind__in=SERIES_LINKS) & models.Q(series__isnull=True, target__isnull=False)),
                name="link_to_a_commitment_or_a_series_by_kind",
            ),
            models.CheckConstraint(condition=~models.Q(source=models.F("target")), name="link_not_to_itself"),
            models.UniqueConstraint(fields=["source", "kind", "target"], condition=models.Q(target__isnull=False),
                                    name="link_to_commitment_once"),
            models.UniqueConstraint(fields=["source", "kind", "series"], condition=models.Q(series__isnull=False),
                                    name="link_to_series_once"),
        ]

    def __str__(self):
        return f"{self.source.ref} {self.get_kind_display().lower()} {self.target.ref if self.target_id else self.series}"


class Condition(models.Model):
    """A qualifier of the text that governs the commitments citing it ("in accordance with the respective legal
    frameworks"); footnote 1's territorial scope governs the whole partnership."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="conditions")
    slug = models.SlugField(max_length=60)
    label = models.CharField(max_length=120)
    note = models.TextField(blank=True)
    whole_partnership = models.BooleanField(default=False, help_text="Governs every commitment (footnote 1).")
    words = models.TextField(blank=True, help_text="For a condition of the whole partnership: the text's words.")
    stated_in = models.CharField(max_length=40, blank=True, help_text='Where the text states it, e.g. "footnote 1".')

    class Meta:
        ordering = ["partnership", "-whole_partnership", "label"]
        constraints = [models.UniqueConstraint(fields=["partnership", "slug"], name="condition_slug_unique")]

    def __str__(self):
        return self.label


class CommitmentCondition(models.Model):
    """A condition as it governs one commitment, in the words of the commitment's paragraph."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="condition_uses")
    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="uses")
    words = models.TextField(help_text="Quoted exactly from the commitment's paragraph.")

    class Meta:
        ordering = ["commitment", "condition__label"]
        constraints = [models.UniqueConstraint(fields=["commitment", "condition"], name="condition_use_once")]

    def __str__(self):
        return f"{self.commitment.ref}: {self.condition}"


class Instrument(models.Model):
    """An agreement, treaty, resolution, declaration, mechanism or fund the text refers to: a small reference list,
    each entry linked from the commitments whose paragraph names it."""

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", "Agreement"
        TREATY = "treaty", "Treaty or convention"
        RESOLUTION = "resolution", "UN Security Council resolution"
        DECLARATION = "declaration", "Joint declaration"
        MECHANISM = "mechanism", "EU mechanism or fund"
        PESCO = "pesco", "PESCO project or rule"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="instruments")
    slug = models.SlugField(max_length=60)
    short_name = models.CharField(max_length=60)
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    note = models.TextField(blank=True, help_text="What the text says of it, with its paragraph.")
    commitments = models.ManyToManyField(Commitment, related_name="instruments", blank=True)

    class Meta:
        ordering = ["partnership", "short_name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "slug"], name="instrument_slug_unique")]

    def __str__(self):
        return self.short_name
