"""A reminder e-mail, built with the standard library's original (compat32) MIME classes.

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
