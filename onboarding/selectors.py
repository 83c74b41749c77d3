"""What the proposals are made from, read from the database: a partnership's paragraphs and parties (with their
organisations), and every clause already encoded with its owners."""

from agreement.models import Organisation, Partnership
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
