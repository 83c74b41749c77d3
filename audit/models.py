from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One write: who, when, what, why, from where. Append-only (PostgreSQL refuses UPDATE and DELETE on it)."""

    at = models.DateTimeField(db_index=True)
    # No database constraint: removing an account must not rewrite the log (the username stays).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True, help_text="Kept even if the account goes.")
    action = models.CharField(max_length=120, help_text="What: the page or endpoint written to, or sign-in events.")
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=500, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True)
    object_ref = models.CharField(max_length=120, blank=True)
    reason = models.TextField(blank=True, help_text="Why: the note or rationale given with the change, if any.")
    details = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"
        # Sign-in throttling counts an address's recent refused sign-ins (accounts.throttling).
        indexes = [models.Index(fields=["ip_address", "-at"], condition=models.Q(action="sign-in failed"),
                                name="audit_sign_in_failures"),
                   # audit.outages asks for a service's latest outage entries among all the rest
                   models.Index(fields=["action", "at"], condition=models.Q(action__in=[
                       "broker unreachable", "broker reachable again"]), name="audit_outages")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"
