"""API tokens that a user creates, names and revokes in the browser. Only a hash is stored; the key is shown once."""

import hashlib
import secrets

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from rest_framework import authentication, exceptions

from audit import log as audit

PREFIX = "pt_"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “monthly report script”.")
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    key_start = models.CharField(max_length=12, editable=False, help_text="The first characters, to recognise it.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "accounts"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.key_start}…)"

    @classmethod
    @transaction.atomic
    def issue(cls, *, user, name: str) -> tuple["ApiToken", str]:
        key = PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name.strip(), key_digest=_digest(key), key_start=key[:10])
        audit.write("API token issued", by=user, object_ref=f"token {token.pk}", details={"name": token.name})
        return token, key

    @transaction.atomic
    def revoke(self, *, by) -> bool:
        """Refused from now on; False if it already was."""
        revoked = ApiToken.objects.filter(pk=self.pk, revoked_at=None).update(revoked_at=timezone.now())
        if revoked:
            audit.write("API token revoked", by=by, object_ref=f"token {self.pk}", details={"name": self.name})
        return bool(revoked)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer pt_…` (or `Token pt_…`)."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the token as `Authorization: Bearer <token>`.")
        key = header[1].decode(errors="replace")
        token = ApiToken.objects.select_related("user").filter(key_digest=_digest(key), revoked_at=None).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("This token is not valid or has been revoked.")
        if token.last_used_at is None or (timezone.now() - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


try:  # The OpenAPI schema describes the scheme (drf-spectacular picks extensions up on import).
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    class BearerTokenScheme(OpenApiAuthenticationExtension):
        target_class = "accounts.tokens.BearerTokenAuthentication"
        name = "bearerToken"

        def get_security_definition(self, auto_schema):
            return {"type": "http", "scheme": "bearer", "description": "An API token made on the API tokens page."}
except ImportError:  # pragma: no cover
    pass
