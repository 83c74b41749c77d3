"""The agreement's text: a partnership, its parts and thematic areas, numbered paragraphs, sub-paragraphs and
footnotes. Nothing here is specific to the EU–UK text, so other partnerships import into the same tables."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse


class Party(models.Model):
    """A signatory: the EU, the UK, Norway… Organisations belong to one party; a commitment binds one or more."""

    code = models.CharField(max_length=8, unique=True, help_text="Short code shown everywhere, e.g. EU or UK.")
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "parties"

    def __str__(self):
        return self.code


class Organisation(models.Model):
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="organisations")
    slug = models.SlugField(max_length=60, unique=True)
    short_name = models.CharField(max_length=60)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="units")
    senior_contact = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="Receives escalations when the organisation's updates stay overdue.",
    )

    class Meta:
        ordering = ["party__code", "short_name"]

    def __str__(self):
        return self.short_name

    def clean(self):
        if self.parent_id and self.parent.party_id != self.party_id:
            raise ValidationError({"parent": "The parent organisation must be on the same side."})


class Partnership(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300, help_text="The title as the document gives it.")
    short_title = models.CharField(max_length=120)
    parties = models.ManyToManyField(Party, related_name="partnerships")
    adopted_on = models.DateField()
    place = models.CharField(max_length=120)
    source_digest = models.CharField(
        max_length=64, editable=False, help_text="SHA-256 of the imported structure; a re-import compares it."
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["adopted_on", "slug"]

    def __str__(self):
        return self.short_title

    def get_absolute_url(self):
        return reverse("partnership:document", args=[self.slug])


class Part(models.Model):
    """A top-level division: Preamble, General framework, Areas of Cooperation, Way Forward."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="parts")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    has_heading = models.BooleanField(default=True, help_text="False for the unheaded preamble.")

    class Meta:
        ordering = ["partnership", "position"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "position"], name="part_position_unique"),
            models.UniqueConstraint("partnership", Lower("title"), name="part_title_unique"),
        ]

    def __str__(self):
        return self.title


class Area(models.Model):
    """A thematic heading inside a part (the 21 areas of cooperation)."""

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="areas")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)

    class Meta:
        ordering = ["part__partnership", "part__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["part", "position"], name="area_position_unique"),
            models.UniqueConstraint(fields=["part", "slug"], name="area_slug_unique"),
        ]

    def __str__(self):
        return self.title


class Paragraph(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="paragraphs")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="paragraphs")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="paragraphs", null=True, blank=True)
    number = models.PositiveSmallIntegerField()
    text = models.TextField(help_text="The paragraph's words; for 12 the chapeau before its sub-paragraphs.")

    class Meta:
        ordering = ["partnership", "number"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "number"], name="paragraph_number_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="paragraph_number_positive"),
        ]

    def __str__(self):
        return f"¶{self.number}"

    @property
    def anchor(self):
        return f"p{self.number}"

    def get_absolute_url(self):
        return reverse("partnership:document", args=[self.partnership.slug]) + f"#{self.anchor}"


class SubParagraph(models.Model):
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="subparagraphs")
    label = models.CharField(max_length=4, help_text="a, b, c…")
    text = models.TextField()

    class Meta:
        ordering = ["paragraph", "label"]
        constraints = [models.UniqueConstraint(fields=["paragraph", "label"], name="subparagraph_label_unique")]

    def __str__(self):
        return f"¶{self.paragraph.number}({self.label})"

    @property
    def anchor(self):
        return f"p{self.paragraph.number}{self.label}"


class Footnote(models.Model):
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="footnotes")
    marker = models.CharField(max_length=4, help_text="The number as printed, e.g. 1.")
    text = models.TextField()

    class Meta:
        ordering = ["paragraph", "marker"]
        constraints = [models.UniqueConstraint(fields=["paragraph", "marker"], name="footnote_marker_unique")]

    def __str__(self):
        return f"Footnote {self.marker}"

    @property
    def anchor(self):
        return f"fn{self.marker}"

