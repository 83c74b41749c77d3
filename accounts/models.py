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


from accounts.tokens import ApiToken  # noqa: E402,F401 - the token model lives beside its authentication class
