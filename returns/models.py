from django.conf import settings
from django.db import models
from django.urls import reverse

from agreement.models import Organisation, Partnership


class Return(models.Model):
    """An uploaded spreadsheet return: checked row by row, shown as a preview, applied only when confirmed."""

    class State(models.TextChoices):
        PREVIEWED = "previewed", "Checked, waiting for confirmation"
        APPLIED = "applied", "Applied"
        DISCARDED = "discarded", "Discarded"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="returns")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="returns")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="returns")
    uploaded_at = models.DateTimeField()
    filename = models.CharField(max_length=255)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEWED)
    rows = models.JSONField(help_text="The rows with a new status, as read, and what the check found in each.")
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"Return of {self.organisation} ({self.uploaded_at:%d %b %Y})"

    def get_absolute_url(self):
        return reverse("returns:detail", args=[self.pk])

    @property
    def problems(self) -> list[dict]:
        return [row for row in self.rows if row.get("error") or row.get("conflict")]

    @property
    def can_apply(self) -> bool:
        return self.state == self.State.PREVIEWED and bool(self.rows) and not self.problems
