import time

"""What happens where people sign in: the session's lifetime starts, and the audit log records sign-ins, sign-outs,
refused attempts and the second factor as they happen."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts import two_factor
from accounts.middleware import SIGNED_IN_AT
from audit.log import record


@receiver(user_logged_in)
def stamp_sign_in(sender, request, user, **kwargs):
    """The absolute session lifetime counts from here."""
    request.session[SIGNED_IN_AT] = time.time()


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


@receiver(two_factor.code_accepted)
def second_factor_accepted(sender, request, user, **kwargs):
    record(request, action="two-factor code accepted", user=user, details={})


@receiver(two_factor.code_refused)
def second_factor_refused(sender, request, user, during, throttled, **kwargs):
    record(request, action="two-factor code refused", user=user, details={"during": during, "throttled": throttled})


@receiver(two_factor.device_started)
def second_factor_set_up_started(sender, request, user, **kwargs):
    record(request, action="two-factor set-up started", user=user, details={})


@receiver(two_factor.device_confirmed)
def second_factor_turned_on(sender, request, user, **kwargs):
    record(request, action="two-factor turned on", user=user, details={})


@receiver(two_factor.device_removed)
def second_factor_turned_off(sender, request, user, **kwargs):
    record(request, action="two-factor turned off", user=user, details={})
