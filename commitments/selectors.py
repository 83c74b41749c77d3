"""Reads shared by pages, the API and exports. Each returns a queryset whose query count does not grow with rows."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import F, Prefetch, QuerySet, Value
from django.urls import reverse
from django.utils import timezone

from commitments.access import may_read_note
from commitments.cadence import Schedule, open_milestone
from commitments.models import (
    Commitment, CommitmentCondition, CommitmentLink, CommitmentSide, Condition, EvidenceLink, Instrument, Ownership,
    StatusUpdate,
)
from commitments.status import Cadence, Strength


def sides_prefetch(prefix: str = "") -> Prefetch:
    # Ordered within their commitment and side only: the models' orderings start with the parent, whose own
    # ordering would join the commitment, its paragraph and partnership to sort what is grouped by parent anyway.
    return Prefetch(
        f"{prefix}sides",
        queryset=CommitmentSide.objects.select_related("party").order_by("party__code").prefetch_related(
            Prefetch("owners", queryset=Ownership.objects.select_related("organisation").order_by(
                "role", "organisation__short_name"))
        ),
    )


def commitment_list() -> QuerySet[Commitment]:
    return (
        Commitment.objects.select_related("paragraph__partnership", "paragraph__area", "paragraph__part", "subparagraph")
        .prefetch_related(sides_prefetch())
        .order_by("paragraph__partnership__adopted_on", "paragraph__number", "position")
    )


def commitment_history(commitment: Commitment) -> QuerySet[StatusUpdate]:
    return (
        commitment.updates.select_related("side__party", "created_by__organisation", "corrects")
        .prefetch_related("evidence")
        .order_by("-as_of", "-created_at", "-pk")
    )


def commitment_order() -> QuerySet[Commitment]:
    """Every commitment in list order, with nothing loaded but what a filter needs: lists page its ids."""
    return Commitment.objects.order_by("paragraph__partnership__adopted_on", "paragraph__number", "position")


@dataclass(frozen=True)
class Owner:
    short_name: str
    role: str


@dataclass
class ListedSide:
    """One side of a listed commitment, read as a narrow row."""

    pk: int
    commitment_id: int
    party: str
    status: str
    plan: Schedule | None
    owners: list[Owner] = field(default_factory=list)

    @property
    def lead(self) -> str:
        """The lead, or the leads the text names as equals (12(a): "FCDO, MoD")."""
        return ", ".join(o.short_name for o in self.owners if o.role == Ownership.Role.LEAD)


@dataclass
class Listed:
    """A commitment as the lists and their exports show it, read as narrow rows: a page of fifty costs three small
    queries, not the seven hundred model instances of its sides, owners and parents."""

    pk: int
    ref: str
    title: str
    clause: str
    strength: str
    cadence: str
    status: str
    paragraph_number: int
    subparagraph_label: str | None
    area: str | None
    part: str
    url: str
    paragraph_url: str
    sides: list[ListedSide] = field(default_factory=list)

    @property
    def reference(self) -> str:
        return Commitment.reference_of(self.paragraph_number, self.subparagraph_label, self.ref)

    @property
    def strength_label(self) -> str:
        return Strength(self.strength).label

    @property
    def cadence_label(self) -> str:
        return Cadence(self.cadence).label


LISTED_FIELDS = ("pk", "ref", "title", "clause", "strength", "cadence", "status", "paragraph__number",
                 "subparagraph__label", "paragraph__area__title", "paragraph__part__title", "paragraph__partnership__slug")


def listed(ids: list[int]) -> list[Listed]:
    """The commitments of `ids`, in that order, with their sides and owners."""
    documents, commitments = {}, {}
    for pk, ref, title, clause, strength, cadence, status, number, label, area, part, slug in (
            Commitment.objects.filter(pk__in=ids).values_list(*LISTED_FIELDS)):
        if slug not in documents:
            documents[slug] = reverse("partnership:document", args=[slug])  # once per partnership, not per row
        commitments[pk] = Listed(pk, ref, title, clause, strength, cadence, status, number, label, area, part,
                                 reverse("commitments:detail", args=[pk]), f"{documents[slug]}#p{number}")
    sides = {}
    for pk, commitment, party, status, due, overdue, stale in CommitmentSide.objects.filter(commitment__in=ids).order_by(
            "commitment", "party__code").values_list("pk", "commitment", "party__code", "status", "due_on", "overdue_on",
                                                     "stale_on"):
        sides[pk] = ListedSide(pk, commitment, party, status, Schedule(due, overdue, stale) if due else None)
        commitments[commitment].sides.append(sides[pk])
    for side, name, role in Ownership.objects.filter(side__commitment__in=ids).order_by(
            "side", "role", "organisation__short_name").values_list("side", "organisation__short_name", "role"):
        sides[side].owners.append(Owner(name, role))
    return [commitments[pk] for pk in ids]


@dataclass
class Entry:
    """One update as the commitment's timeline shows it, read as a narrow row."""

    pk: int
    party: str
    status: str
    as_of: date
    by: str
    organisation: str | None
    created_at: datetime
    marking: str
    illustrative: bool
    note: str
    corrects: int | None
    corrects_as_of: date | None
    readable: bool  # the note and evidence, for the reader (commitments.access.may_read_note)
    evidence: list[tuple[str, str]] = field(default_factory=list)


ENTRY_FIELDS = ("pk", "commitment_id", "side__party__code", "status", "as_of", "created_by__first_name", "created_by__last_name",
                "created_by__username", "created_by__organisation__short_name", "created_at", "marking", "illustrative",
                "note", "corrects", "corrects__as_of")


def history_rows(commitment: Commitment) -> QuerySet:
    """The commitment's history, newest first by the date each is true as of, as rows for `timeline`."""
    return commitment.updates.order_by("-as_of", "-created_at", "-pk").values_list(*ENTRY_FIELDS)


def timeline(rows, readable_ids: set[int] | None) -> list[Entry]:
    """Entries from `history_rows` (a page of them), each with its evidence links, for a reader who may read the
    sensitive notes of `readable_ids` (commitments.access.sensitive_commitment_ids)."""
    entries = []
    for pk, commitment, party, status, as_of, first, last, username, organisation, created_at, marking, illustrative, \
            note, corrects, corrects_as_of in rows:
        by = f"{first} {last}".strip() or username or ""  # as User.__str__ says it
        entries.append(Entry(pk, party, status, as_of, by, organisation, created_at, marking, illustrative, note,
                             corrects, corrects_as_of, may_read_note(marking, commitment, readable_ids)))
    by_pk = {entry.pk: entry for entry in entries}
    for update, title, url in EvidenceLink.objects.filter(update__in=by_pk).order_by("pk").values_list(
            "update", "title", "url"):
        by_pk[update].evidence.append((title, url))
    return entries


@dataclass(frozen=True)
class LinkShown:
    """A link as one of its ends reads it: "depends on ¶12(c)" at one end is "needed by ¶12(d)" at the other."""

    relation: str  # related_to, depends_on, needed_by, reviewed_by, reviews, carried_by, fulfilled_by, establishes
    label: str
    commitment_id: int | None  # the other commitment, or None for a dialogue series
    ref: str | None
    reference: str | None  # as pages cite it: ¶12(c)
    title: str | None
    series_id: int | None
    series_slug: str | None
    series_name: str | None
    note: str
    order: tuple = ()  # the other end's place: series first, then commitments in the document's order


@dataclass(frozen=True)
class ConditionShown:
    slug: str
    label: str
    words: str
    whole_partnership: bool
    stated_in: str
    note: str


@dataclass(frozen=True)
class InstrumentShown:
    slug: str
    short_name: str
    name: str


@dataclass
class References:
    """What the encoding says around a commitment: its links, conditions and the instruments it refers to."""

    links: list[LinkShown] = field(default_factory=list)
    conditions: list[ConditionShown] = field(default_factory=list)
    instruments: list[InstrumentShown] = field(default_factory=list)


LINK_LABELS = dict(CommitmentLink.Kind.choices)
LINK_FIELDS = ("kind", "note", "series", "series__slug", "series__name")
END_FIELDS = ("id", "ref", "title", "paragraph__number", "subparagraph__label", "position")


def references(ids: list[int]) -> dict[int, References]:
    """The references of each commitment of `ids`: four queries, however many commitments and links."""
    found = {pk: References() for pk in ids}
    _read_links(ids, found)
    for commitment, *condition in (
            CommitmentCondition.objects.filter(commitment__in=ids).order_by("condition__label").values_list(
                "commitment", "condition__slug", "condition__label", "words", "condition__whole_partnership",
                "condition__stated_in", "condition__note")):
        found[commitment].conditions.append(ConditionShown(*condition))
    # A condition of the whole partnership governs each of its commitments, after their own.
    for commitment, *condition in Condition.objects.filter(
            whole_partnership=True, partnership__paragraphs__commitments__in=ids).order_by("label").values_list(
            "partnership__paragraphs__commitments", "slug", "label", "words", "whole_partnership", "stated_in", "note"):
        found[commitment].conditions.append(ConditionShown(*condition))
    for commitment, *instrument in Instrument.commitments.through.objects.filter(commitment__in=ids).order_by(
            "instrument__short_name").values_list("commitment", "instrument__slug", "instrument__short_name",
                                                  "instrument__name"):
        found[commitment].instruments.append(InstrumentShown(*instrument))
    return found


def _read_links(ids: list[int], found: dict[int, References]) -> None:
    """Each link once for each end of it among `ids`, in that end's words: both directions in one query."""
    def end(this: str, other: str, incoming: bool) -> QuerySet:
        links = CommitmentLink.objects.filter(**{f"{this}__in": ids}).order_by()
        return links.annotate(incoming=Value(incoming)).values_list(
            this, "incoming", *LINK_FIELDS, *(f"{other}__{f}" for f in END_FIELDS))

    both = end("source", "target", False).union(end("target", "source", True), all=True).order_by()
    for pk, incoming, kind, note, series, slug, name, *other in both:
        found[pk].links.append(_link_shown(kind, incoming, note, series, slug, name, other))
    for shown in found.values():
        shown.links.sort(key=lambda link: link.order)


def _link_shown(kind, incoming, note, series, slug, name, other) -> LinkShown:
    pk, ref, title, number, label, position = other
    relation, text = CommitmentLink.INVERSE[kind] if incoming else (kind, LINK_LABELS[kind])
    if series is not None:
        return LinkShown(relation, text, None, None, None, None, series, slug, name, note, (0, name))
    return LinkShown(relation, text, pk, ref, Commitment.reference_of(number, label, ref), title, None, None, None,
                     note, (1, number, position))


@dataclass
class InstrumentListed:
    """An instrument of the reference list, with the commitments that refer to it in the document's order."""

    slug: str
    short_name: str
    name: str
    kind: str
    note: str
    commitments: list[tuple[int, str, str]] = field(default_factory=list)  # pk, reference, title

    @property
    def kind_label(self) -> str:
        return Instrument.Kind(self.kind).label


def instrument_list(partnership) -> list[InstrumentListed]:
    """The instruments the partnership's text refers to: two queries."""
    found = {pk: InstrumentListed(*values) for pk, *values in Instrument.objects.filter(partnership=partnership)
             .order_by("short_name").values_list("pk", "slug", "short_name", "name", "kind", "note")}
    for instrument, pk, ref, title, number, label in Instrument.commitments.through.objects.filter(
            instrument__partnership=partnership).order_by("commitment__paragraph__number", "commitment__position").values_list(
            "instrument", "commitment", "commitment__ref", "commitment__title", "commitment__paragraph__number",
            "commitment__subparagraph__label"):
        found[instrument].commitments.append((pk, Commitment.reference_of(number, label, ref), title))
    return list(found.values())


@dataclass
class DueSource:
    """Where a side's next due date was set, when not by its own last update."""

    milestone: object | None = None  # the milestone (dialogues') that set it, with its meeting
    series: list = field(default_factory=list)  # the series whose held meetings fulfil the commitment


def due_sources(commitment: Commitment, sides: list[CommitmentSide]) -> tuple[dict[int, DueSource], list]:
    """Per side, where its next due date comes from (a milestone set at a held meeting, or the meetings of the series
    that fulfils the commitment); and the commitment's milestones, withdrawn ones last. Milestones and series are the
    dialogues app's, read through their relations to the commitment: three queries."""
    milestones = list(commitment.milestones.select_related("meeting__series", "party").order_by(
        F("withdrawn_at").asc(nulls_first=True), "due_on", "pk"))
    series = [link.series for link in commitment.links_out.filter(kind=CommitmentLink.Kind.FULFILLED_BY)
              .select_related("series").order_by("pk")]
    zone, found = timezone.get_current_timezone(), {}
    for side in sides:
        mine = [m for m in milestones if m.withdrawn_at is None and m.party_id in (None, side.party_id)]
        due = open_milestone([(m.created_at, m.due_on) for m in mine], side.last_update_at, zone)
        if due is not None and due == side.due_on:
            found[side.pk] = DueSource(milestone=next(m for m in mine if m.due_on == due))
        elif series and side.due_on:
            found[side.pk] = DueSource(series=series)
    return found, milestones
