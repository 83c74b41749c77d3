"""What a curator does to a proposal, as pure functions: its title, where it may be split, the references of a
paragraph's proposals in the numbering of fixtures/commitments.toml, and a clause's strength and cadence read again
when it is split.

Split points: a clause may be split at a sentence's end, or at a comma, a semicolon or a conjunction ("and", "or",
"as well as") that is followed by a verb, a modal or "to" (a verb boundary). The first part ends before the
separator, the second starts at the word after it, so both still quote the text exactly."""

import re
from dataclasses import dataclass

from onboarding.cadence import cadence_of
from onboarding.clauses import ACTION_VERBS, EXPLORATORY, MODALS, OTHER_VERBS, SENTENCE_END_RE, clauses
from onboarding.proposals import strength_of

TITLE_LENGTH = 120  # Commitment.title
TITLE_WORDS = 90  # a proposed title is cut near here, at a word
SEPARATOR_RE = re.compile(r"(?:\s*[,;]\s*(?:(?:and|or)\s+)?|\s+(?:and|or|as well as)\s+)(?=(?P<word>[A-Za-z][\w-]*))")
VERB_WORDS = ACTION_VERBS | EXPLORATORY | MODALS | OTHER_VERBS | {"to", "be", "are", "is", "have", "has"}
TRAILING = re.compile(r"(?:[\s,;:.]+|\s+(?:and|or|of|the|to|in|on|for|with|a|an))+$", re.IGNORECASE)


@dataclass(frozen=True)
class Cut:
    first_end: int  # the first part is clause[:first_end]
    second_start: int  # the second part is clause[second_start:]
    before: str  # a few words either side, to show where it falls
    after: str


def title_for(clause: str, verb: str) -> str:
    """A first title for a clause: its words from its verb on ("Hold annual consultations on maritime security"),
    near 90 characters at most, cut at a word."""
    at = clause.lower().find(verb.split()[0]) if verb else -1
    words = (clause[at:] if at >= 0 else clause).strip()
    if len(words) > TITLE_WORDS:
        cut = words.rfind(" ", 0, TITLE_WORDS)
        words = words[:cut if cut > 20 else TITLE_WORDS]
    words = TRAILING.sub("", words) or clause.strip()[:TITLE_WORDS]
    return (words[:1].upper() + words[1:])[:TITLE_LENGTH]


def split_points(clause: str) -> list[Cut]:
    """Where the clause may be split into two commitments that each quote the text."""
    cuts = {}
    for match in SENTENCE_END_RE.finditer(clause):
        cuts[match.end()] = match.start() + len(match.group().rstrip())  # a footnote's marker stays with its sentence
    for match in SEPARATOR_RE.finditer(clause):
        if match.group("word").lower() in VERB_WORDS:
            cuts.setdefault(match.end(), match.start())
    found = []
    for second_start, first_end in sorted(cuts.items()):
        first, second = clause[:first_end].rstrip(), clause[second_start:].strip()
        if len(first.split()) < 2 or len(second.split()) < 2:
            continue
        found.append(Cut(len(first), second_start, _tail(first), _head(second)))
    return found


def _tail(text: str, words: int = 6) -> str:
    parts = text.split()
    return ("… " if len(parts) > words else "") + " ".join(parts[-words:])


def _head(text: str, words: int = 6) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def read_again(clause: str) -> tuple[str, str, str, str, str]:
    """A part's verb, strength (and why) and cadence (its words, and any doubt), read from its own words."""
    found = clauses(clause, split=False)
    first = found[0] if found else None
    strength, why = strength_of(first) if first else ("firm", "")
    cadence = cadence_of(clause)
    return (first.verb if first else ""), strength, why, cadence.cadence, cadence.doubt


def refs(keys: list[tuple[int, str | None]]) -> list[str]:
    """The references of proposals in text order, given each one's (paragraph number, sub-paragraph label):
    "<paragraph>.<n>" counting the paragraph's from 1; "12a" for a sub-paragraph with one, "12b.1", "12b.2" … for
    one with several."""
    counts: dict[tuple[int, str | None], int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    seen: dict[tuple[int, str | None], int] = {}
    result = []
    for number, label in keys:
        seen[(number, label)] = seen.get((number, label), 0) + 1
        n = seen[(number, label)]
        if label is None:
            result.append(f"{number}.{n}")
        else:
            result.append(f"{number}{label}" if counts[(number, label)] == 1 else f"{number}{label}.{n}")
    return result
