"""Django's SMTP backend, its envelope addresses prepared at the cost of a lookup.

The backend prepares the sender and every recipient of every message with the email package's header parser, a
fifth of a millisecond each: a sweep of ten thousand reminders spent four seconds on it. A bare ASCII address (a
dot-atom at a domain, nothing a parser could read otherwise) is its own addr-spec and goes as it is; any other is
prepared by Django, once a process for each (the sender is the same on every message)."""

import functools
import re

from django.core.mail.backends import smtp
from django.utils.encoding import force_str

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_BARE = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*")


class EmailBackend(smtp.EmailBackend):
    def prep_address(self, address, force_ascii=True):
        address = force_str(address)
        return address if _BARE.fullmatch(address) else _prepared(address, force_ascii)


@functools.lru_cache(maxsize=1024)
def _prepared(address: str, force_ascii: bool) -> str:
    return smtp.EmailBackend.prep_address(EmailBackend, address, force_ascii)  # it reads nothing of its backend
