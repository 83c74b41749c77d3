"""Sign-in throttling by address, across user names: django-axes pauses one user name from one address after a few
failures; this pauses an address that fails for many names (credential stuffing). The count is the audit log's own
record of refused sign-ins, so nothing else has to remember them."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.log import client_address
from audit.models import AuditEntry


def address_is_paused(address: str | None, *, now=None) -> bool:
    if not address:
        return False
    since = (now or timezone.now()) - timedelta(minutes=settings.SIGN_IN_ADDRESS_WINDOW_MINUTES)
    failures = AuditEntry.objects.filter(action="sign-in failed", ip_address=address, at__gte=since)
    return failures.count() >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT


class AddressThrottle:
    """Before any password is checked: an address over its limit is refused, with the answer a wrong password gets,
    whether or not the name exists. It only refuses: it finds no user (so it has no get_user, and sessions are never
    tied to it)."""

    def authenticate(self, request, **credentials):
        if request is not None and address_is_paused(client_address(request)):
            raise PermissionDenied  # ends authentication here; Django reports a failed sign-in
        return None
