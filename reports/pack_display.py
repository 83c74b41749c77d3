"""What a reader sees of a briefing pack, in the HTML page and the PDF alike.

Which OFFICIAL-SENSITIVE notes a reader may read is commitments.access's decision; here it becomes the set of
sensitive updates of the pack they may read (also what a stored PDF of a frozen pack is keyed by). Commitments that
need attention get a full row; the quiet ones, most of a year's pack, one line each."""

from django.utils.text import Truncator

from commitments.access import may_read_note, sensitive_commitment_ids
from reports.charts import status_bars
from reports.dashboard import STATUS_ORDER
from commitments.status import Verdict
from dialogues.models import Meeting
from dialogues.pack import SENSITIVE, shown_areas
from dialogues.selectors import REASONS

NOTE_SHOWN = 300  # characters of an update's note; the history has the whole note
PROPOSALS_SHOWN = 30  # on the page, the most pressing; the meeting page lists them all, and so does the PDF


def pack_meeting(pk: int) -> Meeting:
    """A pack reads the meeting's agenda and follow-up itself: the meeting page's prefetches are not needed."""
    return Meeting.objects.select_related("series__partnership").get(pk=pk)


def _commitments(data: dict):
    return (c for area in data["areas"] for c in area["commitments"])


def readable_sensitive_updates(data: dict, user) -> frozenset[int]:
    """The ids of the pack's OFFICIAL-SENSITIVE updates the user may read (none for no user)."""
    readable = sensitive_commitment_ids(user)
    return frozenset(
        u["id"] for c in _commitments(data) for u in c["updates"]
        if u["marking"] == SENSITIVE and may_read_note(u["marking"], c["id"], readable)
    )


def needs_attention(commitment: dict, agenda: set[int]) -> bool:
    """A full row: late, at risk or delayed, moved or updated since the previous meeting, reviewed, or on the agenda."""
    c = commitment
    return bool(c["late"] or c["troubled"] or c["moved"] or c["update_count"] or c["review"] or c["id"] in agenda)


def pack_context(meeting: Meeting, data: dict, frozen, readable: frozenset[int], *, may_assess: bool,
                 area: str | None = None) -> dict:
    """The pack for the page (`area`: the number of the area shown, "c<id>" for a commitment's, "all" for every
    one) or the PDF (None: all).

    On the page the areas are pages of their own, with an index of all of them: a pack of two hundred commitments
    is a document to print, not a page to scroll on a phone."""
    for commitment in _commitments(data):
        for update in commitment["updates"]:
            update["readable"] = update["marking"] != SENSITIVE or update["id"] in readable
            update["excerpt"] = _excerpt(update["note"])
    agenda = {item["commitment"] for item in data["agenda"] if item["commitment"]}
    areas = []
    for number, entry in enumerate(data["areas"], start=1):
        full = [c for c in entry["commitments"] if needs_attention(c, agenda)]
        quiet = [c for c in entry["commitments"] if not needs_attention(c, agenda)]
        areas.append({"number": number, "title": entry["title"], "full": full, "quiet": quiet,
                      "count": len(entry["commitments"]), "late": sum(c["late"] for c in full), "current": False})
    shown = [areas[n] for n in shown_areas(data["areas"], area)]
    if area is not None and area != "all" and shown:
        shown[0]["current"] = True
    summary = data["summary"]
    bars = status_bars(summary["overall"], summary["per_side"], STATUS_ORDER)
    shown_proposals = data["proposed"] if area is None else data["proposed"][:PROPOSALS_SHOWN]
    return {
        "meeting": meeting, "pack": data, "frozen": frozen, "areas": shown, "bars": bars, "order": STATUS_ORDER,
        "area_index": areas if area is not None else None, "all_areas": area == "all",
        "may_assess": may_assess, "verdicts": dict(Verdict.choices),
        "proposals": {"shown": shown_proposals, "more": len(data["proposed"]) - len(shown_proposals),
                      "counts": _proposal_counts(data["proposed"])},
        # An empty review column on every row says nothing: it shows once there is a review or one can be made.
        "with_reviews": may_assess or bool(summary["reviews"]),
    }


def _excerpt(note: str) -> str:
    """A note cut to 300 characters with an ellipsis; a short one as it is (most are: measuring them is cheap,
    the Truncator is not)."""
    return note if len(note) <= NOTE_SHOWN else Truncator(note).chars(NOTE_SHOWN)


def _proposal_counts(proposed: list[dict]) -> list[tuple[str, int]]:
    """How many proposals each reason gives (a proposal with two reasons counts under both)."""
    counts = [(reason.label, sum(reason.key in p.get("kinds", ()) for p in proposed)) for reason in REASONS]
    return [(label, count) for label, count in counts if count]
