"""The briefing pack of a meeting, above all the annual Security and Defence Dialogue.

`build_pack` returns plain data (JSON-ready; its structure is typed and versioned in dialogues.pack_format), so the
same structure is shown live, stored when the meeting is held (`freeze_pack`), and rendered as HTML or PDF. Notes are stored whole; who may read a sensitive one is decided when
the pack is shown, by the viewer's rights."""

from collections import Counter, defaultdict
from datetime import date

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from commitments.history import LATE, end_of, facts, standing_on
from commitments.models import Commitment, StatusUpdate
from commitments.status import Cadence, Status, least_advanced, review_disagrees
from dialogues.models import Assessment, BriefingPack, Meeting
from dialogues.pack_format import FORMAT, Pack
from dialogues.selectors import Candidate, milestones_of, previous_held, proposals_since, ranked_proposals

TROUBLED = {Status.AT_RISK, Status.DELAYED}
SENSITIVE = "OFFICIAL-SENSITIVE"
PACK_UPDATES = 3  # the latest updates shown per commitment; the count says how many there were


def _commitments(meeting: Meeting) -> list[dict]:
    """The commitments the meeting reviews, in the agreement's order: the SDD and its consultations all of them,
    other series those of the paragraphs they serve."""
    commitments = Commitment.objects.filter(paragraph__partnership=meeting.series.partnership_id)
    if not meeting.series.monitors_everything:
        commitments = commitments.filter(paragraph__in=meeting.series.paragraphs.all())
    return list(
        commitments.order_by("paragraph__number", "position")
        .values("pk", "ref", "title", "strength", "cadence", "paragraph__number", "subparagraph__label",
                "paragraph__area__title", "paragraph__part__title")
    )


def _recent_updates(commitments: list[int], since: date, day: date) -> dict[int, list[dict]]:
    """The latest updates of each commitment recorded since the previous meeting (an index seek each, however
    long the history)."""
    recent = StatusUpdate.objects.filter(
        commitment=OuterRef("pk"), created_at__gt=end_of(since), created_at__lte=end_of(day)
    ).order_by("-created_at", "-pk").values("pk")
    shown = Commitment.objects.filter(pk__in=commitments)
    nth = [shown.annotate(update=Subquery(recent[n:n + 1])).values("update") for n in range(PACK_UPDATES)]
    found = defaultdict(list)
    rows = StatusUpdate.objects.filter(pk__in=nth[0].union(*nth[1:], all=True)).order_by("created_at", "pk").values_list(
        "pk", "commitment_id", "side__party__code", "status", "note", "marking", "as_of", "created_at",
        "created_by__username", "illustrative")
    zone = timezone.get_current_timezone()
    for pk, commitment, side, status, note, marking, as_of, created_at, by, illustrative in rows:
        found[commitment].append({
            "id": pk, "side": side, "status": status, "note": note, "marking": marking, "as_of": as_of.isoformat(),
            "recorded": created_at.astimezone(zone).isoformat(), "by": by or "", "illustrative": illustrative,
        })
    return found


def shown_areas(areas: list[dict], area: str | None) -> list[int]:
    """The indexes of the areas a page shows: `area` is an area's number, "c<id>" for a commitment's area, "all",
    or None (the PDF, the frozen pack) for every one; anything else is the first."""
    if area is None or area == "all" or not areas:
        return list(range(len(areas)))
    if area.startswith("c") and area[1:].isdigit():
        wanted = int(area[1:])
        return [next((n for n, a in enumerate(areas) if any(c["id"] == wanted for c in a["commitments"])), 0)]
    number = int(area) if area.isdigit() and 1 <= int(area) <= len(areas) else 1
    return [number - 1]


def build_pack(meeting: Meeting, *, today: date | None = None, area: str | None = None) -> Pack:
    """1. The picture on the pack's day (today, or the meeting's day once it has passed).
    2. The picture at the series' previous meeting, to say what moved since.
    3. Per area, each commitment with its sides and independent review; those of the areas shown (`shown_areas`:
       a page shows one, the frozen pack and the PDF all) with their latest updates.
    4. The follow-up of the previous meeting, and the agenda (proposed while the meeting is planned)."""
    today = today or timezone.localdate()
    partnership = meeting.series.partnership
    day = min(today, meeting.date)
    previous = previous_held(meeting)
    since = previous.date if previous else partnership.adopted_on
    rows = _commitments(meeting)
    # The SDD reviews every commitment: its reads need no list of them.
    in_scope = None if meeting.series.monitors_everything else [row["pk"] for row in rows]
    sides, on_the_day = defaultdict(list), facts(partnership, day, today=today, commitments=in_scope)
    for fact in on_the_day:
        sides[fact.commitment_id].append(fact)
    then = standing_on(partnership, since, commitments=in_scope) if since < day else {}
    reviews = {a.commitment_id: a for a in
               Assessment.objects.filter(meeting=meeting).select_related("assessed_by").order_by()}

    areas, area_index = [], {}
    for row in rows:
        entry = _entry(row, sides[row["pk"]], then, reviews.get(row["pk"]))
        title = row["paragraph__area__title"] or row["paragraph__part__title"]
        if title not in area_index:
            area_index[title] = len(areas)
            areas.append({"title": title, "commitments": []})
        areas[area_index[title]]["commitments"].append(entry)
    shown = [c for n in shown_areas(areas, area) for c in areas[n]["commitments"]]
    recent = _recent_updates([c["id"] for c in shown], since, day)
    for entry in shown:
        entry["updates"] = recent[entry["id"]]
    entries = [c for a in areas for c in a["commitments"]]
    all_sides = [f for group in sides.values() for f in group]
    agenda = list(meeting.agenda.all())
    marked = _window_marks(meeting, in_scope, since, day)
    return {
        "format": FORMAT,
        "meeting": {"id": meeting.pk, "title": str(meeting), "series": meeting.series.name, "kind": meeting.series.kind,
                    "date": meeting.date.isoformat(), "place": meeting.place, "status": meeting.status},
        "partnership": partnership.short_title,
        "as_of": day.isoformat(),
        "since": since.isoformat(),
        "previous": {"id": previous.pk, "date": previous.date.isoformat()} if previous else None,
        # Marked by every update of its period, shown or not: the figures of the pack are drawn from all of them.
        "marking": SENSITIVE if marked["sensitive"] else "OFFICIAL",
        "summary": _summary(entries, all_sides, then),
        "areas": areas,
        "follow_up": _follow_up(previous, day),
        "agenda": [{"title": i.title, "reason": i.reason, "commitment": i.commitment_id} for i in agenda],
        "proposed": _proposed(meeting, since, today, _candidates(entries, agenda), sides, reviews) if day == today
        else _proposed(meeting, since, today),
        "illustrative": marked["illustrative"],
    }


def _window_marks(meeting: Meeting, in_scope: list[int] | None, since: date, day: date) -> dict[str, bool]:
    """Whether any update of the pack's period is sensitive, and whether any is illustrative. (Two plain queries
    cost less than one that combines them: its subqueries take the ORM longer to build than a round trip.)"""
    window = StatusUpdate.objects.filter(created_at__gt=end_of(since), created_at__lte=end_of(day))
    window = window.filter(commitment__paragraph__partnership=meeting.series.partnership_id) if in_scope is None \
        else window.filter(commitment__in=in_scope)
    return {"sensitive": window.filter(marking=SENSITIVE).exists(), "illustrative": window.filter(illustrative=True).exists()}


def _candidates(entries: list[dict], agenda) -> list[Candidate]:
    """The pack's commitments not on the agenda yet, as proposal candidates: an update counted since the last
    meeting is a change since it."""
    on_agenda = {item.commitment_id for item in agenda}
    return [Candidate(e["id"], e["reference"], e["title"], e["overall"], e["update_count"] > 0)
            for e in entries if e["id"] not in on_agenda]


def _entry(row: dict, sides: list, then: dict, review) -> dict:
    overall = least_advanced(s.status for s in sides)
    entry = {
        "id": row["pk"],
        "ref": row["ref"],
        "reference": Commitment.reference_of(row["paragraph__number"], row["subparagraph__label"], row["ref"]),
        "title": row["title"],
        "strength": row["strength"],
        "cadence": Cadence(row["cadence"]).label,
        "overall": overall,
        "sides": [
            {
                "code": s.party,
                "status": s.status,
                "before": then[s.side_id].status if s.side_id in then else s.status,
                "due_state": s.due_state.value,
                "due_on": s.plan.due_on.isoformat() if s.plan else None,
            }
            for s in sides
        ],
        "updates": [],
        "update_count": sum(s.updates - (then[s.side_id].updates if s.side_id in then else s.updates) for s in sides),
        "review": {"verdict": review.verdict, "rationale": review.rationale, "by": str(review.assessed_by)} if review else None,
        "review_disagrees": bool(review and review_disagrees(review.verdict, overall)),
        "late": any(s.due_state in LATE for s in sides),
        "troubled": any(s.status in TROUBLED for s in sides),
    }
    entry["moved"] = any(side["status"] != side["before"] for side in entry["sides"])
    return entry


def _summary(entries: list[dict], sides: list, then: dict) -> dict:
    return {
        "commitments": len(entries),
        "sides": len(sides),
        "overall": dict(Counter(c["overall"] for c in entries)),
        "per_side": {code: dict(Counter(s.status for s in sides if s.party == code))
                     for code in sorted({s.party for s in sides})},
        "late": sum(c["late"] for c in entries),
        "troubled": sum(c["troubled"] for c in entries),
        "moved": sum(c["moved"] for c in entries),
        "updates_since": sum(c["update_count"] for c in entries),
        "newly_achieved": sum(1 for s in sides if s.status == Status.ACHIEVED and s.side_id in then
                              and then[s.side_id].status != Status.ACHIEVED),
        "reviews": sum(c["review"] is not None for c in entries),
        "review_disagrees": sum(c["review_disagrees"] for c in entries),
    }


def _follow_up(previous: Meeting | None, day: date) -> dict | None:
    if previous is None:
        return None
    return {
        "meeting": {"id": previous.pk, "date": previous.date.isoformat(), "title": str(previous)},
        "guidance": [g.text for g in previous.guidance.all()],
        "actions": [
            {"title": a.title, "owner": a.owner.short_name, "due_on": a.due_on.isoformat(), "status": a.status,
             "status_label": a.get_status_display(), "overdue": a.is_overdue(day)}
            for a in previous.actions.all()
        ],
        "milestones": milestones_of(previous, day),
    }


def _proposed(meeting: Meeting, since: date, today: date, candidates=None, sides=None, reviews=None) -> list[dict]:
    """The agenda proposed while the meeting is planned: from what the pack has read when it is of today, else
    read afresh (a planned meeting whose day has passed proposes from today's state)."""
    if meeting.status != Meeting.Status.PLANNED:
        return []
    proposals = (proposals_since(meeting, since, today) if candidates is None else
                 ranked_proposals(candidates, sides, {pk: r.verdict for pk, r in reviews.items()}, since))
    return [{"commitment": p.commitment_id, "title": f"{p.reference} {p.title}", "reason": p.reason_text,
             "kinds": p.kinds} for p in proposals]


@transaction.atomic
def freeze_pack(meeting: Meeting, *, today: date | None = None) -> BriefingPack:
    """Store the pack as presented; a pack already frozen stays as it was."""
    existing = BriefingPack.objects.filter(meeting=meeting).first()
    if existing:
        return existing
    data = build_pack(meeting, today=today)
    return BriefingPack.objects.create(meeting=meeting, data=data, frozen_at=timezone.now(), as_of=date.fromisoformat(data["as_of"]))


def pack_for(meeting: Meeting, *, today: date | None = None, area: str | None = None) -> tuple[dict, BriefingPack | None]:
    """The stored pack of a held meeting, else the live one (with the updates of the areas shown)."""
    frozen = BriefingPack.objects.filter(meeting=meeting).first()
    return (frozen.data, frozen) if frozen else (build_pack(meeting, today=today, area=area), None)


def changes_since_frozen(frozen: dict, partnership, *, today: date | None = None) -> list[dict]:
    """Per side, what differs between the frozen pack and today: status or lateness."""
    now = {(f.commitment_id, f.party): f for f in facts(partnership, None, today=today)}
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
