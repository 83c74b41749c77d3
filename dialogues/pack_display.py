"""What a reader sees of a briefing pack, in the HTML page and the PDF alike.

Which OFFICIAL-SENSITIVE notes a reader may read is commitments.access's decision; here it becomes the set of
sensitive updates of the pack they may read (also what a stored PDF of a frozen pack is keyed by). Commitments that
need attention get a full row; the quiet ones, most of a year's pack, one line each."""

from commitments.access import sensitive_commitment_ids
from commitments.charts import stacked_bar
from commitments.dashboard import STATUS_ORDER
from commitments.status import Verdict
from dialogues.models import Meeting

SENSITIVE = "OFFICIAL-SENSITIVE"


def pack_meeting(pk: int) -> Meeting:
    """A pack reads the meeting's agenda and follow-up itself: the meeting page's prefetches are not needed."""
    return Meeting.objects.select_related("series__partnership").get(pk=pk)


def _commitments(data: dict):
    return (c for area in data["areas"] for c in area["commitments"])


def readable_sensitive_updates(data: dict, user) -> frozenset[int]:
    """The ids of the pack's OFFICIAL-SENSITIVE updates the user may read (none for no user)."""
    readable = sensitive_commitment_ids(user) if user else set()
    return frozenset(
        u["id"] for c in _commitments(data) for u in c["updates"]
        if u["marking"] == SENSITIVE and (readable is None or c["id"] in readable)
    )


def needs_attention(commitment: dict, agenda: set[int]) -> bool:
    """A full row: late, at risk or delayed, moved or updated since the previous meeting, reviewed, or on the agenda."""
    c = commitment
    return bool(c["late"] or c["troubled"] or c["moved"] or c["update_count"] or c["review"] or c["id"] in agenda)


def pack_context(meeting: Meeting, data: dict, frozen, readable: frozenset[int], *, may_assess: bool) -> dict:
    for commitment in _commitments(data):
        for update in commitment["updates"]:
            update["readable"] = update["marking"] != SENSITIVE or update["id"] in readable
    agenda = {item["commitment"] for item in data["agenda"] if item["commitment"]}
    areas = []
    for area in data["areas"]:
        full = [c for c in area["commitments"] if needs_attention(c, agenda)]
        quiet = [c for c in area["commitments"] if not needs_attention(c, agenda)]
        areas.append({"title": area["title"], "full": full, "quiet": quiet})
    summary = data["summary"]
    bars = [("All commitments", stacked_bar(summary["overall"], STATUS_ORDER, lambda s: ""))]
    bars += [(f"{code} side", stacked_bar(counts, STATUS_ORDER, lambda s: "")) for code, counts in summary["per_side"].items()]
    return {
        "meeting": meeting, "pack": data, "frozen": frozen, "areas": areas, "bars": bars, "order": STATUS_ORDER,
        "may_assess": may_assess, "verdicts": dict(Verdict.choices),
        # An empty review column on every row says nothing: it shows once there is a review or one can be made.
        "with_reviews": may_assess or bool(summary["reviews"]),
    }
