"""In real Chromium: a form with several mistakes says all of them in one round, in a summary that takes focus, each
linking to its field, and the page's title begins "Error:" (the GOV.UK error summary)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from commitments.models import Commitment, StatusUpdate

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_three_mistakes_on_the_update_form_are_three_messages_at_once_in_a_focused_summary(
    partnership, eu_official, live_server, sign_in, assert_accessible
):
    target = Commitment.objects.get(ref="14.1")
    page = sign_in(eu_official)
    page.goto(f"{live_server.url}/commitments/{target.pk}/update/EU/")
    page.get_by_label("Delayed").check()  # and no note: one
    page.get_by_label("True as of").fill((timezone.localdate() + timedelta(days=3)).isoformat())  # in the future: two
    page.get_by_label("Evidence 1: title").fill("Minutes")
    page.get_by_label("Evidence 1: address").fill("not a link")  # three
    page.get_by_role("button", name="Record update").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title("Error: Update ¶14.1 (EU) · EU–UK Partnership Tracker")
    messages = summary.get_by_role("listitem")
    expect(messages).to_have_count(3)
    expect(messages.nth(0)).to_contain_text("Progress note: Explain why the status is “delayed”")
    expect(messages.nth(1)).to_contain_text("True as of:")
    expect(messages.nth(2)).to_contain_text("Evidence 1: address: Enter an http:// or https:// address.")
    assert not StatusUpdate.objects.exists()
    assert_accessible(page)

    summary.get_by_role("link", name="True as of", exact=False).click()
    expect(page.get_by_label("True as of")).to_be_focused()
