"""A known SDD cycle for the briefing pack tests, reading its PDF as a reader would, and a broker that is down."""

import contextlib
import io
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from pypdf import PdfReader

from commitments.models import Commitment
from commitments.services import commitment_update_status
from commitments.status import Status
from dialogues import services
from dialogues.models import DialogueSeries
from partnership.celery import app as celery_app
from reports.pdfs import pdf_render

BRUSSELS = ZoneInfo("Europe/Brussels")
SENSITIVE_NOTE = "Ministers disagree on the venue."


def at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=BRUSSELS)


def record(commitment, user, side, status, day, note="noted", marking="OFFICIAL"):
    commitment.refresh_from_db()
    return commitment_update_status(commitment=commitment, party_code=side, status=status, note=note, as_of=day,
                                    marking=marking, by=user, expected_version=commitment.version, now=at(day))


@pytest.fixture
def cycle(partnership, reviewer, eu_official, uk_official):
    """An SDD held on 20 May 2026 with guidance and an action; the next one planned for 20 May 2027, with two
    updates recorded in between (one OFFICIAL-SENSITIVE, on 14.1, whose sides eeas and fcdo own)."""
    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    first = services.meeting_create(series=sdd, date=date(2026, 5, 20), place="Brussels", status="held", by=reviewer,
                                    now=at(date(2026, 5, 20)))
    guidance = services.guidance_add(meeting=first, text="Agree dates for every standing exchange.", by=reviewer)
    services.action_add(meeting=first, title="Propose dates", owner=uk_official.organisation, due_on=date(2026, 9, 1),
                        guidance=guidance, by=reviewer)
    a, b = Commitment.objects.get(ref="14.1"), Commitment.objects.get(ref="19.1")
    record(a, eu_official, "EU", Status.ON_TRACK, date(2026, 7, 1), note="First exchange held.")
    record(a, uk_official, "UK", Status.AT_RISK, date(2026, 8, 1), note=SENSITIVE_NOTE, marking="OFFICIAL-SENSITIVE")
    nxt = services.meeting_create(series=sdd, date=date(2027, 5, 20), place="London", by=reviewer, now=at(date(2026, 9, 1)))
    return {"first": first, "next": nxt, "a": a, "b": b}


@contextlib.contextmanager
def broker_unreachable():
    """Nothing listens on port 1. Celery keeps its connection pools: drop them so the address in force is used."""
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    celery_app._pool = celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        celery_app.conf.broker_url = saved
        celery_app._pool = celery_app.amqp._producer_pool = None


@pytest.fixture
def unreachable_broker():
    with broker_unreachable():
        yield


def pdf_text(content: bytes) -> str:
    """The text of every page, its line breaks as spaces (a note wraps where its column ends)."""
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def pdf_id(response) -> int:
    """The PDF a redirect to its status page names (…/pack/pdf/<id>/)."""
    assert response.status_code == 302, response.status_code
    return int(response["Location"].rstrip("/").rsplit("/", 1)[1])


def download_pack_pdf(client, meeting) -> bytes:
    """Ask for the pack's PDF; if it is being prepared, render it as the worker would and download it."""
    response = client.get(reverse("packs:pdf", args=[meeting.pk]))
    if response.status_code == 302:
        pk = pdf_id(response)
        assert pdf_render(pk)
        response = client.get(reverse("packs:pdf_file", args=[meeting.pk, pk]))
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    return response.content
