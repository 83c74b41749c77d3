"""The briefing pack PDF is prepared in the background and kept: a held meeting's PDF is rendered once per set of
readable notes and then served from storage; a planned meeting's is made for its requester; the page that waits for
it refreshes itself; the sweep renders what the broker never delivered and what a killed worker left.

Meetings from the `cycle` fixture (tests/dialogues/conftest.py): the SDD planned for 20 May 2027, whose pack holds an
OFFICIAL-SENSITIVE note on 14.1 (sides owned by eeas and fcdo). Held here on 5 October 2026, its pack is frozen."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments.status import Status
from dialogues import services
from reports.models import GeneratedPdf
from reports.pdfs import pdf_claim, pdf_render, pdf_sweep
from tests.conftest import at_once, make_user
from tests.dialogues.conftest import SENSITIVE_NOTE, at, pdf_id, pdf_text, record

pytestmark = pytest.mark.django_db
State = GeneratedPdf.State
TITLE = "Briefing pack: Security and Defence Dialogue, 05 October 2026"


@pytest.fixture
def held(cycle, reviewer):
    meeting = cycle["next"]
    services.meeting_update(meeting=meeting, expected_version=meeting.version, date=date(2026, 10, 5), status="held",
                            by=reviewer, now=at(date(2026, 10, 5)))
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def mod_official(partnership):
    """An official at the MoD: it takes part in the SDD but owns no side of 14.1."""
    return make_user("mod-official", organisation="mod", is_official=True)


def ask(client, meeting):
    return client.get(reverse("packs:pdf", args=[meeting.pk]))


def status_page(client, meeting, pk):
    return client.get(reverse("packs:pdf_status", args=[meeting.pk, pk]))


def test_a_held_meetings_pdf_is_rendered_once_then_served_from_storage(client, held, reviewer, administrator):
    client.force_login(reviewer)
    first = ask(client, held)
    pk = pdf_id(first)
    assert first["Location"] == f"/dialogues/meetings/{held.pk}/pack/pdf/{pk}/"
    assert pdf_render(pk)

    again = ask(client, held)
    assert (again.status_code, again["Content-Type"]) == (200, "application/pdf")
    assert again["Content-Disposition"] == 'attachment; filename="briefing-pack-2026-10-05.pdf"'
    assert TITLE in pdf_text(again.content) and SENSITIVE_NOTE in pdf_text(again.content)
    client.force_login(administrator)  # the same rights: the same PDF
    assert ask(client, held).content == again.content
    pdf = GeneratedPdf.objects.get()
    assert (pdf.state, pdf.attempts, pdf.reusable) == (State.READY, 1, True)
    assert pdf.key.startswith(f"briefing-pack:meeting-{held.pk}:pack-{held.frozen_pack.pk}:sensitive-")


def test_the_variant_follows_the_notes_the_reader_may_read(client, held, uk_official, mod_official, analyst):
    """fcdo owns a side of 14.1 and reads its sensitive note; the MoD does not, and shares the analyst's variant."""
    texts = {}
    for user in (uk_official, mod_official, analyst):
        client.force_login(user)
        response = ask(client, held)
        if response.status_code == 302:
            assert pdf_render(pdf_id(response))
            response = ask(client, held)
        texts[user.username] = pdf_text(response.content)
    assert SENSITIVE_NOTE in texts["uk-official"]
    assert SENSITIVE_NOTE not in texts["mod-official"] and "Note withheld" in texts["mod-official"]
    assert texts["analyst-1"] == texts["mod-official"]
    assert GeneratedPdf.objects.count() == 2  # the analyst was served the MoD official's, rendered before
    readable = sorted(len(p.params["readable"]) for p in GeneratedPdf.objects.all())
    assert readable == [0, 1]


def test_a_live_pack_waits_on_a_page_that_refreshes_itself_then_offers_the_download(client, cycle, reviewer):
    meeting = cycle["next"]
    client.force_login(reviewer)
    pk = pdf_id(ask(client, meeting))
    waiting = status_page(client, meeting, pk)
    assert waiting.status_code == 200 and waiting["Refresh"] == "2"
    assert "The PDF is being prepared" in waiting.content.decode()
    assert pdf_id(ask(client, meeting)) == pk  # asked again before it started: the same job, not a second render

    report = pdf_sweep(now=timezone.now() + timedelta(minutes=1))
    assert report == {"requeued": 0, "abandoned": 0, "deleted": 0, "rendered": 1}
    ready = status_page(client, meeting, pk)
    assert "Refresh" not in ready and "The PDF is ready" in ready.content.decode()
    download = reverse("packs:pdf_file", args=[meeting.pk, pk])
    assert f'href="{download}"' in ready.content.decode()
    assert "Briefing pack: Security and Defence Dialogue, 20 May 2027" in pdf_text(client.get(download).content)

    assert pdf_id(ask(client, meeting)) != pk  # the pack moves with every update: a new request, a new PDF
    assert GeneratedPdf.objects.filter(reusable=False).count() == 2


def test_a_pdf_asked_for_before_the_meeting_was_held_stays_its_requesters(client, cycle, reviewer):
    meeting = cycle["next"]
    client.force_login(reviewer)
    pk = pdf_id(ask(client, meeting))
    services.meeting_update(meeting=meeting, expected_version=meeting.version, date=date(2026, 10, 5), status="held",
                            by=reviewer, now=at(date(2026, 10, 5)))
    assert pdf_render(pk)
    assert "The PDF is ready" in status_page(client, meeting, pk).content.decode()
    assert TITLE in pdf_text(client.get(reverse("packs:pdf_file", args=[meeting.pk, pk])).content)


@pytest.mark.django_db(transaction=True)
def test_a_job_is_claimed_once_when_two_claims_race():
    pdf = GeneratedPdf.objects.create(kind="briefing-pack", key="race", filename="race.pdf", requested_at=timezone.now())
    results = at_once(lambda: pdf_claim(pdf.pk, now=timezone.now()))
    assert sorted(results) == [False, True]
    pdf.refresh_from_db()
    assert (pdf.state, pdf.attempts) == (State.RENDERING, 1)


def test_with_the_broker_unreachable_the_request_answers_and_the_sweep_renders_the_job(
    client, cycle, reviewer, unreachable_broker, django_capture_on_commit_callbacks, caplog
):
    meeting = cycle["next"]
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True) as published:
        response = ask(client, meeting)
    assert len(published) == 1 and "Could not publish the render of PDF" in caplog.text
    pk = pdf_id(response)
    assert status_page(client, meeting, pk).status_code == 200
    assert GeneratedPdf.objects.get(pk=pk).state == State.QUEUED

    assert pdf_sweep(now=timezone.now() + timedelta(seconds=10))["rendered"] == 0  # the task may still come
    assert pdf_sweep(now=timezone.now() + timedelta(seconds=40))["rendered"] == 1
    assert GeneratedPdf.objects.get(pk=pk).state == State.READY


def test_a_job_stuck_rendering_is_queued_again_after_its_timeout_and_rendered(cycle, reviewer):
    pdf = GeneratedPdf.objects.create(kind="briefing-pack", key="stuck", filename="stuck.pdf", requested_by=reviewer,
                                      params={"meeting": cycle["next"].pk}, requested_at=timezone.now())
    claimed_at = timezone.now()
    assert pdf_claim(pdf.pk, now=claimed_at)  # and the worker was killed

    assert pdf_sweep(now=claimed_at + timedelta(minutes=9))["requeued"] == 0
    assert GeneratedPdf.objects.get(pk=pdf.pk).state == State.RENDERING
    report = pdf_sweep(now=claimed_at + timedelta(minutes=11))
    assert (report["requeued"], report["rendered"]) == (1, 1)
    pdf.refresh_from_db()
    assert (pdf.state, pdf.attempts) == (State.READY, 2)
    assert "Briefing pack: Security and Defence Dialogue, 20 May 2027" in pdf_text(bytes(pdf.content))


def test_a_job_that_never_finishes_fails_and_the_reader_can_ask_again(client, held, reviewer):
    client.force_login(reviewer)
    pk = pdf_id(ask(client, held))
    started = timezone.now()
    # Its worker was killed on each of its three attempts.
    GeneratedPdf.objects.filter(pk=pk).update(state=State.RENDERING, attempts=3, started_at=started)
    assert pdf_sweep(now=started + timedelta(minutes=11)) == {"requeued": 0, "abandoned": 1, "deleted": 0, "rendered": 0}
    page = status_page(client, held, pk)
    assert "Refresh" not in page and "The PDF could not be prepared" in page.content.decode()
    assert f'href="{reverse("packs:pdf", args=[held.pk])}"' in page.content.decode()
    assert "Ask for the PDF again" in page.content.decode()

    assert pdf_id(ask(client, held)) == pk  # the same key: the same row, queued again
    assert GeneratedPdf.objects.get(pk=pk).state == State.QUEUED and pdf_render(pk)
    assert ask(client, held)["Content-Type"] == "application/pdf"


def test_one_off_pdfs_go_after_a_day_and_reusable_ones_stay(client, cycle, held, reviewer):
    client.force_login(reviewer)
    frozen_pk = pdf_id(ask(client, held))
    live = GeneratedPdf.objects.create(kind="briefing-pack", key="live", filename="live.pdf", requested_by=reviewer,
                                       state=State.READY, requested_at=timezone.now())
    assert pdf_sweep(now=timezone.now() + timedelta(hours=23))["deleted"] == 0
    assert pdf_sweep(now=timezone.now() + timedelta(hours=25))["deleted"] == 1
    assert list(GeneratedPdf.objects.values_list("pk", flat=True)) == [frozen_pk]
    assert not GeneratedPdf.objects.filter(pk=live.pk).exists()


@pytest.fixture
def reviewers_live_pdf(client, cycle, reviewer) -> tuple:
    client.force_login(reviewer)
    pk = pdf_id(ask(client, cycle["next"]))
    client.logout()
    return cycle["next"], pk


@pytest.mark.parametrize(("persona", "expected"), [
    ("anonymous", 302), ("outsider", 403), ("eda_official", 403), ("analyst", 404), ("uk_official", 404),
    ("reviewer", 200),
])
def test_only_the_requester_sees_a_live_packs_pdf(client, request, reviewers_live_pdf, persona, expected):
    meeting, pk = reviewers_live_pdf
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    assert status_page(client, meeting, pk).status_code == expected
    download = client.get(reverse("packs:pdf_file", args=[meeting.pk, pk]))
    assert download.status_code == (302 if expected == 200 else expected)  # the requester: not ready yet, back to wait


@pytest.mark.parametrize(("persona", "expected"), [
    ("outsider", 403), ("eda_official", 403), ("mod_official", 200), ("uk_official", 404), ("reviewer", 404),
])
def test_a_held_packs_pdf_is_for_readers_whose_rights_give_its_key(client, request, held, analyst, persona, expected):
    """The analyst's variant holds no sensitive note: the MoD official may have it; the UK official and the reviewer,
    who read 14.1's note, have another."""
    client.force_login(analyst)
    pk = pdf_id(ask(client, held))
    client.force_login(request.getfixturevalue(persona))
    assert status_page(client, held, pk).status_code == expected


def test_an_unknown_or_foreign_pdf_is_not_found(client, cycle, held, reviewer):
    client.force_login(reviewer)
    pk = pdf_id(ask(client, held))
    for meeting, number in ((cycle["first"], pk), (held, pk + 1000), (held, 2**70)):
        assert status_page(client, meeting, number).status_code == 404
        assert client.get(reverse("packs:pdf_file", args=[meeting.pk, number])).status_code == 404


def test_the_stored_pdf_is_built_from_the_frozen_pack_only(client, cycle, held, reviewer, eu_official):
    """Updates after the meeting change nothing in the PDF of its frozen pack, even one rendered after them."""
    client.force_login(reviewer)
    pk = pdf_id(ask(client, held))
    record(cycle["a"], eu_official, "EU", Status.ACHIEVED, date(2026, 11, 1), note="Achieved after the meeting.")
    assert pdf_render(pk)
    text = pdf_text(bytes(GeneratedPdf.objects.get(pk=pk).content))
    assert "Achieved after the meeting." not in text and "First exchange held." in text
