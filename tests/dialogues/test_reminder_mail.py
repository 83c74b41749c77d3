"""The reminder e-mail as it leaves: parsed from its bytes, it has a text and an HTML part, and both link to each
commitment it lists, on the site's configured address; the in-app notification lists the same links."""

import email
import io
import re
from datetime import date, datetime, time
from email import policy
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from agreement.models import Organisation
from commitments.models import CommitmentSide
from dialogues.models import Notification, Reminder
from dialogues.reminders import send_due_reminders
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
DIGEST_DAY = date(2026, 2, 2)  # a Monday; every side without an update has been overdue since early December 2025
SITE = "https://tracker.example.org"


def at(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BRUSSELS)


class Links(HTMLParser):
    """Every <a href> of an HTML document, with its text."""

    def __init__(self, html: str):
        super().__init__()
        self.links, self._href, self._text = [], None, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href, self._text = dict(attrs).get("href"), []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None

    @property
    def hrefs(self) -> set[str]:
        return {href for href, _ in self.links}


def parsed(message) -> email.message.EmailMessage:
    """The message as a mail client reads it: from the bytes the backend sends."""
    return email.message_from_bytes(message.message().as_bytes(), policy=policy.default)


def text_of(message) -> str:
    """The text part, its lines ended as Python writes them (SMTP sends CRLF)."""
    return parsed(message).get_body(("plain",)).get_content().replace("\r\n", "\n")


def commitment_links(hrefs) -> set[str]:
    return {href for href in hrefs if re.search(r"/commitments/\d+/$", href)}


def late_eeas_sides(day: date) -> list[CommitmentSide]:
    sides = CommitmentSide.objects.filter(owners__organisation__slug="eeas").select_related("commitment__paragraph",
                                                                                            "commitment__subparagraph")
    return [s for s in sides if s.due_state(day) in {"overdue", "stale"}]


@pytest.fixture
def digest_mail(partnership, eu_official, settings):
    settings.SITE_URL = SITE
    send_due_reminders(now=at(DIGEST_DAY))
    [message] = [m for m in mail.outbox if m.to == [eu_official.email] and "overdue for EEAS" in m.subject]
    return message


def test_the_digest_is_a_text_and_an_html_part(digest_mail):
    message = parsed(digest_mail)

    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert all(part.get_content_charset() == "utf-8" for part in message.iter_parts())


def test_the_html_part_links_to_each_overdue_commitment_on_the_configured_site(digest_mail):
    html = parsed(digest_mail).get_body(("html",)).get_content()
    links = Links(html)

    late = late_eeas_sides(DIGEST_DAY)
    assert len(late) > 10
    assert {f"{SITE}/commitments/{side.commitment_id}/" for side in late} <= links.hrefs
    side = next(s for s in late if s.commitment.ref == "14.1")
    assert (f"{SITE}/commitments/{side.commitment_id}/", f"¶14.1 {side.commitment.title}") in links.links
    assert f"¶14.1 {side.commitment.title}</a> (EU): overdue, due 19 Nov 2025" in html
    assert f"{SITE}/my-work/" in links.hrefs
    assert not [href for href in links.hrefs if not href.startswith(SITE + "/")]  # no link to another address


def test_the_digest_links_to_where_it_is_acknowledged_or_snoozed_and_to_the_choice_of_frequency(digest_mail, eu_official):
    notification = Notification.objects.get(user=eu_official, reminder__kind="digest")
    html_links = Links(parsed(digest_mail).get_body(("html",)).get_content())
    text = text_of(digest_mail)

    answer = f"{SITE}/dialogues/notifications/{notification.pk}/"
    assert (answer, "Acknowledge or snooze these reminders") in html_links.links
    assert (f"{SITE}/dialogues/notifications/digest/", "Choose how often it comes") in html_links.links
    assert answer in text and f"{SITE}/dialogues/notifications/digest/" in text


def test_the_text_part_lists_each_commitment_with_its_address(digest_mail):
    text = text_of(digest_mail)

    for side in late_eeas_sides(DIGEST_DAY):
        assert f"- {side.commitment.reference} {side.commitment.title} ({side.party.code}): " in text
        assert f"\n  {SITE}/commitments/{side.commitment_id}/\n" in text
    assert "&amp;" not in text and "<a " not in text  # plain text, not escaped HTML


def test_the_digest_keeps_its_one_message_id_and_says_how_many_are_overdue(digest_mail, eu_official):
    reminder = Reminder.objects.get(recipient=eu_official, kind="digest")
    message = parsed(digest_mail)

    assert message["Message-ID"] == f"<reminder-{reminder.pk}@tracker.example.org>"
    assert message["Subject"] == f"[EU–UK Partnership Tracker] {len(late_eeas_sides(DIGEST_DAY))} status updates overdue for EEAS"


def test_the_notification_lists_the_same_commitments_with_the_same_links(digest_mail, eu_official, client):
    client.force_login(eu_official)
    notification = Notification.objects.get(user=eu_official, reminder__kind="digest")

    listed = Links(client.get("/dialogues/notifications/").content.decode())
    mailed = Links(parsed(digest_mail).get_body(("html",)).get_content())

    commitments_mailed = {href.removeprefix(SITE) for href in commitment_links(mailed.hrefs)}
    assert len(commitments_mailed) > 10
    assert commitments_mailed == commitment_links(listed.hrefs)
    assert f"/dialogues/notifications/{notification.pk}/" in listed.hrefs
    page = Links(client.get(f"/dialogues/notifications/{notification.pk}/").content.decode())
    assert commitments_mailed <= page.hrefs


def test_an_escalation_links_to_the_commitment_it_is_about(partnership, settings):
    settings.SITE_URL = SITE
    senior = make_user("eeas-senior", organisation="eeas", email="senior@example.org")
    Organisation.objects.filter(slug="eeas").update(senior_contact=senior)
    side = CommitmentSide.objects.get(commitment__ref="14.1", party__code="EU")

    send_due_reminders(now=at(date(2025, 12, 18), 9))

    message = next(m for m in mail.outbox if m.to == ["senior@example.org"] and "Escalation: ¶14.1 (EU)" in m.subject)
    links = Links(parsed(message).get_body(("html",)).get_content())
    assert f"{SITE}/commitments/{side.commitment_id}/" in links.hrefs
    assert not [href for href in links.hrefs if "/dialogues/notifications/" in href]  # only a digest is answered


def test_a_meeting_reminder_still_links_to_its_meeting_and_has_no_list(partnership, reviewer, settings):
    from dialogues import services
    from dialogues.models import DialogueSeries

    settings.SITE_URL = SITE
    make_user("crc-official", organisation="eeas-crc", is_official=True, email="crc@example.org")
    meeting = services.meeting_create(series=DialogueSeries.objects.get(slug="crisis-response-contacts"),
                                      date=date(2026, 3, 20), place="London", by=reviewer, now=at(date(2026, 1, 5)))

    send_due_reminders(now=at(date(2026, 3, 13), 5))

    message = next(m for m in mail.outbox if "7 days to go" in m.subject)
    links = Links(parsed(message).get_body(("html",)).get_content())
    assert links.hrefs == {f"{SITE}/dialogues/meetings/{meeting.pk}/"}


@pytest.mark.parametrize("backend", ["console", "filebased"])
def test_the_mailers_of_make_run_write_each_reminder_out_whole(partnership, eu_official, settings, tmp_path, backend):
    """`make run` writes mail to the console or to files: each backend asks the message for more than its bytes."""
    out = io.StringIO()
    options = {"stream": out} if backend == "console" else {"file_path": str(tmp_path)}
    settings.MAILERS = {"default": {"BACKEND": f"django.core.mail.backends.{backend}.EmailBackend", "OPTIONS": options}}

    report = send_due_reminders(now=at(DIGEST_DAY))

    written = out.getvalue() if backend == "console" else "".join(f.read_text() for f in tmp_path.iterdir())
    assert report.sent > 10 and (report.retrying, report.failed) == (0, 0)
    reminder = Reminder.objects.get(recipient=eu_official, kind="digest")
    message = email.message_from_string(next(m for m in written.split("-" * 79) if f"<reminder-{reminder.pk}@" in m)
                                        .strip() + "\n", policy=policy.default)
    assert message["Subject"].endswith("status updates overdue for EEAS")
    assert message.get_body(("plain",)).get_content().startswith("Dear ")


def test_an_address_with_a_line_break_cannot_add_a_header_and_a_plain_one_goes_as_it_is(partnership, settings):
    make_user("eeas-plain", organisation="eeas", is_official=True, email="o'brien+sdp@example.org")
    make_user("eeas-broken", organisation="eeas", is_official=True, email="anne@example.org\r\nBcc: spy@example.org")

    send_due_reminders(now=at(DIGEST_DAY))

    by_recipient = {m.to[0]: parsed(m) for m in mail.outbox if "overdue for EEAS" in m.subject}
    assert by_recipient["o'brien+sdp@example.org"]["To"] == "o'brien+sdp@example.org"
    broken = by_recipient["anne@example.org\r\nBcc: spy@example.org"]
    assert sorted(broken.keys()) == ["Content-Type", "Date", "From", "MIME-Version", "Message-ID", "Subject", "To"]
