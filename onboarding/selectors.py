"""What the proposals are made from, read from the database: a partnership's paragraphs and parties (with their
organisations), and every clause already encoded with its owners."""

from django.db.models import Count

from agreement.models import Organisation, Partnership, Party
from agreement.reading import Reading, read_lines
from commitments.models import Commitment
from onboarding.owners import KnownClause
from onboarding.proposals import PREAMBLE_TITLES, TextParagraph
from onboarding.sides import OrganisationRef, PartyRef


def paragraphs_of(partnership: Partnership) -> list[TextParagraph]:
    first_part = partnership.parts.order_by("position").first()
    preamble = first_part is not None and (not first_part.has_heading or first_part.title.casefold() in PREAMBLE_TITLES)
    paragraphs = partnership.paragraphs.select_related("part").prefetch_related("subparagraphs").order_by("number")
    return [
        TextParagraph(p.number, p.text, preamble and p.part_id == first_part.pk,
                      tuple((sub.label, sub.text) for sub in p.subparagraphs.all()))
        for p in paragraphs
    ]


def parties_of(partnership: Partnership) -> list[PartyRef]:
    parties = list(partnership.parties.order_by("code"))
    organisations: dict[int, list[OrganisationRef]] = {party.pk: [] for party in parties}
    for organisation in Organisation.objects.filter(party__in=parties).order_by("slug"):
        organisations[organisation.party_id].append(
            OrganisationRef(organisation.slug, organisation.short_name, organisation.name))
    return [PartyRef(party.code, party.name, tuple(organisations[party.pk])) for party in parties]


def known_clauses(*, exclude: Partnership | None = None) -> list[KnownClause]:
    """Every encoded commitment's clause and owners, in five queries whatever their number; those of `exclude` left
    out."""
    commitments = Commitment.objects.select_related("paragraph__partnership").prefetch_related(
        "sides__party", "sides__owners__organisation").order_by("paragraph__partnership__slug", "paragraph__number", "position")
    if exclude is not None:
        commitments = commitments.exclude(paragraph__partnership=exclude)
    return [
        KnownClause(c.ref, c.paragraph.partnership.slug, c.paragraph.number, c.clause, tuple(
            (side.party.code, owner.organisation.slug, owner.role) for side in c.sides.all() for owner in side.owners.all()))
        for c in commitments
    ]


def reading_of(onboarding) -> Reading:
    """An onboarded text read with its stored corrections (raises AgreementFormatError as the reader does)."""
    return read_lines(onboarding.lines, onboarding.corrections)


def preview_items(preview) -> list[tuple[str, object]]:
    """The headings and paragraphs read, in the text's order: ("heading", HeadingRead) or ("paragraph", …)."""
    items = [(h.line, 0, "heading", h) for h in preview.headings] + [(p.line, 1, "paragraph", p) for p in preview.paragraphs]
    return [(kind, item) for _, _, kind, item in sorted(items, key=lambda i: (i[0], i[1]))]


def dropped_groups(preview) -> list[tuple[str, list]]:
    """What was dropped, by why: page furniture, the front matter, what follows the end, what was marked."""
    groups: dict[str, list] = {}
    for dropped in preview.dropped:
        title = "Page furniture" if dropped.why.startswith("page furniture") else dropped.why[:1].upper() + dropped.why[1:]
        groups.setdefault(title, []).append(dropped)
    return list(groups.items())


def line_readings(preview) -> dict[int, str]:
    """What the reader made of each line that starts something: the title, a heading, a paragraph, a
    sub-paragraph, a footnote, or why it was dropped. Lines that go on with the text above have none."""
    found = {line: "title" for line in preview.title_lines}
    for heading in preview.headings:
        found[heading.line] = f"heading: {heading.level}, {heading.form}"
    for paragraph in preview.paragraphs:
        found[paragraph.line] = f"¶{paragraph.number} starts"
        for sub in paragraph.subparagraphs:
            found[sub.line] = f"¶{paragraph.number}({sub.label}) starts"
    for note in preview.footnotes:
        found[note.line] = f"footnote {note.marker}"
    for dropped in preview.dropped:
        found[dropped.line] = f"dropped: {dropped.why}"
    return found


def organisations_by_party(partnership: Partnership) -> dict[str, list[Organisation]]:
    """The organisations of each of the partnership's parties, by code, in one query."""
    found: dict[str, list[Organisation]] = {party.code: [] for party in partnership.parties.all()}
    for organisation in Organisation.objects.filter(party__partnerships=partnership).select_related("party").order_by(
            "party__code", "short_name"):
        found[organisation.party.code].append(organisation)
    return found


def own_parties(partnership: Partnership) -> list:
    """The partnership's parties that no other partnership has: those whose organisations onboarding may add."""
    # Counted over all partnerships: the partnership's own relation would count only the row that joins it.
    parties = Party.objects.filter(pk__in=partnership.parties.values("pk")).annotate(shared=Count("partnerships"))
    return [party for party in parties.order_by("code") if party.shared == 1]
