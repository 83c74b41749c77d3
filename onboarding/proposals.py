"""A proposed encoding of an agreement: for each operative paragraph and sub-paragraph, its clauses split by their
verbs, each with a strength, the sides it binds, a cadence and suggested owners, for a curator to review.

Pure: the text, the parties and the clauses already encoded come in as data (onboarding.selectors reads them
from the database), the proposals go out as data. Which paragraphs are operative: all but those of an opening
part that is the preamble (unheaded, or headed "Preamble", "Preface", "Introduction", "Context"). A paragraph that
introduces sub-paragraphs (its text ends with a colon) proposes nothing of its own; each sub-paragraph is one
commitment, unless its sentences bind different sides ("The HR may invite …. The UK may invite …"), which are
then one each. A redacted paragraph ("DELETED") proposes nothing.
"""

from dataclasses import dataclass, field, replace

from agreement.parsing import ParsedAgreement
from agreement.reading.forms import REDACTION_RE
from commitments.status import Strength
from onboarding.cadence import cadence_of
from onboarding.clauses import Clause, clauses
from onboarding.owners import KnownClause, ProposedOwner, party_words, suggest_owners
from onboarding.sides import PartyRef, defined_aliases, sides_bound

PREAMBLE_TITLES = frozenset({"preamble", "preface", "introduction", "context", "recitals"})


@dataclass(frozen=True)
class TextParagraph:
    number: int
    text: str
    preamble: bool
    subparagraphs: tuple[tuple[str, str], ...] = ()  # (label, text)


@dataclass
class ProposedSide:
    party: str  # the party's code
    owners: list[ProposedOwner] = field(default_factory=list)


@dataclass
class Proposal:
    ref: str  # "14.2", "12a", "12b.1", numbered as fixtures/commitments.toml numbers them
    paragraph: int
    subparagraph: str | None
    clause: str  # the text's words, exactly: `clause in text` holds
    verb: str
    strength: str
    strength_why: str
    sides: list[ProposedSide]
    sides_why: str
    cadence: str
    cadence_words: str
    cadence_doubt: str
    notes: list[str] = field(default_factory=list)

    @property
    def parties(self) -> list[str]:
        return [side.party for side in self.sides]


def paragraphs_from(parsed: ParsedAgreement) -> list[TextParagraph]:
    """The paragraphs of a text just read (agreement.reading), before it is imported."""
    first = parsed.parts[0] if parsed.parts else None
    preamble_part = first is not None and (not first.has_heading or first.title.casefold() in PREAMBLE_TITLES)
    return [TextParagraph(p.number, p.text, preamble_part and p.part == 0,
                          tuple((sub.label, sub.text) for sub in p.subparagraphs)) for p in parsed.paragraphs]


def with_defined_aliases(parties: list[PartyRef], paragraphs: list[TextParagraph]) -> list[PartyRef]:
    """The parties, each also known by the short form the text defines for it ("the Kingdom of Ruritania
    (Ruritania)")."""
    text = " ".join(paragraph.text for paragraph in paragraphs[:12])
    return [replace(party, aliases=(*party.aliases, *defined_aliases(party.name, text))) for party in parties]


def propose(paragraphs: list[TextParagraph], parties: list[PartyRef], known: list[KnownClause] = ()) -> list[Proposal]:
    parties = with_defined_aliases(parties, paragraphs)
    context = _Context(parties, list(known), party_words(parties))
    proposals = []
    for paragraph in paragraphs:
        if paragraph.preamble:
            continue
        chapeau = bool(paragraph.subparagraphs) and paragraph.text.rstrip().endswith(":")
        if not chapeau and not REDACTION_RE.match(paragraph.text):
            found = clauses(paragraph.text)
            proposals += [context.proposal(f"{paragraph.number}.{i}", paragraph.number, None, clause)
                          for i, clause in enumerate(found, start=1)]
        for label, text in paragraph.subparagraphs:
            if REDACTION_RE.match(text):
                continue  # nothing to encode where the release withholds the words
            found = _subparagraph_clauses(text, parties)
            prefix = f"{paragraph.number}{label}"
            proposals += [context.proposal(prefix if len(found) == 1 else f"{prefix}.{i}", paragraph.number, label, c)
                          for i, c in enumerate(found, start=1)]
    return proposals


def _subparagraph_clauses(text: str, parties: list[PartyRef]) -> list[Clause]:
    """One clause for the whole sub-paragraph, unless its sentences bind different sides. A sentence without a verb
    of its own ("(b) on capacity building. Courses will be held annually.", under a chapeau's verb) stays in it."""
    found = clauses(text, split=False)
    if not found:  # a label standing alone (the reader says so): nothing to propose
        return []
    bound = {tuple(sides_bound(c.subject, c.verb, parties)[0]) for c in found}
    if len(bound) > 1:
        return found
    first = found[0]
    whole = text.rstrip()
    return [Clause(0, len(whole), whole, first.subject, first.verb, first.exploratory, first.permissive)]


@dataclass
class _Context:
    parties: list[PartyRef]
    known: list[KnownClause]
    ignore: frozenset[str]

    def proposal(self, ref: str, paragraph: int, subparagraph: str | None, clause: Clause) -> Proposal:
        codes, sides_why = sides_bound(clause.subject, clause.verb, self.parties)
        by_code = {party.code: party for party in self.parties}
        sides = [ProposedSide(code, suggest_owners(clause.text, clause.subject, by_code[code], self.known,
                                                   ignore=self.ignore)) for code in codes]
        cadence = cadence_of(clause.text)
        strength, strength_why = strength_of(clause)
        notes = ["worded as a possibility (“may”): proposed as firm, a standing mechanism; check"] if clause.permissive else []
        return Proposal(ref, paragraph, subparagraph, clause.text, clause.verb, strength, strength_why, sides,
                        sides_why, cadence.cadence, cadence.words, cadence.doubt, notes)


def strength_of(clause: Clause) -> tuple[str, str]:
    if not clause.verb:
        return Strength.FIRM, "no verb of its own: a mechanism the paragraph sets up"
    if clause.exploratory:
        return Strength.EXPLORATORY, f"“{clause.verb}” explores or aspires"
    return Strength.FIRM, f"“{clause.verb}” commits"
