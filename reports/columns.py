"""The columns of each export: one list per report, shared by its CSV, XLSX and PDF."""

from operator import attrgetter

from django.db import connection
from django.db.models import F, OuterRef, QuerySet, StringAgg, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim

from commitments.access import may_read_note
from reports.charts import status_bars
from reports.dashboard import STATUS_ORDER
from commitments.models import Commitment, EvidenceLink
from commitments.selectors import References, references
from commitments.status import Status
from common.exports import Column

WITHHELD = "[withheld: OFFICIAL-SENSITIVE]"
LABELS = dict(Status.choices)  # a dictionary look-up per cell, not an enum construction


def _label(status) -> str:
    return LABELS.get(status, status) if status else ""


def _owners(state) -> str:
    return ", ".join(
        o.short_name + ("" if o.role == "lead" else " (supporting)") for o in state.side.owners
    ) if state else ""


def commitment_columns(parties: list[str]) -> list[Column]:
    cols = [
        Column("Ref", lambda r: r.commitment.reference, 9),
        Column("Paragraph", lambda r: r.commitment.paragraph_number, 10, "number"),
        Column("Area", lambda r: r.commitment.area or r.commitment.part, 28),
        Column("Commitment", lambda r: r.commitment.title, 48),
        Column("Clause", lambda r: r.commitment.clause, 60),
        Column("Strength", lambda r: r.commitment.strength_label, 12),
        Column("Cadence", lambda r: r.commitment.cadence_label, 14),
        Column("Overall status", lambda r: _label(r.overall), 16),
        Column("Updates", lambda r: r.due_state.label, 12),
        Column("Sides disagree", lambda r: "yes" if r.disagree else "no", 10),
        *_reference_columns(),
    ]
    for code in parties:
        cols += [
            Column(f"{code} status", lambda r, c=code: _label(r.state(c).status) if r.state(c) else "not bound", 16),
            Column(f"{code} owners", lambda r, c=code: _owners(r.state(c)), 28),
            Column(f"{code} next update due", lambda r, c=code: r.state(c).plan.due_on if r.state(c) and r.state(c).plan else None, 14, "date"),
        ]
    return cols


def _reference_columns() -> list[Column]:
    """What the encoding says around each commitment. Every commitment's is read once, when the first row asks: a
    few queries, however many rows (the commitments are few, fixed by the agreement)."""
    known, milestones = {}, {}

    def of(row) -> tuple[str, References]:
        """The commitment's reason for its owners and its references."""
        if not known:
            reasons = dict(Commitment.objects.values_list("pk", "lead_reason"))
            found = references(list(reasons))
            known.update({pk: (reason, found[pk]) for pk, reason in reasons.items()})
            milestones.update(_milestones())
        return known.get(row.commitment.pk, ("", References()))

    def links(row) -> str:
        return "; ".join(f"{link.label.lower()} {link.reference or link.series_name}" for link in of(row)[1].links)

    return [
        Column("Why these owners", lambda r: of(r)[0], 40),
        Column("Links", links, 40),
        Column("Conditions", lambda r: "; ".join(c.label for c in of(r)[1].conditions), 40),
        Column("Instruments referred to", lambda r: "; ".join(i.short_name for i in of(r)[1].instruments), 24),
        Column("Milestones set at meetings", lambda r: of(r) and milestones.get(r.commitment.pk, ""), 40),
    ]


def _milestones() -> dict[int, str]:
    """Each commitment's milestones in force, with the meeting that set them (the dialogues app's, read through
    their relation to the commitment): one query."""
    found: dict[int, list[str]] = {}
    for pk, due, side, description, series, day in Commitment.objects.filter(
            milestones__isnull=False, milestones__withdrawn_at=None).order_by("pk", "milestones__due_on").values_list(
            "pk", "milestones__due_on", "milestones__party__code", "milestones__description",
            "milestones__meeting__series__name", "milestones__meeting__date"):
        found.setdefault(pk, []).append(
            f"{due:%d %b %Y}{f' ({side})' if side else ''}: {description} (set at the {series}, {day:%d %B %Y})")
    return {pk: "; ".join(items) for pk, items in found.items()}


def history_rows(updates: QuerySet) -> QuerySet:
    """The updates as plain named tuples, for history_columns: one query, streamed, with no model instance and no
    query per row. The evidence comes as one string per update, joined by the database."""
    link = Concat("title", Value(" <"), "url", Value(">"), output_field=TextField())
    links = EvidenceLink.objects.filter(update=OuterRef("pk")).values("update").annotate(
        text=StringAgg(link, Value("; "), order_by=_in_order("pk")),
    )
    return updates.annotate(
        party_code=F("side__party__code"), author=_person("created_by"),
        evidence_text=Subquery(links.values("text")),
    ).values_list(
        "id", "created_at", "as_of", "commitment_id", "party_code", "status", "previous_status", "note",
        "evidence_text", "marking", "author", "on_time", "corrects_id", "illustrative", named=True,
    )


def _person(user: str):
    """A person's full name, as User.get_full_name() makes it, or their user name if they have none."""
    full = Trim(Concat(f"{user}__first_name", Value(" "), f"{user}__last_name", output_field=TextField()))
    return Coalesce(NullIf(full, Value("")), F(f"{user}__username"), output_field=TextField())


def _in_order(*fields):
    # Ordering inside an aggregate needs SQLite 3.44 or later; older ones (as `make run` may use) list as stored.
    return fields if connection.features.supports_aggregate_order_by_clause else None


def history_columns(readable_ids) -> list[Column]:
    """The columns of history_rows(). References and titles come from the commitments, all read in one query: they
    are few, and the rule that makes a reference lives on the model."""
    known = {}

    def commitment(update) -> tuple[str, str]:
        # Read when the first row needs them: the rows' snapshot is taken by then, so every commitment they name is in.
        if not known:
            commitments = Commitment.objects.select_related("paragraph", "subparagraph")
            known.update((c.pk, (c.reference, c.title)) for c in commitments)
        return known[update.commitment_id]

    def note(update):
        return update.note if may_read_note(update.marking, update.commitment_id, readable_ids) else WITHHELD

    def evidence(update):
        return update.evidence_text if may_read_note(update.marking, update.commitment_id, readable_ids) else ""

    return [
        Column("Recorded", attrgetter("created_at"), 18, "datetime"),
        Column("True as of", attrgetter("as_of"), 12, "date"),
        Column("Ref", lambda u: commitment(u)[0], 9),
        Column("Commitment", lambda u: commitment(u)[1], 44),
        Column("Side", attrgetter("party_code"), 6),
        Column("Status", lambda u: _label(u.status), 14),
        Column("Previous status", lambda u: _label(u.previous_status), 14),
        Column("Note", note, 60),
        Column("Evidence", evidence, 40),
        Column("Marking", attrgetter("marking"), 18),
        Column("By", attrgetter("author"), 16),
        Column("On time", lambda u: "yes" if u.on_time else "no", 8),
        Column("Corrects update", attrgetter("corrects_id"), 10, "number"),
        Column("Illustrative", lambda u: "yes" if u.illustrative else "no", 10),
        Column("Update id", attrgetter("id"), 10, "number"),
    ]


def breakdown_columns(*, with_group: bool = False) -> list[Column]:
    def row(item):
        return item[1] if with_group else item

    cols = [Column("Group", lambda item: item[0], 18)] if with_group else []
    return cols + [
        Column("Name", lambda i: row(i).label, 40),
        Column("Side", lambda i: row(i).party, 6),
        Column("Commitments", lambda i: row(i).commitment_count, 12, "number"),
        Column("Sides", lambda i: row(i).sides, 8, "number"),
        Column("Overdue", lambda i: row(i).overdue, 9, "number"),
        Column("Stale", lambda i: row(i).stale, 8, "number"),
        Column("Median days late", lambda i: row(i).median_days_late, 12, "number"),
        Column("Updates", lambda i: row(i).updates, 9, "number"),
        Column("Updates on time (%)", lambda i: row(i).on_time_share, 12, "number"),
        *[Column(Status(s).label, lambda i, s=s: row(i).statuses.get(s, 0), 10, "number") for s in STATUS_ORDER],
    ]


def change_columns() -> list[Column]:
    return [
        Column("Ref", lambda c: c.side.commitment.reference, 9),
        Column("Commitment", lambda c: c.side.commitment.title, 44),
        Column("Side", lambda c: c.side.party.code, 6),
        Column("Status before", lambda c: _label(c.before.status), 16),
        Column("Status after", lambda c: _label(c.after.status), 16),
        Column("Updates before", lambda c: c.before.due_state.label, 12),
        Column("Updates after", lambda c: c.after.due_state.label, 12),
        Column("Status changed", lambda c: "yes" if c.status_changed else "no", 10),
        Column("Newly overdue or stale", lambda c: "yes" if c.newly_late else "no", 12),
        Column("Newly achieved", lambda c: "yes" if c.newly_achieved else "no", 10),
    ]


def overview_bars(overview: dict) -> list:
    bars = status_bars(overview["overall"], overview["per_side"], STATUS_ORDER)
    return bars


def portfolio_columns() -> list[Column]:
    """The portfolio's rows (reports.portfolio.PortfolioRow), one per partnership."""
    def meeting_date(meeting):
        return meeting.date if meeting else None

    return [
        Column("Partnership", lambda r: r.partnership.short_title, 36),
        Column("Parties", lambda r: ", ".join(p.code for p in r.partnership.parties.all()), 10),
        Column("Adopted", lambda r: r.partnership.adopted_on, 12, "date"),
        Column("Commitments", lambda r: r.commitments, 12, "number"),
        Column("On track", lambda r: r.on_track, 10, "number"),
        Column("On track (%)", lambda r: r.on_track_share, 12, "number"),
        Column("Overdue", lambda r: r.overdue, 10, "number"),
        Column("Next dialogue", lambda r: r.next_meeting.series.name if r.next_meeting else "", 36),
        Column("Next dialogue on", lambda r: meeting_date(r.next_meeting), 14, "date"),
        Column("Next due, none planned", lambda r: r.next_due_on, 14, "date"),
        Column("Last SDD held", lambda r: meeting_date(r.last_sdd), 14, "date"),
    ]
