"""The encoding proposed for the EU–UK text, read through the new reader, against the curated one
(fixtures/commitments.toml, seeded into the test database): each curated commitment is matched to the proposal of
its paragraph (or sub-paragraph) whose clause shares most of its words; strength and the sides bound must agree
for at least 95 % of them."""

import re

import pytest

from agreement.reading import read_agreement
from commitments.models import Commitment
from onboarding.proposals import paragraphs_from, propose
from onboarding.selectors import known_clauses, parties_of
from tests.partnership.test_text_fidelity import SEED


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def matched(curated: Commitment, proposals):
    label = curated.subparagraph.label if curated.subparagraph_id else None
    candidates = [p for p in proposals if p.paragraph == curated.paragraph.number and p.subparagraph == label]
    wanted = words(curated.clause)
    return max(candidates, key=lambda p: len(wanted & words(p.clause)) / len(wanted), default=None)


def agreement_figures(partnership, known):
    proposals = propose(paragraphs_from(read_agreement(SEED.read_bytes()).agreement), parties_of(partnership), known)
    curated = list(Commitment.objects.filter(paragraph__partnership=partnership).select_related(
        "paragraph", "subparagraph").prefetch_related("sides__party", "sides__owners__organisation"))
    rows = []
    for commitment in curated:
        proposal = matched(commitment, proposals)
        sides = sorted(side.party.code for side in commitment.sides.all())
        leads = {(side.party.code, o.organisation.slug) for side in commitment.sides.all() for o in side.owners.all() if o.role == "lead"}
        rows.append((commitment, proposal, sides, leads))
    return proposals, rows


@pytest.fixture
def figures(partnership):
    # Owners come from the clauses of other partnerships only: none is encoded yet, so no curated owner leaks in.
    return agreement_figures(partnership, known_clauses(exclude=partnership))


def share(rows, agrees) -> float:
    return sum(1 for row in rows if row[1] is not None and agrees(*row)) / len(rows)


def test_strength_agrees_for_at_least_95_percent_of_the_curated_commitments(figures):
    proposals, rows = figures
    strength = share(rows, lambda c, p, sides, leads: p.strength == c.strength)
    print(f"\nstrength agreement: {strength:.1%} of {len(rows)} curated commitments ({len(proposals)} proposals)")
    assert len(rows) == 95
    assert strength >= 0.95


def test_the_sides_bound_agree_for_at_least_95_percent_of_the_curated_commitments(figures):
    proposals, rows = figures
    sides = share(rows, lambda c, p, sides, leads: sorted(p.parties) == sides)
    print(f"\nsides-bound agreement: {sides:.1%} of {len(rows)} curated commitments")
    assert sides >= 0.95


def test_every_proposed_clause_quotes_its_text_exactly(partnership):
    paragraphs = paragraphs_from(read_agreement(SEED.read_bytes()).agreement)
    texts = {(p.number, None): p.text for p in paragraphs} | {
        (p.number, label): text for p in paragraphs for label, text in p.subparagraphs}
    for proposal in propose(paragraphs, parties_of(partnership)):
        assert proposal.clause in texts[(proposal.paragraph, proposal.subparagraph)], proposal.ref
