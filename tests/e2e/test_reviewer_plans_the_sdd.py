"""In real Chromium: a reviewer plans a Security and Defence Dialogue, builds its agenda from the proposals and
records its outcome, guidance and a follow-up action."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dialogues.models import DialogueSeries, Meeting

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def assert_no_sideways_scroll(page, screenshot, name: str):
    """At 390 px wide, as on a phone, the page scrolls down only."""
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("#proposals").scroll_into_view_if_needed()
    screenshot(name)
    page.set_viewport_size(size)


def test_a_reviewer_plans_an_sdd_sees_the_proposed_agenda_and_records_its_outcome(
    partnership, reviewer, live_server, sign_in, assert_accessible, screenshot
):
    page = sign_in(reviewer)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dialogues").click()
    assert_accessible(page)
    page.get_by_role("link", name="Security and Defence Dialogue", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Security and Defence Dialogue")
    assert_accessible(page)

    page.get_by_role("link", name="Plan a meeting").click()
    day = timezone.localdate() + timedelta(days=30)
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Place").fill("London")
    assert_accessible(page)
    page.get_by_role("button", name="Plan the meeting").click()

    expect(page.get_by_role("status").first).to_contain_text("has been planned")
    expect(page.get_by_role("heading", name="Proposed by the tracker")).to_be_visible()
    proposals = page.locator(".proposals li")
    expect(proposals.first).to_contain_text(re.compile("overdue|stale"))
    assert proposals.count() > 10  # nothing has been reported since adoption: everything is late
    expect(page.get_by_role("heading", name=re.compile(r"^Update overdue or stale \(\d+\)$"))).to_be_visible()
    assert_accessible(page)
    screenshot("sdd-proposed-agenda")
    assert_no_sideways_scroll(page, screenshot, "sdd-proposed-agenda-phone")

    proposals.nth(0).get_by_role("checkbox").check()
    proposals.nth(1).get_by_role("checkbox").check()
    page.get_by_label("Or add another item").fill("Review of the Partnership's areas (paragraph 61)")
    page.get_by_label("Or add another item").press("Enter")  # Enter adds what is ticked, not a reason's all
    expect(page.locator(".agenda li")).to_have_count(3)
    expect(page.get_by_role("status").first).to_contain_text("3 items added to the agenda.")

    # Every remaining overdue proposal at once, with the button of its reason (a plain form: no script involved).
    every_late = page.get_by_role("button", name=re.compile(r"^Add all \d+ whose update is overdue or stale$"))
    late = int(re.search(r"\d+", every_late.inner_text()).group())
    every_late.click()
    expect(page.locator(".agenda li")).to_have_count(3 + late)
    assert_accessible(page)

    # The meeting takes place: the reviewer records it as held with its outcome (dated today for the test).
    page.get_by_role("link", name=re.compile("Edit the meeting")).click()
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_label("Status").select_option("held")
    page.get_by_label("Outcome notes").fill("Both sides reviewed the first year of implementation.")
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Held")
    expect(page.get_by_text("Both sides reviewed the first year of implementation.")).to_be_visible()

    page.get_by_label("New guidance").fill("Agree dates for every standing exchange before the next Dialogue.")
    page.get_by_role("button", name="Record guidance").click()
    expect(page.locator("#guidance li")).to_have_count(1)

    page.get_by_label("Action", exact=True).fill("Propose dates for the standing exchanges")
    page.get_by_label("Owner organisation").select_option(label="EEAS (EU)")
    page.get_by_label("Due on").fill((timezone.localdate() + timedelta(days=90)).isoformat())
    page.get_by_label("Follows up guidance").select_option(index=1)
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator("#actions tbody tr")).to_have_count(1)
    assert_accessible(page)

    meeting = Meeting.objects.get(series__slug="security-and-defence-dialogue", status="held")
    assert meeting.agenda.count() == 3 + late and meeting.guidance.count() == 1 and meeting.actions.count() == 1
    series = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    assert series.next_due_on > timezone.localdate()  # the held meeting set the next one's due date

    # A milestone in the outcome: the commitment's page lists it with the meeting that set it (its next due date
    # stays the update owed since adoption, which comes first: nothing has been reported here).
    milestone_day = timezone.localdate() + timedelta(days=45)
    page.get_by_role("link", name="Set a milestone").click()
    assert_accessible(page)
    page.get_by_label("Commitment", exact=True).select_option(label="¶14.4 Continue cooperation on sanctions")
    page.get_by_label("For", exact=True).select_option(label="The UK side")
    page.get_by_label("Milestone date").fill(milestone_day.isoformat())
    page.get_by_label("What is to be done or reported by then").fill("Report on aligning the next package")
    page.get_by_role("button", name="Set the milestone").click()
    expect(page.get_by_role("status").first).to_contain_text("The milestone has been set")
    expect(page.locator("#milestones tbody tr")).to_have_count(1)
    assert_accessible(page)
    page.locator("#milestones").get_by_role("link", name="¶14.4").click()
    expect(page.get_by_role("heading", name="Milestones set at meetings")).to_be_visible()
    expect(page.get_by_text(f"{milestone_day.day} {milestone_day:%b %Y} (UK side): Report on aligning the next package")).to_be_visible()
    assert_accessible(page)
