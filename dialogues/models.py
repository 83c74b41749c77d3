"""The dialogue machinery of paragraph 12 and the standing exchanges other paragraphs create: series, meetings,
their agendas, the guidance they give and the follow-up actions they set; and the reminder ledger."""

import hashlib
import json
from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse

from commitments.cadence import add_months
from commitments.models import Commitment, CommitmentSide, Marking
from commitments.status import Cadence, Verdict
from agreement.models import Organisation, Paragraph, Partnership, Party


class DialogueSeries(models.Model):
    class Kind(models.TextChoices):
        FOREIGN_POLICY = "foreign_policy", "Foreign and security policy dialogue (12(a))"
        HIGH_LEVEL = "high_level", "High-level invitations (12(b))"
        SDD = "sdd", "Security and Defence Dialogue (12(c))"
        CONSULTATIONS = "consultations", "Working-level consultations (12(d))"
        THEMATIC = "thematic", "Thematic dialogue under the TCA (12(e))"
        FORUM = "forum", "Schuman Security and Defence Forum (12(f))"
        STANDING = "standing", "Standing exchange"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="dialogue_series")
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    cadence = models.CharField(max_length=12, choices=Cadence.choices)
    cadence_note = models.TextField(blank=True)
    paragraphs = models.ManyToManyField(Paragraph, related_name="dialogue_series", blank=True)
    participants = models.ManyToManyField(Organisation, related_name="dialogue_series", blank=True)
    organisers = models.ManyToManyField(
        Organisation, related_name="organised_series", blank=True, help_text="Who schedules its meetings."
    )
    prepares = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="prepared_by",
        help_text="For the working-level consultations: the Security and Defence Dialogue they prepare.",
    )
    # When the next meeting is due: from the last held meeting and the cadence (see `reschedule`).
    next_due_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["partnership", "kind", "name"]
        verbose_name_plural = "dialogue series"
        constraints = [models.UniqueConstraint(fields=["partnership", "slug"], name="series_slug_unique")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("dialogues:series", args=[self.pk])

    @property
    def monitors_everything(self) -> bool:
        """The SDD and its consultations review the whole Partnership (paragraphs 12(c), 60–61)."""
        return self.kind in {self.Kind.SDD, self.Kind.CONSULTATIONS} or not self.paragraphs.exists()

    def next_due(self, last_held: date | None) -> date | None:
        """The next meeting is due one cadence after the last held one (after adoption when none was held)."""
        months = MEETING_INTERVAL_MONTHS.get(Cadence(self.cadence))
        if months is None:
            return None
        return add_months(last_held or self.partnership.adopted_on, months)


# Months between meetings, by cadence; ad hoc, continuous and one-off series have no due date.
MEETING_INTERVAL_MONTHS = {
    Cadence.SIX_MONTHLY: 6,
    Cadence.ANNUAL: 12,
    Cadence.BIENNIAL: 24,
    Cadence.REGULAR: 6,
}


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        POSTPONED = "postponed", "Postponed"
        CANCELLED = "cancelled", "Cancelled"

    series = models.ForeignKey(DialogueSeries, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    place = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    participants = models.ManyToManyField(Organisation, related_name="meetings", blank=True)
    prepares = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="prepared_by",
        help_text="For working-level consultations: the Security and Defence Dialogue meeting they prepare.",
    )
    outcome = models.TextField(blank=True, help_text="What was discussed and decided.")
    marking = models.CharField(max_length=20, choices=Marking.choices, default=Marking.OFFICIAL)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    illustrative = models.BooleanField(default=False, help_text="Demo data: not a record of what happened.")

    class Meta:
        ordering = ["-date", "series__name"]
        indexes = [models.Index(fields=["status", "date"], name="meeting_status_date")]

    def __str__(self):
        return f"{self.series.name}, {self.date:%d %B %Y}"

    def get_absolute_url(self):
        return reverse("dialogues:meeting", args=[self.pk])


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items")
    reason = models.CharField(max_length=200, blank=True, help_text="Why it is on the agenda (overdue, at risk…).")

    class Meta:
        # By the meeting's id, not its own ordering: within a meeting (every read) the same, without joining the
        # meeting and its series to sort.
        ordering = ["meeting_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "commitment"], condition=models.Q(commitment__isnull=False), name="agenda_commitment_once"
            )
        ]

    def __str__(self):
        return self.title


class Guidance(models.Model):
    """Guidance given at a meeting (the SDD gives guidance that the consultations then follow up)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guidance")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["meeting_id", "position"]  # as the agenda's
        verbose_name_plural = "guidance"

    def __str__(self):
        return self.text[:80]


class FollowUpAction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    guidance = models.ForeignKey(Guidance, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="actions")
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="action_status_due")]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.OPEN, self.Status.IN_PROGRESS}

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on < today


class Milestone(models.Model):
    """A date set at a held meeting for a commitment (one side, or both): what is to be done or reported by then. Until
    the side reports on it, it is the side's next due date (commitments.cadence.open_milestone), with the meeting as
    its source. The text's own commitments carry no invented dates: only a meeting sets one."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="milestones")
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="milestones")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              help_text="The side it is set for; empty for every side of the commitment.")
    due_on = models.DateField()
    description = models.CharField(max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    # Withdrawn, not deleted: the pictures of the days it was in force still count it.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    illustrative = models.BooleanField(default=False, help_text="Demo data: not a record of what happened.")

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["commitment", "due_on"], name="milestone_commitment_due")]

    def __str__(self):
        return f"{self.commitment.ref}: {self.description} by {self.due_on:%d %B %Y}"


class ChaseList(models.Model):
    """What a chase lists, stored once however many people it is sent to: the ten thousand officials of one
    organisation get the same digest, less what each of them silenced.

    One entry per commitment side: its reference, title, party, due state and date, and the path of its page; the
    e-mail, the notification and acknowledging or snoozing read it (dialogues.due.chase_item)."""

    fingerprint = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the entries as canonical JSON.")
    items = models.JSONField()

    def __str__(self):
        return f"{len(self.items)} commitments ({self.fingerprint[:12]})"

    @staticmethod
    def fingerprint_of(items) -> str:
        return hashlib.sha256(json.dumps(items, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


class Reminder(models.Model):
    """The ledger: one row per reminder that ever became due, unique by what, which occurrence and whom.

    A sweep inserts rows for whatever is due (so a reminder due while nothing ran is still found), then sends each
    pending row after claiming it with a conditional update, so no row is ever sent twice."""

    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting reminder"
        UNSCHEDULED = "unscheduled", "Next meeting not yet scheduled"
        CALL_FOR_UPDATES = "call_for_updates", "Call for updates before the SDD"
        DIGEST = "digest", "Overdue updates digest"
        ESCALATION = "escalation", "Overdue escalation"
        ACTION = "action", "Follow-up action coming due"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    key = models.CharField(max_length=200, unique=True)
    subject = models.CharField(
        max_length=160, db_index=True, help_text="What it is about (one meeting at one offset, one digest day…)."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    subject_line = models.CharField(max_length=250)
    body = models.TextField()
    link = models.CharField(max_length=300, help_text="Path of the page the reminder is about.")
    due_at = models.DateTimeField(help_text="When it became due.")
    chase_list = models.ForeignKey(ChaseList, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   help_text="What a chase is about; none for other reminders.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    first_failed_at = models.DateTimeField(null=True, blank=True, help_text="When its first attempt failed.")
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-due_at", "pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at", "id"], name="reminder_pending")]

    def __str__(self):
        return self.key

    @property
    def items(self) -> list[dict]:
        return self.chase_list.items if self.chase_list_id else []


class Notification(models.Model):
    """The in-app copy of a reminder (the bell)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    reminder = models.OneToOneField(Reminder, on_delete=models.CASCADE, related_name="notification")
    title = models.CharField(max_length=250)
    body = models.TextField()
    link = models.CharField(max_length=300)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.title


class ChaseHold(models.Model):
    """A person's answer to the chase about one overdue side: acknowledged (no `snoozed_until`), which holds until the
    side's next due date, or snoozed until a moment. Both are for the due date chased: once the side is updated its
    due date moves, the hold no longer matches it, and a later lapse is chased again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chase_holds")
    side = models.ForeignKey(CommitmentSide, on_delete=models.CASCADE, related_name="chase_holds")
    due_on = models.DateField(help_text="The due date that was overdue when the chase was answered.")
    snoozed_until = models.DateTimeField(null=True, blank=True, help_text="Empty: acknowledged until the next due date.")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "side", "due_on"], name="chase_hold_once")]

    def __str__(self):
        return f"{self.user} on {self.side}"

    def holds(self, due_on: date, now) -> bool:
        """Whether it silences the chase about its side, due on `due_on`, at `now`."""
        return self.due_on == due_on and (self.snoozed_until is None or self.snoozed_until > now)


class DigestPreference(models.Model):
    """How often a person gets the overdue digest; without a row, daily (as it always was)."""

    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference")
    frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.DAILY)
    updated_at = models.DateTimeField()

    def __str__(self):
        return f"{self.user}: {self.get_frequency_display().lower()}"


class RecordedSubject(models.Model):
    """A subject (one meeting at one offset, one organisation's digest of one day…) whose reminders the ledger holds:
    the sweep asks this, one row a subject, rather than the ledger, which grows by thousands of rows a day."""

    key = models.CharField(max_length=160, unique=True)
    recorded_at = models.DateTimeField()

    def __str__(self):
        return self.key


class SweepRun(models.Model):
    """When the reminder sweep last completed, and what it did (the health check shows a stalled beat)."""

    finished_at = models.DateTimeField(db_index=True)
    swept_for = models.DateTimeField()
    planned = models.PositiveIntegerField()
    created = models.PositiveIntegerField()
    sent = models.PositiveIntegerField()
    failed = models.PositiveIntegerField()
    retrying = models.PositiveIntegerField()

    class Meta:
        ordering = ["-finished_at"]

    def __str__(self):
        return f"Sweep at {self.finished_at:%Y-%m-%d %H:%M}"


class Assessment(models.Model):
    """A reviewer's independent verdict on one commitment for one SDD cycle (the meeting it is prepared for)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="assessments")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="assessments")
    verdict = models.CharField(max_length=24, choices=Verdict.choices)
    rationale = models.TextField()
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField()

    class Meta:
        ordering = ["meeting", "commitment"]
        constraints = [models.UniqueConstraint(fields=["commitment", "meeting"], name="assessment_once_per_cycle")]

    def __str__(self):
        return f"{self.commitment.ref}: {self.get_verdict_display()}"


class BriefingPack(models.Model):
    """The briefing pack as presented, stored when its meeting is marked held: later updates never change it."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="frozen_pack")
    data = models.JSONField()
    frozen_at = models.DateTimeField()
    as_of = models.DateField(help_text="The day the pack's picture is of.")

    def __str__(self):
        return f"Pack for {self.meeting}"
