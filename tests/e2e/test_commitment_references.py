"""In real Chromium, on a phone held upright: a commitment's page shows what governs it and what it is linked to, a
link leads to the other end, which shows it too, and an instrument leads to the reference list."""

import re

import pytest
from playwright.sync_api import expect

from commitments.models import Commitment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def fits_the_screen(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_an_analyst_follows_a_link_to_its_other_end_and_an_instrument_to_the_list(
    partnership, analyst, live_server, sign_in, assert_accessible, screenshot
):
    page = sign_in(analyst)
    page.set_viewport_size(PHONE)
    consultations, dialogue = Commitment.objects.get(ref="12d"), Commitment.objects.get(ref="12c")
    page.goto(live_server.url + consultations.get_absolute_url())

    links = page.get_by_role("region", name="Linked commitments and dialogues")
    expect(links).to_contain_text("Depends on")
    expect(links.get_by_role("link", name="Working-level consultations")).to_be_visible()
    expect(page.get_by_text("Territorial scope in line with TCA article 774")).to_be_visible()
    assert fits_the_screen(page)
    assert_accessible(page)
    screenshot("commitment-links-phone")

    links.get_by_role("link", name=re.compile(re.escape(dialogue.title))).click()
    expect(page).to_have_url(re.compile(f"/commitments/{dialogue.pk}/$"))
    other_end = page.get_by_role("region", name="Linked commitments and dialogues")
    expect(other_end.get_by_role("listitem").filter(has_text="Needed by").first).to_be_visible()
    expect(other_end.get_by_role("link", name=re.compile(re.escape(consultations.title)))).to_be_visible()

    situational = Commitment.objects.get(ref="46.1")
    page.goto(live_server.url + situational.get_absolute_url())
    expect(page.get_by_text("Under the Security of Information Agreement")).to_be_visible()
    page.get_by_role("link", name="Security of Information Agreement", exact=True).click()
    expect(page).to_have_url(re.compile(r"/commitments/instruments/\?partnership=eu-uk-sdp-2025#security-of-information-agreement$"))
    card = page.locator("#security-of-information-agreement")
    expect(card.get_by_role("link", name=re.compile(re.escape(situational.title)))).to_be_visible()
    assert fits_the_screen(page)
    assert_accessible(page)
