"""In real Chromium: an administrator onboards a second partnership from its PDF (the fictional EU–Freedonia text,
built here with WeasyPrint, without its closing line): reads the preview, follows its one blocking doubt to its line
and resolves it by entering the date of adoption, imports, adds the new party's ministry, accepts the proposals
with one owner changed and one clause split, and publishes. An official of that ministry then records a status
update on one of the new commitments. Every onboarding page passes axe-core and has no sideways scroll at 390 px."""

import re
import tomllib
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from commitments.models import Commitment, StatusUpdate
from onboarding.models import Onboarding
from tests.conftest import make_user
from tests.onboarding.flow import undated_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def check(page, assert_accessible, screenshot):
    """axe-core on the page as it stands, then the same page at 390 px wide: no sideways scroll."""

    def run(name: str):
        assert_accessible(page)
        screenshot(f"onboarding-{name}")
        size = page.viewport_size
        page.set_viewport_size(PHONE)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name} scrolls sideways"
        screenshot(f"onboarding-{name}-phone")
        page.set_viewport_size(size)

    return run


def test_an_administrator_onboards_a_partnership_from_its_pdf_and_an_official_of_the_new_party_records_an_update(
        partnership, administrator, live_server, sign_in, check, tmp_path):
    page = sign_in(administrator)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Onboarding").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Onboard a partnership")
    check("index")

    # Upload the PDF: the preview shows what was read, and the one doubt that blocks the import.
    pdf = tmp_path / "eu-freedonia.pdf"
    pdf.write_bytes(undated_pdf())
    page.get_by_label("The agreement: a PDF, or its text (.txt)").set_input_files(str(pdf))
    page.get_by_role("button", name="Upload and read").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("How the text was read")
    expect(page.get_by_role("heading", name="1 doubt must be resolved before the import")).to_be_visible()
    expect(page.get_by_role("button", name="Import the text")).to_be_disabled()
    expect(page.get_by_text("Part, roman · line 37")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("European Union; Republic of Freedonia")
    page.get_by_text("Page furniture (8 lines)").click()  # the collapsed list of what was dropped opens
    expect(page.get_by_text("“ST 9876/26 2”")).to_be_visible()
    check("preview")

    page.get_by_role("link", name="Page 4, line 75").first.click()  # in the doubts, as in the dropped furniture
    expect(page.locator("#line-75")).to_contain_text("ST 9876/26 4")
    expect(page.locator("#line-73")).to_contain_text("this Partnership regularly.")
    check("lines")
    page.go_back()

    # Resolve the doubt: the date of adoption (and the place) the text does not give, and a short title.
    adopted = timezone.localdate() - timedelta(days=30)
    page.get_by_label("Date of adoption").fill(adopted.isoformat())
    page.get_by_label("Place of adoption").fill("Brussels")
    page.get_by_label("Short title").fill("EU–Freedonia Partnership")
    page.get_by_role("button", name="Read again with these").click()
    expect(page.get_by_role("status").first).to_have_text("Read again with your corrections.")
    expect(page.get_by_role("heading", name=re.compile("doubt"))).to_have_count(0)
    page.get_by_role("button", name="Import the text").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Proposed commitments")
    expect(page.get_by_role("status").first).to_contain_text("6 commitments are proposed")
    check("proposals")

    # The new party's ministry, added on the way, leads every Freedonian side; the EEAS every EU side.
    page.get_by_label("Party", exact=True).select_option("RF")
    page.get_by_label("Slug").fill("rf-mfa")
    page.get_by_label("Short name").fill("MFA")
    page.get_by_label("Name", exact=True).fill("Ministry of Foreign Affairs of Freedonia")
    page.get_by_role("button", name="Add the organisation").click()
    expect(page.get_by_role("status").first).to_contain_text("MFA (RF) has been added")
    for organisation in ("MFA (RF)", "EEAS (EU)"):
        page.get_by_label("Organisation", exact=True).select_option(label=organisation)
        page.get_by_role("button", name="Make it lead where none does").click()
        expect(page.get_by_role("status").first).to_contain_text("It now leads")
    expect(page.locator(".no-lead")).to_have_count(0)

    # One owner changed: on ¶3.1 the HR/VP leads for the EU, the EEAS supports.
    page.get_by_role("link", name="Edit ¶3.1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit ¶3.1")
    page.get_by_label(re.compile(r"^HR/VP \(")).select_option("lead")
    page.get_by_label(re.compile(r"^EEAS \(European External")).select_option("supporting")
    check("edit")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_have_text("¶3.1 has been saved.")
    first = page.locator("article", has=page.get_by_role("heading", name=re.compile(r"^¶3\.1 ")))
    expect(first).to_contain_text("lead HR/VP; supporting EEAS")

    # One clause split: ¶4(b)'s two sentences become two commitments, each quoting its own.
    page.get_by_role("link", name="Split ¶4(b)").click()
    page.get_by_label(re.compile("‖ Joint training courses")).check()
    check("split")
    page.get_by_role("button", name="Split", exact=True).click()
    expect(page.get_by_role("status").first).to_have_text("Split into ¶4(b).1 and ¶4(b).2.")
    expect(page.locator("blockquote.clause", has_text="Joint training courses will be held annually.")).to_have_count(1)

    page.get_by_role("button", name="Publish the commitments").click()
    expect(page.get_by_role("status").first).to_contain_text("7 commitments are published")
    check("published")
    onboarding = Onboarding.objects.get()
    toml = page.request.get(f"{live_server.url}/onboarding/{onboarding.pk}/commitments.toml").text()
    assert [entry["ref"] for entry in tomllib.loads(toml)["commitment"]] == ["3.1", "3.2", "4a", "4b.1", "4b.2", "5.1", "6.1"]

    # An official of the new ministry records an update on one of its commitments.
    official = make_user("rf-official", organisation="rf-mfa", is_official=True)
    target = Commitment.objects.get(paragraph__partnership__slug="eufreedonia-partnership", ref="3.1")
    page.context.clear_cookies()
    page = sign_in(official)
    page.goto(f"{live_server.url}{target.get_absolute_url()}")
    page.get_by_role("link", name="Record an update for the RF side").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record an update: RF side")
    page.get_by_label("In progress").check()
    page.get_by_label("Progress note").fill("The first consultations on maritime security are being prepared.")
    page.get_by_role("button", name="Record update").click()
    expect(page.get_by_role("status").first).to_contain_text("Your update to ¶3.1 (RF) has been recorded.")
    update = StatusUpdate.objects.get(commitment=target)
    assert (update.side.party.code, update.status, update.created_by) == ("RF", "in_progress", official)

    # The portfolio, for the EEAS: both partnerships, the new one with its seven commitments, one of them in progress.
    page.context.clear_cookies()
    page = sign_in(administrator)
    page.goto(f"{live_server.url}/portfolio/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Portfolio of partnerships")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="EU–Freedonia Partnership")).to_contain_text("7")
    expect(rows.filter(has_text="EU–UK")).to_be_visible()
    check("portfolio")
