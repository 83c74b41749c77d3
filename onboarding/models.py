"""An agreement being onboarded: the text as uploaded (its lines, each with its page), the administrator's
corrections to how it is read, and, once imported, the commitments proposed for it, as the curator edits them."""

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse

from agreement.models import Paragraph, Partnership, SubParagraph
from agreement.reading import Overrides, SourceLine
from commitments.models import Commitment
from commitments.status import Cadence, Strength


class Onboarding(models.Model):
    class State(models.TextChoices):
        READING = "reading", "Checking how the text was read"
        REVIEWING = "reviewing", "Reviewing the proposed commitments"
        PUBLISHED = "published", "Published"

    filename = models.CharField(max_length=255)
    digest = models.CharField(max_length=64, help_text="SHA-256 of the uploaded file.")
    size = models.PositiveIntegerField(help_text="The uploaded file's size in bytes.")
    # The text as extracted, one [page, text] pair a line (line n is item n - 1): re-read on every correction
    # without extracting the PDF again.
    source = models.JSONField()
    overrides = models.JSONField(default=dict, blank=True, help_text="The corrections (agreement.reading.Overrides).")
    party_codes = models.JSONField(default=list, blank=True, help_text="The code given to each party, in order; "
                                   "'' where the import chooses it.")
    short_title = models.CharField(max_length=120, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.READING)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    partnership = models.OneToOneField(Partnership, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="onboarding")
    imported_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "agreement being onboarded"

    def __str__(self):
        return self.short_title or self.filename

    def get_absolute_url(self):
        if self.state == self.State.READING:
            return reverse("onboarding:preview", args=[self.pk])
        return reverse("onboarding:proposals", args=[self.pk])

    @property
    def lines(self) -> list[SourceLine]:
        return [SourceLine(number, page, text) for number, (page, text) in enumerate(self.source, start=1)]

    @property
    def page_count(self) -> int:
        return self.source[-1][0] if self.source else 0

    @property
    def corrections(self) -> Overrides:
        return overrides_from_json(self.overrides)


def overrides_from_json(data: dict) -> Overrides:
    """The stored corrections as the reader takes them; raises ValueError on what Overrides refuses."""
    adopted = data.get("adopted_on")
    return Overrides(
        start_line=data.get("start_line"), end_line=data.get("end_line"),
        roles={int(line): role for line, role in (data.get("roles") or {}).items()},
        adopted_on=date.fromisoformat(adopted) if adopted else None, place=data.get("place", ""),
        title=data.get("title", ""), parties=tuple(data.get("parties") or ()),
        part_headings=tuple(data.get("part_headings") or ()),
    )


def overrides_to_json(overrides: Overrides) -> dict:
    data = {
        "start_line": overrides.start_line, "end_line": overrides.end_line,
        "roles": {str(line): role for line, role in sorted(overrides.roles.items())},
        "adopted_on": overrides.adopted_on.isoformat() if overrides.adopted_on else None,
        "place": overrides.place, "title": overrides.title, "parties": list(overrides.parties),
        "part_headings": list(overrides.part_headings),
    }
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


class ProposedCommitment(models.Model):
    """One commitment proposed for the onboarded text (onboarding.proposals), as the curator edits it. Published,
    it becomes a Commitment through commitments.curation."""

    onboarding = models.ForeignKey(Onboarding, on_delete=models.CASCADE, related_name="proposals")
    position = models.PositiveIntegerField(help_text="Order in the text.")
    ref = models.CharField(max_length=12)
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="+")
    subparagraph = models.ForeignKey(SubParagraph, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    start = models.PositiveIntegerField(help_text="Where the clause starts in its paragraph's (or sub-paragraph's) text.")
    clause = models.TextField()
    verb = models.CharField(max_length=80, blank=True)
    title = models.CharField(max_length=120)
    strength = models.CharField(max_length=12, choices=Strength.choices)
    strength_why = models.TextField(blank=True)
    cadence = models.CharField(max_length=12, choices=Cadence.choices)
    cadence_words = models.CharField(max_length=80, blank=True)
    cadence_doubt = models.TextField(blank=True)
    cadence_note = models.TextField(blank=True)
    # [{"party": "EU", "lead": ["eeas"], "supporting": ["council"]}, …], in the parties' order.
    sides = models.JSONField(default=list)
    sides_why = models.TextField(blank=True)
    owner_reasons = models.JSONField(default=dict, blank=True, help_text="Why each suggested owner was suggested.")
    note = models.TextField(blank=True)
    dropped = models.BooleanField(default=False)

    class Meta:
        ordering = ["onboarding", "position"]
        constraints = [
            # Deferred: a split moves the proposals after it down by one in a single UPDATE.
            models.UniqueConstraint(fields=["onboarding", "position"], name="proposal_position_unique",
                                    deferrable=models.Deferrable.DEFERRED),
        ]

    def __str__(self):
        return f"{self.ref} {self.title}"

    @property
    def text(self) -> str:
        """The words the clause quotes: its sub-paragraph's, or its paragraph's."""
        return self.subparagraph.text if self.subparagraph_id else self.paragraph.text

    @property
    def end(self) -> int:
        return self.start + len(self.clause)

    @property
    def reference(self) -> str:
        return Commitment.reference_of(self.paragraph.number, self.subparagraph.label if self.subparagraph_id else None,
                                       self.ref)

    def side(self, code: str) -> dict | None:
        return next((side for side in self.sides if side["party"] == code), None)
