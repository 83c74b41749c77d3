"""In real Chromium: an official opens the overdue digest among their notifications, follows it to its page,
acknowledges one commitment and snoozes another, and chooses a weekly digest; at a phone's width too."""

import re
from datetime import datetime, time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dialogues.models import ChaseHold, DigestPreference, Notification
from dialogues.reminders import send_due_reminders

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_an_official_answers_the_digest_and_chooses_a_weekly_one(partnership, eu_official, sign_in, assert_accessible,
                                                                  screenshot):
    # Nothing has been reported since adoption: by now the EEAS has commitments overdue, and today's digest is due.
    send_due_reminders(now=timezone.make_aware(datetime.combine(timezone.localdate(), time(12))))
    digest = Notification.objects.get(user=eu_official, reminder__kind="digest")
    first, second = digest.reminder.items[:2]

    page = sign_in(eu_official)
    page.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    card = page.locator(".notifications > li", has_text=digest.title)
    card.get_by_text(f"{len(digest.reminder.items)} commitments").click()  # the list opens
    expect(card.get_by_role("link", name=f"{first['reference']} {first['title']}")).to_have_attribute("href", first["link"])
    assert_accessible(page)

    card.get_by_role("link", name=re.compile("^Acknowledge or snooze")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(digest.title)
    assert_accessible(page)
    page.locator(f"#side-{first['side']}").get_by_role("button", name=re.compile("^Acknowledge")).click()
    expect(page.get_by_role("status").first).to_contain_text("Acknowledged: not chased again until the next due date.")
    expect(page.locator(f"#side-{first['side']}")).to_contain_text("Acknowledged")
    page.locator(f"#side-{second['side']}").get_by_role("button", name=re.compile("^Snooze a week")).click()
    expect(page.locator(f"#side-{second['side']}")).to_contain_text("Snoozed until")
    assert ChaseHold.objects.filter(user=eu_official).count() == 2

    page.set_viewport_size(PHONE)
    assert fits(page)
    assert_accessible(page)
    screenshot("digest-acknowledge-or-snooze-phone")

    page.get_by_role("link", name="All notifications").click()
    assert fits(page)
    screenshot("notifications-phone")
    page.go_back()

    page.get_by_role("link", name="Choose a daily or weekly digest").click()
    expect(page.get_by_role("radio", name=re.compile("^Daily"))).to_be_checked()
    page.get_by_role("radio", name=re.compile("^Weekly")).check()
    page.get_by_role("button", name="Save my choice").click()
    expect(page.get_by_role("status").first).to_contain_text("Your choice has been saved.")
    expect(page.get_by_role("radio", name=re.compile("^Weekly"))).to_be_checked()
    assert fits(page)
    assert_accessible(page)
    assert DigestPreference.objects.get(user=eu_official).frequency == "weekly"
