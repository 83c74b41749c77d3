"""A clause's cadence from its words (the cadence rules of fixtures/commitments.toml): what the text says first,
a stated frequency before a one-off step, a one-off before invitations, invitations before "regular".
"Biannual" is read as six-monthly, the stricter reading, and flagged: it is also used for every second year."""

import re
from dataclasses import dataclass

from commitments.status import Cadence

AMBIGUOUS = [
    (re.compile(r"\bbi-?annual(?:ly)?\b", re.I), Cadence.SIX_MONTHLY,
     "“{words}” means twice a year, and is also used for every second year: six-monthly is proposed, the stricter "
     "reading; settle it with the other side"),
]
RULES = [
    (re.compile(r"\b(?:six[- ]monthly|twice a year|twice yearly|every six months|semi-annual(?:ly)?|half-yearly)\b", re.I),
     Cadence.SIX_MONTHLY),
    (re.compile(r"\b(?:annual(?:ly)?|every year|each year|yearly|once a year)\b", re.I), Cadence.ANNUAL),
    (re.compile(r"\b(?:biennial(?:ly)?|every two years|every second year)\b", re.I), Cadence.BIENNIAL),
    (re.compile(r"\b(?:establish(?:es|ed|ing)?|set up|launch|conclude|possibilit(?:y|ies) (?:of|for)|arrangements?)\b", re.I),
     Cadence.ONE_OFF),
    (re.compile(r"\b(?:invit(?:e|es|ed|ing|ation)|upon (?:the )?request|as needed|when needed|ad hoc|reviewed as appropriate)\b", re.I),
     Cadence.AD_HOC),
    (re.compile(r"\b(?:regular(?:ly)?|periodic(?:al|ally)?)\b", re.I), Cadence.REGULAR),
]


@dataclass(frozen=True)
class CadenceRead:
    cadence: str
    words: str  # the words it was read from; "" for continuous, which no word states
    doubt: str  # why a curator should check it; "" when the words are plain


def cadence_of(text: str) -> CadenceRead:
    for pattern, cadence, message in AMBIGUOUS:
        if match := pattern.search(text):
            return CadenceRead(cadence, match.group(), message.format(words=match.group()))
    for pattern, cadence in RULES:
        if match := pattern.search(text):
            return CadenceRead(cadence, match.group(), "")
    return CadenceRead(Cadence.CONTINUOUS, "", "")
