"""A reminder e-mail: its text and HTML bodies, and its message as the bytes a mail backend sends.

A sweep sends ten thousand digests in seconds, and the email package's builder costs more than a millisecond a
message (its header folding and its line-by-line generator), which is the whole budget. The message is simple and
always the same kind, multipart/alternative with a text and an HTML part in UTF-8, quoted-printable: its headers are
made by the standard library's own helpers (formataddr, formatdate, the modern Subject folder, each distinct subject
once), its bodies encoded by binascii's C encoder a line at a time (each distinct line once: the digests of one
organisation differ in a line or two), and it is laid out here. The tests read it back with the email package."""

import binascii
import functools
import re
import secrets
from email import policy
from email.message import Message
from email.utils import formataddr, formatdate, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from dialogues.models import Reminder

# "=_" never occurs in quoted-printable text (RFC 2045, 6.7): the boundary cannot be mistaken for a line of a body.
BOUNDARY = f"=_reminder_{secrets.token_hex(8)}"
CRLF = "\r\n"


@functools.lru_cache(maxsize=1024)
def _subject(value: str) -> str:
    """Encoded where it must be (only the words outside ASCII) and folded as SMTP wants, by the modern folder."""
    return policy.SMTP.header_factory("Subject", value).fold(policy=policy.SMTP).rstrip(CRLF)


# A bare address of ASCII with nothing a header could be broken with: as it is. The rest are parsed.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9._%+\-']+@[A-Za-z0-9.\-]+")


def _address(value: str) -> str:
    """An address with its name encoded where it is not ASCII; newlines cannot survive parseaddr."""
    return value if _PLAIN_ADDRESS.fullmatch(value) else _parsed_address(value)


@functools.lru_cache(maxsize=1024)
def _parsed_address(value: str) -> str:
    return formataddr(parseaddr(value), charset="utf-8")


@functools.lru_cache(maxsize=65536)
def _encoded_line(line: str) -> str:
    return binascii.b2a_qp(line.encode(), istext=True).decode("ascii")


def _part(content: str, subtype: str) -> str:
    body = CRLF.join(map(_encoded_line, content.split("\n")))
    return (f"--{BOUNDARY}{CRLF}Content-Type: text/{subtype}; charset=\"utf-8\"{CRLF}"
            f"Content-Transfer-Encoding: quoted-printable{CRLF}{CRLF}{body}{CRLF}")


class Built(Message):
    """The message as it is sent: its headers readable as on any message (the console backend asks its charset),
    its bytes those laid out here."""

    def __init__(self, headers: list[str], data: bytes):
        super().__init__()
        for header in headers:
            name, value = header.split(": ", 1)
            self[name] = value
        self.data = data

    def as_bytes(self, unixfrom=False, policy=None) -> bytes:
        return self.data

    def as_string(self, unixfrom=False, maxheaderlen=0, policy=None) -> str:
        return self.data.decode("ascii")

    __bytes__, __str__ = as_bytes, as_string


class ReminderMail(EmailMultiAlternatives):
    def message(self, *, policy=None) -> Built:
        headers = [f'Content-Type: multipart/alternative; boundary="{BOUNDARY}"', "MIME-Version: 1.0",
                   _subject(self.subject), f"From: {_address(self.extra_headers.get('From', self.from_email))}",
                   f"To: {', '.join(_address(a) for a in self.to)}", f"Date: {formatdate(localtime=True)}"]
        headers += [f"{name}: {value}" for name, value in self.extra_headers.items() if name != "From"]
        parts = [_part(self.body, "plain")] + [_part(content, mimetype.split("/", 1)[1])
                                               for content, mimetype in self.alternatives]
        return Built(headers, f"{CRLF.join(headers)}{CRLF}{CRLF}{''.join(parts)}--{BOUNDARY}--{CRLF}".encode("ascii"))


# Stand-ins for what differs by recipient: a body is rendered once for everyone it says the same thing to, and each
# message puts its recipient's name and answer address in their place (escaped, in the HTML).
NAME, ANSWER_URL = "\x00name\x00", "\x00answer-url\x00"


class Bodies:
    """The text and HTML bodies of reminder e-mails, every address in them on the site's configured address
    (SITE_URL): the page a reminder is about, each commitment a chase lists and, for a digest, where to acknowledge
    or snooze it and to choose daily or weekly.

    Made once a sweep. Ten thousand officials of one organisation get the same digest but for their name and the
    address of their notification, and a Django template costs about a millisecond per ten lines of a list: the
    templates render once per distinct reminder (kind, subject, body, link and list), and each message fills in its
    recipient. The sweep's sender threads share one: two that render the same body at once store the same text."""

    def __init__(self):
        self.site = settings.SITE_URL.rstrip("/")
        self.bodies = get_template("email/reminder.txt"), get_template("email/reminder.html")
        self.lists = get_template("email/reminder_items.txt"), get_template("email/reminder_items.html")
        self.frequency_url = self.site + reverse("dialogues:digest_frequency")
        self.notifications_url = self.site + reverse("dialogues:notifications")
        self._rendered = {}

    def _lists(self, items: list[dict]) -> tuple[str, str]:
        if not items:
            return "", ""
        context = {"items": [{**item, "url": self.site + item["link"]} for item in items]}
        return tuple(mark_safe(template.render(context)) for template in self.lists)

    def _answer_url(self, reminder: Reminder) -> str:
        """The notification's page (dialogues:notification), which is under the list's address: written here rather
        than reversed, which would cost a fifth of a millisecond a message. A claimed reminder carries its
        notification's id (none if its sweep died before writing the notifications: the list has the rest)."""
        return f"{self.notifications_url}{reminder.notification_pk}/" if reminder.notification_pk else self.notifications_url

    def _shared(self, reminder: Reminder) -> tuple[str, str]:
        key = (reminder.kind, reminder.subject_line, reminder.body, reminder.link, reminder.chase_list_id)
        if key not in self._rendered:
            context = {"reminder": reminder, "name": NAME, "site_name": settings.SITE_NAME,
                       "url": self.site + reminder.link}
            if reminder.kind == Reminder.Kind.DIGEST:
                context |= {"answer_url": ANSWER_URL, "frequency_url": self.frequency_url}
            text_list, html_list = self._lists(reminder.items)
            text, html = self.bodies
            self._rendered[key] = (text.render({**context, "commitment_list": text_list}),
                                   html.render({**context, "commitment_list": html_list}))
        return self._rendered[key]

    def render(self, reminder: Reminder) -> tuple[str, str]:
        text, html = self._shared(reminder)
        name = reminder.recipient.get_full_name() or reminder.recipient.username
        answer_url = self._answer_url(reminder) if reminder.kind == Reminder.Kind.DIGEST else ""
        return (text.replace(NAME, name).replace(ANSWER_URL, answer_url),
                html.replace(NAME, escape(name)).replace(ANSWER_URL, escape(answer_url)))
