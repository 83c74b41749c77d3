"""A reminder e-mail: its text and HTML bodies, and its message, built with the standard library's original
(compat32) MIME classes.

Django's own builder uses the email package's modern API, which costs about three times as much per message; a
sweep that sends ten thousand digests feels that. The message is the same kind (multipart/alternative, a text
and an HTML part in UTF-8, encoded headers), and every mail backend sends it as it sends any other."""

from email import charset, policy
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import mark_safe

from dialogues.models import Notification, Reminder

UTF8 = charset.Charset("utf-8")
UTF8.body_encoding = charset.QP  # readable in a mail client's "show source", unlike base64
SMTP_LINES = policy.compat32.clone(linesep="\r\n")  # SMTP wants CRLF; the backends send what as_bytes() gives


def _subject(value: str) -> str:
    """Encoded where it must be (only the words outside ASCII), folded as SMTP wants: the modern folder, once."""
    return policy.SMTP.fold("Subject", value).removeprefix("Subject: ").rstrip("\r\n")


def _address(value: str) -> str:
    name, address = parseaddr(value)
    return formataddr((str(Header(name, "utf-8")), address)) if name else address


class ReminderMail(EmailMultiAlternatives):
    def message(self, *, policy=None):
        message = MIMEMultipart("alternative", policy=SMTP_LINES)
        message["Subject"] = _subject(self.subject)
        message["From"] = _address(self.extra_headers.get("From", self.from_email or settings.DEFAULT_FROM_EMAIL))
        message["To"] = ", ".join(_address(a) for a in self.to)
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = self.extra_headers.get("Message-ID") or make_msgid(domain=DNS_NAME)
        for name, value in self.extra_headers.items():
            if name not in {"From", "Message-ID"}:
                message[name] = value
        message.attach(MIMEText(self.body, "plain", UTF8))
        for content, mimetype in self.alternatives:
            message.attach(MIMEText(content, mimetype.split("/", 1)[1], UTF8))
        return message


class Bodies:
    """The text and HTML bodies of reminder e-mails, every address in them on the site's configured address
    (SITE_URL): the page a reminder is about, each commitment a chase lists and, for a digest, where to acknowledge
    or snooze it and to choose daily or weekly.

    Made once a sweep. A digest's list is the same for everyone in an organisation (less what each silenced), and a
    Django template loop costs about a millisecond per ten lines: each distinct list is rendered once a sweep."""

    def __init__(self):
        self.site = settings.SITE_URL.rstrip("/")
        self.bodies = get_template("email/reminder.txt"), get_template("email/reminder.html")
        self.lists = get_template("email/reminder_items.txt"), get_template("email/reminder_items.html")
        self.frequency_url = self.site + reverse("dialogues:digest_frequency")
        self.notifications_url = self.site + reverse("dialogues:notifications")
        self._rendered_lists = {}

    def _lists(self, items: list[dict]) -> tuple[str, str]:
        key = tuple(tuple(item.values()) for item in items)  # a tenth of the cost of json.dumps
        if key not in self._rendered_lists:
            context = {"items": [{**item, "url": self.site + item["link"]} for item in items]}
            self._rendered_lists[key] = tuple(mark_safe(template.render(context)) for template in self.lists)
        return self._rendered_lists[key]

    def _answer_url(self, reminder: Reminder) -> str:
        """The notification's page (dialogues:notification), which is under the list's address: written here rather
        than reversed, which would cost a fifth of a millisecond a message."""
        try:
            return f"{self.notifications_url}{reminder.notification.pk}/"
        except Notification.DoesNotExist:  # its sweep died before writing the notifications: the list has the rest
            return self.notifications_url

    def render(self, reminder: Reminder) -> tuple[str, str]:
        context = {"reminder": reminder, "user": reminder.recipient, "site_name": settings.SITE_NAME,
                   "url": self.site + reminder.link}
        if reminder.kind == Reminder.Kind.DIGEST:
            context |= {"answer_url": self._answer_url(reminder), "frequency_url": self.frequency_url}
        text_list, html_list = self._lists(reminder.items) if reminder.items else ("", "")
        text, html = self.bodies
        return (text.render({**context, "commitment_list": text_list}),
                html.render({**context, "commitment_list": html_list}))
