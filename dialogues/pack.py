"""The briefing pack of a meeting, above all the annual Security and Defence Dialogue.

`build_pack` returns plain data (JSON-ready), so the same structure is shown live, stored when the meeting is held
(`freeze_pack`), and rendered as HTML or PDF. Notes are stored whole; who may read a sensitive one is decided when
the pack is shown, by the viewer's rights."""

from collections import Counter, defaultdict
from datetime import date

from django.db import transaction
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from commitments.history import LATE, end_of, side_states, statuses_at
from commitments.models import Commitment, StatusUpdate
from commitments.status import Status, least_advanced, review_disagrees
from dialogues.models import Assessment, BriefingPack, Meeting
from dialogues.selectors import previous_held, proposed_agenda

TROUBLED = {Status.AT_RISK, Status.DELAYED}
PACK_UPDATES = 3  # the latest updates shown per commitment; the count says how many there were


def _scope(meeting: Meeting):
    commitments = Commitment.objects.filter(paragraph__partnership=meeting.series.partnership_id)
    if not meeting.series.monitors_everything:
        commitments = commitments.filter(paragraph__in=meeting.series.paragraphs.all())
    return set(commitments.values_list("pk", flat=True))


def build_pack(meeting: Meeting, *, today: date | None = None) -> dict:
    """1. The picture on the pack's day (today, or the meeting's day once it has passed).
    2. The picture at the series' previous meeting, to say what moved since.
    3. Per area, each commitment with its sides, recent updates and independent review.
    4. The follow-up of the previous meeting, and the agenda (proposed while the meeting is planned)."""
    today = today or timezone.localdate()
    partnership = meeting.series.partnership
    day = min(today, meeting.date)
    previous = previous_held(meeting)
    since = previous.date if previous else partnership.adopted_on
    in_scope = _scope(meeting)
    states = [s for s in side_states(partnership, day, today=today) if s.side.commitment_id in in_scope]
    before = statuses_at(partnership, since, today=today) if since < day else {}
    # The updates recorded since the previous meeting: how many per commitment, and the latest few of each,
    # chosen in the database (a year of history can hold tens of thousands).
    window = StatusUpdate.objects.filter(
        commitment__in=in_scope, created_at__gt=end_of(since), created_at__lte=end_of(day)
    )
    counts = dict(window.values_list("commitment_id").annotate(n=Count("pk")).values_list("commitment_id", "n"))
    latest = (
        window.annotate(rank=Window(RowNumber(), partition_by=[F("commitment_id")], order_by=[F("created_at").desc(), F("pk").desc()]))
        .filter(rank__lte=PACK_UPDATES)
        .select_related("side__party", "created_by")
        .order_by("commitment_id", "created_at", "pk")
    )
    reviews = {a.commitment_id: a for a in Assessment.objects.filter(meeting=meeting).select_related("assessed_by")}

    recent = defaultdict(list)
    for update in latest:
        recent[update.commitment_id].append(update)
    by_commitment = defaultdict(list)
    for state in states:
        by_commitment[state.side.commitment_id].append(state)

    areas, area_index, summary = [], {}, Counter()
    for pk, sides in by_commitment.items():
        commitment = sides[0].commitment
        overall = least_advanced(s.status for s in sides)
        review = reviews.get(pk)
        entry = {
            "id": pk,
            "ref": commitment.ref,
            "reference": commitment.reference,
            "title": commitment.title,
            "strength": commitment.strength,
            "cadence": commitment.get_cadence_display(),
            "overall": overall,
            "sides": [
                {
                    "code": s.side.party.code,
                    "status": s.status,
                    "before": before.get(s.side.pk, s.status),
                    "due_state": s.due_state.value,
                    "due_on": s.plan.due_on.isoformat() if s.plan else None,
                }
                for s in sides
            ],
            "updates": [
                {
                    "id": u.pk, "side": u.side.party.code, "status": u.status, "note": u.note, "marking": u.marking,
                    "as_of": u.as_of.isoformat(), "recorded": timezone.localtime(u.created_at).isoformat(),
                    "by": u.created_by.username if u.created_by else "", "illustrative": u.illustrative,
                }
                for u in recent[pk]
            ],
            "update_count": counts.get(pk, 0),
            "review": {"verdict": review.verdict, "rationale": review.rationale, "by": str(review.assessed_by)} if review else None,
            "review_disagrees": bool(review and review_disagrees(review.verdict, overall)),
            "late": any(s.due_state in LATE for s in sides),
            "troubled": any(s.status in TROUBLED for s in sides),
        }
        entry["moved"] = any(side["status"] != side["before"] for side in entry["sides"])
        area = commitment.paragraph.area.title if commitment.paragraph.area else commitment.paragraph.part.title
        if area not in area_index:
            area_index[area] = len(areas)
            areas.append({"title": area, "commitments": []})
        areas[area_index[area]]["commitments"].append(entry)
        summary["late"] += entry["late"]
        summary["troubled"] += entry["troubled"]
        summary["moved"] += entry["moved"]
        summary["reviews"] += review is not None
        summary["review_disagrees"] += entry["review_disagrees"]

    follow_up = None
    if previous:
        follow_up = {
            "meeting": {"id": previous.pk, "date": previous.date.isoformat(), "title": str(previous)},
            "guidance": [g.text for g in previous.guidance.all()],
            "actions": [
                {"title": a.title, "owner": a.owner.short_name, "due_on": a.due_on.isoformat(), "status": a.status,
                 "status_label": a.get_status_display(), "overdue": a.is_overdue(day)}
                for a in previous.actions.all()
            ],
        }
    agenda = [{"title": i.title, "reason": i.reason, "commitment": i.commitment_id} for i in meeting.agenda.all()]
    proposed = []
    if meeting.status == Meeting.Status.PLANNED:
        proposed = [{"commitment": p.commitment.pk, "title": f"{p.commitment.reference} {p.commitment.title}",
                     "reason": p.reason_text} for p in proposed_agenda(meeting, today)]
    sensitive = any(u["marking"] == "OFFICIAL-SENSITIVE" for a in areas for c in a["commitments"] for u in c["updates"])
    return {
        "meeting": {"id": meeting.pk, "title": str(meeting), "series": meeting.series.name, "kind": meeting.series.kind,
                    "date": meeting.date.isoformat(), "place": meeting.place, "status": meeting.status},
        "partnership": partnership.short_title,
        "as_of": day.isoformat(),
        "since": since.isoformat(),
        "previous": {"id": previous.pk, "date": previous.date.isoformat()} if previous else None,
        "marking": "OFFICIAL-SENSITIVE" if sensitive else "OFFICIAL",
        "summary": {
            "commitments": len(by_commitment),
            "sides": len(states),
            "overall": dict(Counter(least_advanced(s.status for s in sides) for sides in by_commitment.values())),
            "per_side": {code: dict(Counter(s.status for s in states if s.side.party.code == code))
                         for code in sorted({s.side.party.code for s in states})},
            "late": summary["late"],
            "troubled": summary["troubled"],
            "moved": summary["moved"],
            "updates_since": sum(counts.values()),
            "newly_achieved": sum(
                1 for s in states
                if s.status == Status.ACHIEVED and before.get(s.side.pk) not in (None, Status.ACHIEVED)
            ),
            "reviews": summary["reviews"],
            "review_disagrees": summary["review_disagrees"],
        },
        "areas": areas,
        "follow_up": follow_up,
        "agenda": agenda,
        "proposed": proposed,
        "illustrative": window.filter(illustrative=True).exists(),
    }


@transaction.atomic
def freeze_pack(meeting: Meeting, *, today: date | None = None) -> BriefingPack:
    """Store the pack as presented; a pack already frozen stays as it was."""
    existing = BriefingPack.objects.filter(meeting=meeting).first()
    if existing:
        return existing
    data = build_pack(meeting, today=today)
    return BriefingPack.objects.create(meeting=meeting, data=data, frozen_at=timezone.now(), as_of=date.fromisoformat(data["as_of"]))


def pack_for(meeting: Meeting, *, today: date | None = None) -> tuple[dict, BriefingPack | None]:
    """The stored pack of a held meeting, else the live one."""
    frozen = BriefingPack.objects.filter(meeting=meeting).first()
    return (frozen.data, frozen) if frozen else (build_pack(meeting, today=today), None)


def changes_since_frozen(frozen: dict, partnership, *, today: date | None = None) -> list[dict]:
    """Per side, what differs between the frozen pack and today: status or lateness."""
    now = {(s.side.commitment_id, s.side.party.code): s for s in side_states(partnership, None, today=today)}
    changes = []
    for area in frozen["areas"]:
        for commitment in area["commitments"]:
            for side in commitment["sides"]:
                current = now.get((commitment["id"], side["code"]))
                if current and (current.status != side["status"] or current.due_state.value != side["due_state"]):
                    changes.append({
                        "commitment": commitment, "code": side["code"], "then": side,
                        "now": {"status": current.status, "due_state": current.due_state.value},
                    })
    return changes
