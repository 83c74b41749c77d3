"""In real Chromium: sign in, read the Partnership, follow a paragraph to its commitment."""

import re

import pytest
from playwright.sync_api import expect

from commitments.models import Commitment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_official_reads_the_partnership_and_follows_a_paragraph_to_its_commitment(
    partnership, eu_official, sign_in, assert_accessible, screenshot
):
    page = sign_in(eu_official)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Partnership").click()
    page.get_by_role("link", name=partnership.short_title).click()
    expect(page).to_have_url(re.compile(f"/partnerships/{partnership.slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("EU–UK Security and Defence Partnership")
    assert_accessible(page)

    page.get_by_role("navigation", name="Contents").get_by_role("link", name="Cyber issues", exact=True).click()
    expect(page).to_have_url(re.compile("#area-cyber-issues$"))
    expect(page.locator("#p31")).to_be_visible()  # the area's fold opens; the others stay folded
    expect(page.locator("#p19")).not_to_be_visible()

    page.locator("summary", has_text="Peace building and crisis management").click()
    paragraph = page.locator("#p19")
    expect(paragraph).to_contain_text("EEAS Crisis Response Centre and the FCDO Crisis Management Department")
    commitment = Commitment.objects.get(ref="19.1")
    paragraph.get_by_role("link", name=re.compile(commitment.title)).click()

    expect(page).to_have_url(re.compile(f"/commitments/{commitment.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(commitment.title)
    expect(page.locator("mark")).to_contain_text("will establish regular contacts")
    expect(page.get_by_text("EEAS Crisis Response Centre (lead)")).to_be_visible()
    assert_accessible(page)
    screenshot("commitment-page")

    page.get_by_role("link", name="Paragraph 19").click()
    expect(page).to_have_url(re.compile("#p19$"))


def test_an_analyst_filters_the_commitment_list(partnership, analyst, sign_in, assert_accessible):
    page = sign_in(analyst)
    page.get_by_role("link", name="Commitments", exact=True).click()
    page.get_by_label("Area").select_option(label="Maritime Security")
    page.get_by_label("Binds side").select_option("UK")
    page.get_by_role("button", name="Apply").click()
    expected = Commitment.objects.filter(paragraph__area__slug="maritime-security", sides__party__code="UK").count()
    expect(page.get_by_role("status")).to_contain_text(f"{expected} commitment")
    expect(page.locator("tbody tr")).to_have_count(expected)
    assert_accessible(page)
