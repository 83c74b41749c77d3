from django.contrib.auth.models import AbstractUser
from django.db import models

from agreement.models import Organisation


class User(AbstractUser):
    """A person using the tracker. Roles combine: an official may also review, an analyst may administer."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="members",
        help_text="Required for officials: they record updates for what this organisation owns.",
    )
    is_official = models.BooleanField("official", default=False)
    is_analyst = models.BooleanField("analyst", default=False)
    is_reviewer = models.BooleanField("reviewer", default=False)
    is_administrator = models.BooleanField("administrator", default=False)
    calendar_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False,
        help_text="Secret part of the user's iCalendar feed address; a new one revokes the old.",
    )

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_official=False) | models.Q(organisation__isnull=False),
                name="official_has_organisation",
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def has_role(self) -> bool:
        """Any role at all: an account without one sees nothing until an administrator gives it one."""
        return self.is_official or self.is_analyst or self.is_reviewer or self.is_administrator

    @property
    def roles(self) -> list[str]:
        names = ("official", "analyst", "reviewer", "administrator")
        return [name for name in names if getattr(self, f"is_{name}")]


class ProviderIdentity(models.Model):
    """Who an account is at an OpenID provider: the issuer and the subject (`sub`) of its ID tokens, the only pair the
    OpenID Connect standard promises is stable and unique. An e-mail address never links a sign-in to an account."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="provider_identities")
    provider = models.CharField(max_length=40, help_text="The provider's slug in OIDC_PROVIDERS, when it was linked.")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="one_account_per_provider_subject")]

    def __str__(self):
        return f"{self.subject} at {self.issuer}"


from accounts.tokens import ApiToken  # noqa: E402,F401 - the token model lives beside its authentication class
