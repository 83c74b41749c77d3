"""Where Django signs people in and out: the session's lifetime starts, and the audit log records sign-ins,
sign-outs and refused attempts (the second factor is recorded by accounts.two_factor)."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.middleware import SIGNED_IN_AT
from audit import log as audit


@receiver(user_logged_in)
def stamp_sign_in(sender, request, user, **kwargs):
    """The absolute session lifetime counts from here."""
    request.session[SIGNED_IN_AT] = time.time()


@receiver(user_logged_in)
def signed_in(sender, request, user, **kwargs):
    """A password sign-in, or one through an OpenID provider (accounts.oidc names it on the user it signs in)."""
    provider = getattr(user, "signed_in_through", "")
    audit.write("signed in", by=user, details={"provider": provider} if provider else None)


@receiver(user_logged_out)
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit.write("signed out", by=user)


@receiver(user_login_failed)
def sign_in_failed(sender, credentials, request=None, **kwargs):
    audit.write("sign-in failed", username=str(credentials.get("username", "")))
