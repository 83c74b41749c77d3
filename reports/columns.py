"""The columns of each export: one list per report, shared by its CSV, XLSX and PDF."""

from commitments.charts import stacked_bar
from commitments.dashboard import STATUS_ORDER
from commitments.status import Status
from reports.exports import Column

WITHHELD = "[withheld: OFFICIAL-SENSITIVE]"


def _label(status) -> str:
    return Status(status).label if status else ""


def _owners(state) -> str:
    return ", ".join(
        o.organisation.short_name + ("" if o.role == "lead" else " (supporting)") for o in state.side.owners.all()
    ) if state else ""


def commitment_columns(parties: list[str]) -> list[Column]:
    cols = [
        Column("Ref", lambda r: r.commitment.reference, 9),
        Column("Paragraph", lambda r: r.commitment.paragraph.number, 10, "number"),
        Column("Area", lambda r: r.commitment.paragraph.area.title if r.commitment.paragraph.area else r.commitment.paragraph.part.title, 28),
        Column("Commitment", lambda r: r.commitment.title, 48),
        Column("Clause", lambda r: r.commitment.clause, 60),
        Column("Strength", lambda r: r.commitment.get_strength_display(), 12),
        Column("Cadence", lambda r: r.commitment.get_cadence_display(), 14),
        Column("Overall status", lambda r: _label(r.overall), 16),
        Column("Updates", lambda r: r.due_state.label, 12),
        Column("Sides disagree", lambda r: "yes" if r.disagree else "no", 10),
    ]
    for code in parties:
        cols += [
            Column(f"{code} status", lambda r, c=code: _label(r.state(c).status) if r.state(c) else "not bound", 16),
            Column(f"{code} owners", lambda r, c=code: _owners(r.state(c)), 28),
            Column(f"{code} next update due", lambda r, c=code: r.state(c).plan.due_on if r.state(c) and r.state(c).plan else None, 14, "date"),
        ]
    return cols


def history_columns(readable_ids) -> list[Column]:
    def note(update):
        if update.marking == "OFFICIAL-SENSITIVE" and readable_ids is not None and update.commitment_id not in readable_ids:
            return WITHHELD
        return update.note

    def evidence(update):
        if note(update) == WITHHELD:
            return ""
        return "; ".join(f"{e.title} <{e.url}>" for e in update.evidence.all())

    return [
        Column("Recorded", lambda u: u.created_at, 18, "datetime"),
        Column("True as of", lambda u: u.as_of, 12, "date"),
        Column("Ref", lambda u: u.commitment.reference, 9),
        Column("Commitment", lambda u: u.commitment.title, 44),
        Column("Side", lambda u: u.side.party.code, 6),
        Column("Status", lambda u: _label(u.status), 14),
        Column("Previous status", lambda u: _label(u.previous_status), 14),
        Column("Note", note, 60),
        Column("Evidence", evidence, 40),
        Column("Marking", lambda u: u.marking, 18),
        Column("By", lambda u: u.created_by.username if u.created_by else "", 16),
        Column("On time", lambda u: "yes" if u.on_time else "no", 8),
        Column("Corrects update", lambda u: u.corrects_id, 10, "number"),
        Column("Illustrative", lambda u: "yes" if u.illustrative else "no", 10),
        Column("Update id", lambda u: u.pk, 10, "number"),
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
    bars = [("All commitments", stacked_bar(overview["overall"], STATUS_ORDER, lambda s: ""))]
    bars += [(f"{code} side", stacked_bar(counts, STATUS_ORDER, lambda s: "")) for code, counts in overview["per_side"].items()]
    return bars
