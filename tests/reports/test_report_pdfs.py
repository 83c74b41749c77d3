"""The report PDFs are prepared in the background and kept: the reader waits on a page that refreshes itself; the
same report asked again, with nothing recorded since, is served from storage to every reader whose rights give the
same file; a PDF showing OFFICIAL-SENSITIVE notes is served only to readers who may read every one of them.

14.1's sides are owned by the EEAS (EU) and the FCDO (UK): their officials read its sensitive notes, as reviewers
and administrators do; analysts and the EDA's officials do not."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from agreement.models import Organisation
from commitments.models import Commitment
from commitments.services import commitment_update_status
from dialogues import services as dialogue_services
from dialogues.models import DialogueSeries
from reports.models import GeneratedPdf
from reports.pdfs import pdf_render, pdf_sweep
from tests.conftest import make_user
from tests.dialogues.conftest import broker_unreachable

pytestmark = pytest.mark.django_db
State = GeneratedPdf.State
SENSITIVE_NOTE = "The venue is disputed."


def record(official, side, note, *, marking="OFFICIAL", ref="14.1"):
    commitment = Commitment.objects.get(ref=ref)
    return commitment_update_status(commitment=commitment, party_code=side, status="at_risk", note=note,
                                    as_of=timezone.localdate(), marking=marking, by=official,
                                    expected_version=commitment.version)


@pytest.fixture
def sensitive(partnership, eu_official):
    eu_official.first_name, eu_official.last_name = "Eleanor", "Vance"
    eu_official.save()
    return record(eu_official, "EU", SENSITIVE_NOTE, marking="OFFICIAL-SENSITIVE")


def ask(client, name, **query):
    return client.get(reverse(f"reports:{name}", args=["pdf"]), query)


def pdf_id(response) -> int:
    """The PDF a redirect to its waiting page names (/reports/pdf/<id>/)."""
    assert response.status_code == 302, response.status_code
    return int(response["Location"].rstrip("/").rsplit("/", 1)[1])


def waiting_page(client, pk):
    return client.get(reverse("reports:pdf_status", args=[pk]))


def download(client, pk):
    return client.get(reverse("reports:pdf_file", args=[pk]))


def text_of(content: bytes) -> str:
    """Every page's text, its line breaks as spaces (a long cell wraps where its column ends)."""
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def rendered(client, name, **query) -> str:
    """Ask for the report, render it as the worker would, download it as the reader: its text."""
    pk = pdf_id(ask(client, name, **query))
    assert pdf_render(pk)
    response = download(client, pk)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    return text_of(response.content)


def test_a_report_pdf_is_prepared_while_the_reader_waits_then_served_from_storage(client, analyst, partnership):
    client.force_login(analyst)
    pk = pdf_id(ask(client, "commitments", area="cyber-issues"))
    waiting = waiting_page(client, pk)
    assert waiting.status_code == 200 and waiting["Refresh"] == "2"
    page = waiting.content.decode()
    assert "The PDF is being prepared" in page
    # Back to the list it came from, of the partnership it was asked for (the background cannot read the session).
    assert f'href="{reverse("commitments:list")}?area=cyber-issues&amp;partnership={partnership.slug}"' in page
    assert pdf_id(ask(client, "commitments", area="cyber-issues")) == pk  # asked again while waiting: the same job

    assert pdf_render(pk)
    ready = waiting_page(client, pk)
    assert "Refresh" not in ready and "The PDF is ready" in ready.content.decode()
    assert f'href="{reverse("reports:pdf_file", args=[pk])}"' in ready.content.decode()
    text = text_of(download(client, pk).content)
    assert "Commitments" in text and "Area: Cyber issues" in text and "OFFICIAL" in text
    for commitment in Commitment.objects.filter(paragraph__area__slug="cyber-issues"):
        assert commitment.reference in text

    again = ask(client, "commitments", area="cyber-issues")  # nothing recorded since: the stored file at once
    assert (again.status_code, again["Content-Type"]) == (200, "application/pdf")
    assert again["Content-Disposition"] == f'attachment; filename="commitments-{timezone.localdate():%Y-%m-%d}.pdf"'
    assert GeneratedPdf.objects.get().attempts == 1


def test_the_same_report_is_one_file_for_every_reader_and_for_the_order_of_its_filters(
        client, analyst, reviewer, eda_official, partnership):
    asked = []
    for user, query in ((analyst, {"area": "cyber-issues", "strength": "firm"}),
                        (reviewer, {"strength": "firm", "area": "cyber-issues", "page": "2"}),
                        (eda_official, {"strength": "firm", "area": "cyber-issues"})):
        client.force_login(user)  # each sign-in is audited: it changes nothing a report shows
        asked.append(pdf_id(ask(client, "commitments", **query)))
    assert len(set(asked)) == 1 and GeneratedPdf.objects.count() == 1

    client.force_login(analyst)
    assert pdf_id(ask(client, "commitments", area="cyber-issues")) != asked[0]  # other filters: another report
    assert GeneratedPdf.objects.count() == 2


def test_the_commitment_pdf_is_in_the_order_the_list_is_sorted_in(client, analyst, partnership):
    client.force_login(analyst)
    shown = [r.commitment.reference for r in client.get(reverse("commitments:list"),
                                                       {"area": "cyber-issues", "sort": "-title"}).context["rows"]]
    assert shown != [c.reference for c in Commitment.objects.filter(paragraph__area__slug="cyber-issues")
                     .order_by("paragraph__number", "position")]  # the sort reorders this area
    text = rendered(client, "commitments", area="cyber-issues", sort="-title")
    assert [text.index(f"{ref} ") for ref in shown] == sorted(text.index(f"{ref} ") for ref in shown)
    in_document_order = pdf_id(ask(client, "commitments", area="cyber-issues"))
    assert GeneratedPdf.objects.exclude(pk=in_document_order).count() == 1  # another order: another file


def test_an_update_recorded_since_makes_a_new_pdf(client, analyst, eu_official, partnership):
    client.force_login(analyst)
    first = pdf_id(ask(client, "overview"))
    assert pdf_render(first)
    record(eu_official, "EU", "Exchanges resumed.")
    second = pdf_id(ask(client, "overview"))
    assert second != first
    assert GeneratedPdf.objects.get(pk=first).state == State.READY  # the older one stays until the sweep


def test_the_history_pdf_shows_sensitive_notes_to_those_who_may_read_them_and_names_people(
        client, sensitive, analyst, reviewer, eu_official, uk_official, partnership):
    record(uk_official, "UK", "Ministers met.")
    texts = {}
    for user in (analyst, reviewer):
        client.force_login(user)
        texts[user.username] = rendered(client, "history_export", ref="14.1")
    assert SENSITIVE_NOTE in texts["reviewer-1"]
    assert SENSITIVE_NOTE not in texts["analyst-1"] and "Withheld: OFFICIAL-SENSITIVE" in texts["analyst-1"]
    for text in texts.values():
        assert "Eleanor Vance" in text and "eu-official" not in text  # a person by name
        assert "uk-official" in text  # …or by user name where they have none
        assert "analyst-1" not in text and "reviewer-1" not in text  # a shared copy names no reader
    assert GeneratedPdf.objects.count() == 2


def test_readers_with_the_same_rights_share_the_history_pdf(client, sensitive, reviewer, administrator, eu_official,
                                                            partnership):
    colleague = make_user("eeas-colleague", organisation="eeas", is_official=True)
    asked = {}
    for user in (reviewer, administrator, eu_official, colleague):
        client.force_login(user)
        asked[user.username] = pdf_id(ask(client, "history_export"))
    assert asked["reviewer-1"] == asked["admin-1"]  # both read every note
    assert asked["eu-official"] == asked["eeas-colleague"]  # the EEAS's notes
    assert asked["reviewer-1"] != asked["eu-official"]


@pytest.fixture
def eeas_pdf(client, sensitive, eu_official) -> int:
    """The history PDF as an EEAS official asked for it: it may show the notes of what the EEAS owns."""
    client.force_login(eu_official)
    pk = pdf_id(ask(client, "history_export"))
    client.logout()
    return pk


@pytest.mark.parametrize(("persona", "expected"), [
    ("anonymous", 302), ("outsider", 403), ("analyst", 404), ("eda_official", 404), ("uk_official", 404),
    ("eu_official", 200), ("colleague", 200), ("reviewer", 200), ("administrator", 200),
])
def test_a_pdf_is_served_only_to_readers_who_may_read_every_note_it_may_show(
        client, request, eeas_pdf, persona, expected):
    """The FCDO's officials read 14.1's notes too, but not every EEAS commitment's: the EEAS's copy is not theirs."""
    if persona == "colleague":
        client.force_login(make_user("eeas-colleague", organisation="eeas", is_official=True))
    elif persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    assert waiting_page(client, eeas_pdf).status_code == expected
    assert pdf_render(eeas_pdf)
    answer = download(client, eeas_pdf)
    assert answer.status_code == expected
    if expected == 200:
        assert SENSITIVE_NOTE in text_of(answer.content)


def test_a_reader_whose_rights_change_loses_the_pdf_built_with_the_old_ones(client, eeas_pdf, eu_official):
    client.force_login(eu_official)
    assert waiting_page(client, eeas_pdf).status_code == 200
    eu_official.organisation = Organisation.objects.get(slug="eda")
    eu_official.save()
    assert waiting_page(client, eeas_pdf).status_code == 404
    assert download(client, eeas_pdf).status_code == 404


def test_a_pdf_that_shows_no_note_is_anyones_with_a_role(client, sensitive, analyst, eda_official, partnership):
    client.force_login(analyst)
    pk = pdf_id(ask(client, "history_export"))
    client.force_login(eda_official)
    assert waiting_page(client, pk).status_code == 200


def test_the_changes_pdf_withholds_notes_as_the_history_does(client, sensitive, analyst, reviewer, partnership):
    since = (timezone.localdate() - timedelta(days=30)).isoformat()
    client.force_login(analyst)
    text = rendered(client, "changes", since=since)
    assert "Changes from" in text and "Withheld: OFFICIAL-SENSITIVE" in text and SENSITIVE_NOTE not in text
    client.force_login(reviewer)
    assert SENSITIVE_NOTE in rendered(client, "changes", since=since)


def test_the_progress_report_pdf_has_its_charts_and_tables(client, analyst, partnership):
    client.force_login(analyst)
    text = rendered(client, "overview")
    assert "Progress by area and by owner organisation" in text
    assert "Maritime Security" in text and "European External Action Service" in text
    assert "Status of commitments" in text


def test_filters_that_are_not_valid_are_refused_before_anything_is_queued(client, analyst, partnership):
    client.force_login(analyst)
    assert ask(client, "commitments", strength="bogus").status_code == 400
    assert ask(client, "history_export", recorded_from="2025-13-45").status_code == 400
    assert ask(client, "changes", since="2099-01-01").status_code == 400
    assert ask(client, "overview", as_of="1999-01-01").status_code == 400
    assert client.get("/reports/overview.docx").status_code == 404
    assert not GeneratedPdf.objects.exists()


def test_a_failed_pdf_says_so_and_the_reader_can_ask_again(client, analyst, partnership):
    client.force_login(analyst)
    pk = pdf_id(ask(client, "overview", as_of="2025-12-31"))
    GeneratedPdf.objects.filter(pk=pk).update(state=State.FAILED, error="WeasyPrint ran out of memory")
    page = waiting_page(client, pk).content.decode()
    assert "The PDF could not be prepared" in page and "WeasyPrint" not in page
    again = f'{reverse("reports:overview", args=["pdf"])}?as_of=2025-12-31&partnership={partnership.slug}'
    assert f'href="{again.replace("&", "&amp;")}"' in page and "Ask for the PDF again" in page
    assert pdf_id(client.get(again)) == pk  # the same key: the same row, queued again
    assert GeneratedPdf.objects.get(pk=pk).state == State.QUEUED


def test_with_the_broker_unreachable_the_reader_waits_and_the_sweep_renders_the_pdf(
        client, analyst, partnership, django_capture_on_commit_callbacks):
    client.force_login(analyst)
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        pk = pdf_id(ask(client, "commitments"))
        assert waiting_page(client, pk).status_code == 200
        assert pdf_sweep(now=timezone.now() + timedelta(seconds=40))["rendered"] == 1
    assert GeneratedPdf.objects.get(pk=pk).state == State.READY


def test_report_pdfs_go_after_a_day_and_a_held_meetings_pack_pdf_stays(client, analyst, reviewer, partnership):
    client.force_login(analyst)
    report = pdf_id(ask(client, "commitments"))
    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    held = dialogue_services.meeting_create(series=sdd, date=date(2026, 5, 20), place="Brussels", status="held",
                                            by=reviewer)
    client.force_login(reviewer)
    pack = pdf_id(client.get(reverse("packs:pdf", args=[held.pk])))
    assert pdf_sweep(now=timezone.now() + timedelta(hours=23))["deleted"] == 0
    assert pdf_sweep(now=timezone.now() + timedelta(hours=25))["deleted"] == 1
    assert list(GeneratedPdf.objects.values_list("pk", flat=True)) == [pack]
    assert report != pack


def test_report_and_pack_pdfs_are_each_served_only_at_their_own_address(client, reviewer, partnership):
    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    held = dialogue_services.meeting_create(series=sdd, date=date(2026, 5, 20), place="Brussels", status="held",
                                            by=reviewer)
    client.force_login(reviewer)
    pack = pdf_id(client.get(reverse("packs:pdf", args=[held.pk])))
    report = pdf_id(ask(client, "commitments"))
    assert waiting_page(client, pack).status_code == 404
    assert client.get(reverse("packs:pdf_status", args=[held.pk, report])).status_code == 404
    for number in (report + 1000, 2**70):
        assert waiting_page(client, number).status_code == 404
        assert download(client, number).status_code == 404


@pytest.mark.parametrize("url", [
    "/reports/overview.pdf?partnership=%00", "/reports/commitments.pdf?q=%00", "/reports/history.pdf?ref=%00",
    "/reports/changes.pdf?since=2025-06-01&partnership=x%00", "/reports/history.pdf?commitment=99999999999999999999",
    "/reports/overview.pdf?as_of=2025-06-01&as_of=%00", "/reports/commitments.pdf?area=%00", "/reports/pdf/0/",
])
def test_hostile_values_are_refused_without_a_server_error_and_queue_nothing(client, analyst, partnership, url):
    client.force_login(analyst)
    assert client.get(url).status_code in {400, 404}
    assert not GeneratedPdf.objects.exists()
