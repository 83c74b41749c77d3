"""The briefing pack as a PDF, rendered in the background by reports.pdfs and kept in the database.

A held meeting's pack is frozen, so its PDF differs from one reader to another only by the OFFICIAL-SENSITIVE notes
they may read: it is keyed by the frozen pack and a digest of those notes' ids, rendered once per key and served
from storage to every reader whose rights give the same key. A planned meeting's pack moves with every update: each
reader gets a PDF of their own, built when it renders, kept a day.

A reader may see a PDF when the key their rights give now is its key; a live pack's key names its requester."""

import hashlib
from dataclasses import dataclass

from django.utils import timezone

from dialogues.models import BriefingPack, Meeting
from dialogues.pack import pack_for
from reports.pack_display import pack_context, pack_meeting, readable_sensitive_updates
from common.exports import pdf_bytes
from reports.models import GeneratedPdf
from reports.pdfs import pdf_request

KIND = "briefing-pack"


@dataclass(frozen=True)
class Variant:
    """What a reader's PDF of a meeting's pack is built from."""

    key: str
    params: dict
    reusable: bool


def _live_key(meeting: Meeting, user) -> str:
    return f"{KIND}:meeting-{meeting.pk}:live:user-{user.pk}"


def variant(meeting: Meeting, user) -> Variant:
    frozen = BriefingPack.objects.filter(meeting=meeting).first()
    if frozen is None:
        return Variant(_live_key(meeting, user), {"meeting": meeting.pk}, reusable=False)
    readable = sorted(readable_sensitive_updates(frozen.data, user))
    digest = hashlib.sha256(",".join(map(str, readable)).encode()).hexdigest()[:16]
    return Variant(f"{KIND}:meeting-{meeting.pk}:pack-{frozen.pk}:sensitive-{digest}",
                   {"pack": frozen.pk, "readable": readable}, reusable=True)


def pack_pdf_request(*, meeting: Meeting, user) -> GeneratedPdf:
    """The reader's PDF of the pack: ready to serve, or queued (see reports.pdfs.pdf_request)."""
    v = variant(meeting, user)
    return pdf_request(kind=KIND, key=v.key, params=v.params, reusable=v.reusable, by=user,
                       filename=f"briefing-pack-{meeting.date:%Y-%m-%d}.pdf")


def readers_pack_pdf(*, meeting: Meeting, user, pdf_id: int) -> GeneratedPdf | None:
    """The PDF if its key is the one the reader's rights give now, or their own asked for before the meeting was held."""
    keys = {variant(meeting, user).key, _live_key(meeting, user)}
    return GeneratedPdf.objects.defer("content").filter(pk=pdf_id, kind=KIND, key__in=keys).first()


def render_pack_pdf(pdf: GeneratedPdf) -> bytes:
    """From the stored inputs only: the frozen pack and the readable notes recorded with the request, or for a live
    pack the pack as it is now, read with the requester's rights as they are now."""
    if "pack" in pdf.params:
        frozen = BriefingPack.objects.select_related("meeting__series__partnership").get(pk=pdf.params["pack"])
        meeting, data, readable = frozen.meeting, frozen.data, frozenset(pdf.params["readable"])
    else:
        meeting = pack_meeting(pdf.params["meeting"])
        data, frozen = pack_for(meeting)
        readable = readable_sensitive_updates(data, pdf.requested_by)
    context = pack_context(meeting, data, frozen, readable, may_assess=False)
    requester = pdf.requested_by
    context.update(
        header={"title": f"Briefing pack: {meeting}", "marking": data["marking"]},
        # A reusable PDF is read by everyone with the same rights: it names no one.
        produced_for=None if pdf.reusable or requester is None else requester.get_full_name() or requester.username,
        produced_at=timezone.now(),
    )
    return pdf_bytes("dialogues/pack_pdf.html", context)
