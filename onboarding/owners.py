"""Owners suggested for a side of a proposed clause: the bodies the clause names, else those that own the most
similar clauses already encoded (any partnership), by the words they share.

1. An organisation of the side the clause names leads (the rule of fixtures/commitments.toml: where the text names
   a body, that body leads on its side). One named in the subject ("The HR may invite …") leads and those named
   further on support it.
2. Otherwise the known clauses with owners on this side are ranked by the share of their words this clause has
   too (Jaccard, over words that say what the clause is about: no function words, no party names). The five
   nearest vote, by similarity: a lead counts twice a supporting role. The organisation with most votes as lead
   leads; the others with at least half its votes support (three at most).
"""

import re
from collections import defaultdict
from dataclasses import dataclass

from onboarding.sides import PartyRef, organisations_named, party_aliases

STOPWORDS = frozenset("""
a an and are as at be been between both by for from has have in including into is its it of on or such that the
their them these they this those through to under upon which while will with within would shall may also further
other all any each relevant respective including inter alia well notably particular appropriate
""".split())
NEAREST = 5
MIN_SIMILARITY = 0.08
SUPPORTING_SHARE = 0.5
MAX_SUPPORTING = 3


@dataclass(frozen=True)
class KnownClause:
    """A clause already encoded, and its owners on each side: (party code, organisation slug, role)."""

    ref: str
    partnership: str
    paragraph: int
    clause: str
    owners: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class ProposedOwner:
    organisation: str  # slug
    role: str  # "lead" or "supporting"
    why: str


def content_words(text: str, ignore: frozenset[str] = frozenset()) -> frozenset[str]:
    words = (word.lower() for word in re.findall(r"[^\W\d_][\w-]*", text))
    return frozenset(w for w in words if len(w) > 2 and w not in STOPWORDS and w not in ignore)


def party_words(parties: list[PartyRef]) -> frozenset[str]:
    return frozenset(word for party in parties for alias in party_aliases(party) for word in content_words(alias))


def suggest_owners(clause: str, subject: str, party: PartyRef, known: list[KnownClause], *,
                   ignore: frozenset[str] = frozenset()) -> list[ProposedOwner]:
    named = _named(clause, subject, party)
    if named:
        return named
    return _by_similarity(clause, party, known, ignore)


def _named(clause: str, subject: str, party: PartyRef) -> list[ProposedOwner]:
    in_subject = organisations_named(subject, party) if subject and subject != clause else []
    named = organisations_named(clause, party)
    if not named:
        return []
    leads = in_subject or named
    return [ProposedOwner(o.slug, "lead", "the clause names it" + (" as who acts" if in_subject else ""))
            for o in leads] + [ProposedOwner(o.slug, "supporting", "the clause names it") for o in named
                               if o not in leads]


def _by_similarity(clause: str, party: PartyRef, known: list[KnownClause], ignore: frozenset[str]) -> list[ProposedOwner]:
    words = content_words(clause, ignore)
    if not words:
        return []
    ranked = []
    for item in known:
        owners = [(slug, role) for code, slug, role in item.owners if code == party.code]
        if owners:
            other = content_words(item.clause, ignore)
            score = len(words & other) / len(words | other) if other else 0.0
            if score >= MIN_SIMILARITY:
                ranked.append((score, item, owners))
    ranked.sort(key=lambda entry: (-entry[0], entry[1].partnership, entry[1].paragraph, entry[1].ref))
    votes, lead_votes, seen_in = defaultdict(float), defaultdict(float), defaultdict(list)
    for score, item, owners in ranked[:NEAREST]:
        for slug, role in owners:
            votes[slug] += score * (2 if role == "lead" else 1)
            lead_votes[slug] += score if role == "lead" else 0
            seen_in[slug].append(item.ref)
    if not lead_votes or max(lead_votes.values()) == 0:
        return []
    lead = max(lead_votes, key=lambda slug: (lead_votes[slug], votes[slug], slug))
    supporting = sorted((slug for slug in votes if slug != lead and votes[slug] >= SUPPORTING_SHARE * votes[lead]),
                        key=lambda slug: (-votes[slug], slug))[:MAX_SUPPORTING]
    why = "owns the similar clauses {}"
    return [ProposedOwner(lead, "lead", why.format(", ".join(seen_in[lead])))] + [
        ProposedOwner(slug, "supporting", why.format(", ".join(seen_in[slug]))) for slug in supporting]
