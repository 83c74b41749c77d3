"""The SMTP backend's envelope: what it prepares the quick way is what Django's own backend prepares, and what Django
refuses, it refuses."""

import pytest
from django.core.mail import mailers

from partnership.env import mailer

ADDRESSES = [
    "anne@example.org",
    "o'brien+sdp@example.org",
    "first.last@mod.gov.uk",
    "EU–UK Partnership Tracker <noreply@tracker.example.org>",
    "Zoë Émile <zoe@example.org>",
    "jürgen@bundeswehr.example",  # a non-ASCII local part: refused unless SMTPUTF8
    "anne@exämple.org",  # an IDN domain, sent in its ASCII form
    "anne@example.org\r\nBcc: spy@example.org",
    "anne@example.org, bob@example.org",
    "a..b@example.org",
    "@example.org",
]


OPTIONS = {"host": "mail.example.org", "port": 25, "use_tls": False, "timeout": 5}


@pytest.fixture(autouse=True)
def both(settings):
    settings.MAILERS = {"default": {"BACKEND": "partnership.smtp.EmailBackend", "OPTIONS": OPTIONS},
                        "django": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": OPTIONS}}


def prepared(backend, address: str, force_ascii: bool = True) -> str:
    try:
        return backend.prep_address(address, force_ascii)
    except ValueError as error:
        return f"ValueError: {error}"


@pytest.mark.parametrize("address", ADDRESSES)
@pytest.mark.parametrize("force_ascii", [True, False])
def test_an_address_is_prepared_as_djangos_backend_prepares_it(address, force_ascii):
    assert prepared(mailers.default, address, force_ascii) == prepared(mailers["django"], address, force_ascii)


def test_a_bare_address_goes_as_it_is_and_a_line_break_is_refused():
    assert mailers.default.prep_address("o'brien+sdp@example.org") == "o'brien+sdp@example.org"
    with pytest.raises(ValueError):
        mailers.default.prep_address("anne@example.org\r\nBcc: spy@example.org")


def test_an_smtp_email_url_sends_with_it():
    assert mailer("smtp://mail.example.org:25?tls=0")["BACKEND"] == "partnership.smtp.EmailBackend"
