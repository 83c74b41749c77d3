from django.conf import settings
from django.db import models
from django.db.models import Q


class GeneratedPdf(models.Model):
    """A PDF rendered in the background (reports.pdfs) and kept in the database, so web and worker need no shared
    volume and backups include it. `key` says what it was built from: a reusable PDF is served to everyone whose
    request gives the same key; any other belongs to its requester and is deleted after a day."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=40, help_text="Which registered renderer makes it.")
    key = models.CharField(max_length=200)
    reusable = models.BooleanField(default=False)
    params = models.JSONField(default=dict, blank=True, help_text="The stored inputs the renderer reads.")
    filename = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    size = models.PositiveIntegerField(default=0)
    # Loaded only when served: every other query defers it.
    content = models.BinaryField(null=True, editable=False)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = "generated PDF"
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=Q(reusable=True), name="generated_pdf_reusable_key"),
        ]
        indexes = [models.Index(fields=["state", "requested_at"], name="generated_pdf_state")]

    def __str__(self):
        return f"{self.filename} ({self.get_state_display().lower()})"

    @property
    def pending(self) -> bool:
        return self.state in {self.State.QUEUED, self.State.RENDERING}
