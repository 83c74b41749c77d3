"""PDFs rendered in the background and served from the database.

A page asks for a PDF (`pdf_request`) and answers at once: with the file if a ready one has the same key, else with a
page saying it is being prepared. The worker renders it (`pdf_render`, from the task or the sweep) and the page serves
it from storage (`pdf_serve`). The work is a row in the database, not a message: publishing the task is a hint that
may fail (Redis down), and `pdf_sweep` picks up whatever was left queued or stuck.

The app that owns a kind of PDF registers its renderer (`register`), so this module imports nothing above it."""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from reports.models import GeneratedPdf

log = logging.getLogger(__name__)
State = GeneratedPdf.State

QUEUED_GRACE = timedelta(seconds=30)  # the task normally starts within seconds; after this the sweep renders it
RENDER_TIMEOUT = timedelta(minutes=10)  # a render takes seconds: one still running after this lost its worker
MAX_ATTEMPTS = 3  # a job that kills its worker every time fails instead of looping
KEEP_PRIVATE = timedelta(days=1)  # a PDF that is not reusable is a one-off download

RENDERERS: dict[str, Callable[[GeneratedPdf], bytes]] = {}
KEEP_REUSABLE: dict[str, timedelta] = {}  # per kind; a kind not named keeps its reusable PDFs


def register(kind: str, render: Callable[[GeneratedPdf], bytes], *, keep: timedelta | None = None) -> None:
    """`render` makes the PDFs of `kind`; with `keep`, even reusable ones go that long after they were asked for
    (a kind whose key names a day: nobody asks for that key again)."""
    RENDERERS[kind] = render
    if keep is not None:
        KEEP_REUSABLE[kind] = keep


def _enqueue(pdf_id: int) -> None:
    """Publish the render after commit; if the broker is unreachable, say so and let the sweep do it."""
    from reports.tasks import render_pdf  # the task module imports this one

    def publish():
        try:
            render_pdf.apply_async(args=[pdf_id], retry=False)
        except Exception as exc:  # noqa: BLE001 - any broker error: the job waits in the database for the sweep
            log.warning("Could not publish the render of PDF %s (%s: %s); the sweep will render it",
                        pdf_id, exc.__class__.__name__, exc)

    transaction.on_commit(publish)


@transaction.atomic
def pdf_request(*, kind: str, key: str, filename: str, params: dict, by, reusable: bool,
                now: datetime | None = None) -> GeneratedPdf:
    """The PDF for `key`, its bytes not loaded.

    Reusable: the one with that key whatever its state (a failed one is queued again). Otherwise the requester's
    own job for that key that has not started yet, else a new one: a queued job reads its inputs when it renders, so
    it is as fresh as a new one, and a reader who asks five times queues one render, not five."""
    now = now or timezone.now()
    fields = {"kind": kind, "filename": filename, "params": params, "requested_by": by, "requested_at": now}
    pdfs = GeneratedPdf.objects.defer("content")
    if reusable:
        pdf, created = pdfs.get_or_create(key=key, reusable=True, defaults=fields)
        if not created and pdf.state != State.FAILED:
            return pdf
        if not created:  # asked again after a failure
            pdfs.filter(pk=pdf.pk, state=State.FAILED).update(state=State.QUEUED, requested_at=now, error="", attempts=0)
            pdf.refresh_from_db(fields=["state", "requested_at", "error", "attempts"])
    else:
        waiting = pdfs.filter(key=key, reusable=False, requested_by=by, state=State.QUEUED).order_by("-requested_at")
        if pdf := waiting.first():
            return pdf
        pdf = GeneratedPdf.objects.create(key=key, reusable=False, **fields)
    _enqueue(pdf.pk)
    return pdf


def pdf_claim(pdf_id: int, *, now: datetime) -> bool:
    """queued → rendering, exactly one row changed: two workers (or a task and the sweep) never render one job."""
    return GeneratedPdf.objects.filter(pk=pdf_id, state=State.QUEUED).update(
        state=State.RENDERING, started_at=now, attempts=F("attempts") + 1
    ) == 1


def pdf_render(pdf_id: int, *, now: datetime | None = None) -> bool:
    """Claim the job, render it with its registered renderer and store the bytes; False if it was not ours to render
    or the renderer failed (the error is kept on the row, and the reader's page says so)."""
    if not pdf_claim(pdf_id, now=now or timezone.now()):
        return False
    pdf = GeneratedPdf.objects.defer("content").select_related("requested_by").get(pk=pdf_id)
    try:
        content = RENDERERS[pdf.kind](pdf)
    except Exception as exc:  # noqa: BLE001 - whatever broke, the reader must learn it failed rather than wait
        log.exception("PDF %s (%s) failed", pdf.pk, pdf.key)
        GeneratedPdf.objects.filter(pk=pdf.pk, state=State.RENDERING).update(
            state=State.FAILED, finished_at=timezone.now(), error=f"{exc.__class__.__name__}: {exc}"[:2000]
        )
        return False
    GeneratedPdf.objects.filter(pk=pdf.pk).update(state=State.READY, content=content, size=len(content),
                                                  finished_at=timezone.now(), error="")
    return True


def pdf_sweep(*, now: datetime | None = None) -> dict:
    """1. Jobs still rendering after the timeout lost their worker: back to the queue (or failed after
    MAX_ATTEMPTS). 2. PDFs that are not reusable go after a day, reusable ones of a kind registered with `keep`
    after that. 3. Jobs left queued past the grace period (the broker was down, the message lost) are rendered
    here, oldest first, each claimed like any other render."""
    now = now or timezone.now()
    stuck = GeneratedPdf.objects.filter(state=State.RENDERING, started_at__lt=now - RENDER_TIMEOUT)
    abandoned = stuck.filter(attempts__gte=MAX_ATTEMPTS).update(
        state=State.FAILED, finished_at=now, error=f"Rendering started {MAX_ATTEMPTS} times and never finished (its worker stopped)."
    )
    requeued = stuck.update(state=State.QUEUED)
    expired = Q(reusable=False, requested_at__lt=now - KEEP_PRIVATE)
    for kind, keep in KEEP_REUSABLE.items():
        expired |= Q(kind=kind, reusable=True, requested_at__lt=now - keep)
    deleted, _ = GeneratedPdf.objects.filter(expired).delete()
    waiting = GeneratedPdf.objects.filter(state=State.QUEUED, requested_at__lt=now - QUEUED_GRACE).order_by("requested_at")
    rendered = sum(pdf_render(pk, now=now) for pk in list(waiting.values_list("pk", flat=True)))
    return {"requeued": requeued, "abandoned": abandoned, "deleted": deleted, "rendered": rendered}


def pdf_serve(pdf: GeneratedPdf) -> HttpResponse:
    """The stored bytes as a download: the only query that loads them."""
    content = GeneratedPdf.objects.filter(pk=pdf.pk).values_list("content", flat=True).get()
    response = HttpResponse(bytes(content), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, pdf.filename)
    return response
