from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.log import record


@receiver(user_logged_in)
def signed_in(sender, request, user, **kwargs):
    if request is not None:
        record(request, action="signed in", user=user, details={})


@receiver(user_logged_out)
def signed_out(sender, request, user, **kwargs):
    if request is not None and user is not None:
        record(request, action="signed out", user=user, details={})


@receiver(user_login_failed)
def sign_in_failed(sender, credentials, request=None, **kwargs):
    if request is not None:
        record(request, action="sign-in failed", details={"username": str(credentials.get("username", ""))[:150]})
