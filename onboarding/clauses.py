"""An operative paragraph's clauses, split by their verbs: the rules at the top of fixtures/commitments.toml, as code.

1. A sentence is operative when it carries a commitment verb: "will / shall / may / must …", "are committed /
   dedicated to", "is / are to be …", "have decided to", "takes place", "aim to". Others ("share a strategic
   interest", "would be carried out") are not commitments.
2. A sentence is split at each coordinated verb phrase that names a distinct action: ", and explore …",
   "… and share …", ", cooperate …", ", and will ensure …", "and, the UK will invite …" (a new subject); and at an
   aspirational participle beside a firm verb ("…, and exploring …").
3. Not split: paired verbs on one object ("strengthen and enhance", "detect, analyse and respond": nothing between
   the verbs), infinitives ("in order to raise … and to strengthen"), nouns that look like verbs ("support for",
   "exchange of"), and participles describing the same action ("exchanging views … and promoting …").
4. Each clause quotes the text exactly: a split clause ends before its conjunction and the next starts at its verb;
   an introductory phrase before the subject ("In this context, the EU and the UK will …") is left out.
"""

import re
from dataclasses import dataclass

MAIN_RE = re.compile(
    r"\b(?:(?P<modal>will|shall|may|must)(?:\s*,[^,]{1,40},)?(?:\s+(?:also|further|therefore|jointly|closely|"
    r"regularly|together|both|continue\s+to|not))*\s+(?P<verb>be\s+[a-z]+|[a-z]+)"
    r"|(?P<committed>(?:are|is)\s+(?:also\s+)?(?:committed|dedicated|determined|resolved)\s+to)"
    r"|(?P<tobe>(?:are|is)\s+to\s+be\s+[a-z]+)"
    r"|(?P<decided>(?:have|has)\s+(?:also\s+)?decided\s+to\s+[a-z]+)"
    r"|(?P<place>takes?\s+place)"
    r"|(?P<aim>(?:aim|aims|intend|intends|undertake|undertakes|endeavour|endeavours)\s+to\s+[a-z]+))\b",
    re.IGNORECASE)
RELATIVE = ("that", "which", "who", "whom")

# Bare verbs that start a distinct action when coordinated after an object (rule 2). Words that are as often
# adjectives or nouns after a comma ("secure", "joint", "research") are left out.
ACTION_VERBS = frozenset("""
address adopt advance aim assist build collaborate combat conduct consider consult continue contribute cooperate
co-operate coordinate co-ordinate counter create deepen develop discuss encourage engage enhance ensure establish
examine exchange expand explore facilitate foster hold implement improve increase intensify invite launch maintain
monitor organise participate prepare prevent promote provide pursue reinforce respond review seek share step
strengthen support tackle work
""".split())
EXPLORATORY = frozenset("""
explore explores explored exploring consider considers considered considering seek seeks seeking sought aim aims
aiming examine examines examined examining study studies studied endeavour endeavours
""".split())
EXPLORATORY_PARTICIPLES = frozenset({"exploring", "seeking", "considering", "examining"})
NOUN_AFTER = frozenset({"of", "for"})  # "support for …", "exchange of …": the word is a noun
NOUN_BEFORE_TO = frozenset({"support", "exchange", "review", "visit"})  # "… and support to UN Peacekeeping" 
ADVERBS = frozenset({"also", "further", "closely", "jointly", "together", "regularly", "therefore", "then"})
MODALS = frozenset({"will", "shall", "may", "must"})
# Verbs that head an infinitive ("in order to raise …") without naming an action of their own.
OTHER_VERBS = frozenset("""
achieve agree allow analyse analyze assess benefit bring define detect deter enable evaluate frame give identify
inform make meet mitigate observe protect raise reduce take translate undermine upscale
""".split())
PRONOUN_SUBJECTS = frozenset({"both", "they", "together", "each"})
TOKEN_RE = re.compile(r"[^\W\d_][\w'’/-]*|\d[\w./-]*|[,;:()]")
SENTENCE_END_RE = re.compile(r"(?<=[.!?])[¹²³⁴⁵⁶⁷⁸⁹⁰]*\s+(?=[A-Z“\"(])")
ABBREVIATIONS = ("e.g.", "i.e.", "No.", "Art.", "para.", "cf.", "etc.", "Mr.", "Ms.", "Dr.", "St.")


@dataclass(frozen=True)
class Clause:
    start: int  # offsets in the paragraph's (or sub-paragraph's) text
    end: int
    text: str
    subject: str  # the words before the verb that says who acts ("" when the sentence has none)
    verb: str  # the verb as written, lower case: "explore", "be invited", "takes place"; "" when none
    exploratory: bool
    permissive: bool  # "may": worded as a possibility


@dataclass(frozen=True)
class _Token:
    word: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.word.lower()


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, the full stop (and any footnote marker) included."""
    spans, start = [], 0
    for match in SENTENCE_END_RE.finditer(text):
        if text[:match.start()].endswith(ABBREVIATIONS):
            continue
        spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def main_verb(sentence: str) -> re.Match | None:
    """The sentence's commitment verb, skipping one in a relative clause ("… Partnership that will frame …")."""
    for match in MAIN_RE.finditer(sentence):
        before = sentence[:match.start()].split()
        if not (match.group("modal") and before and before[-1].lower() in RELATIVE):
            return match
    return None


def _verb_of(match: re.Match) -> str:
    for name in ("verb", "committed", "tobe", "decided", "place", "aim"):
        if match.group(name):
            return " ".join(match.group(name).lower().split())
    return ""


def _exploratory(verb: str, after: str) -> bool:
    """"explore", "consider", "seek to", "aim to", "be explored", or a verb that governs one ("continue to
    explore")."""
    following = after.lower().split()[:2]
    return any(word in EXPLORATORY for word in verb.split()) or (
        len(following) == 2 and following[0] == "to" and following[1] in EXPLORATORY)


def clauses(text: str, *, split: bool = True) -> list[Clause]:
    """The operative clauses of a text: one per operative sentence, or, with `split`, one per distinct action.
    A text with no commitment verb at all (a sub-paragraph of a list: "Six-monthly … dialogues between …") is one
    clause with no verb."""
    found = []
    for start, end in sentences(text):
        sentence = text[start:end]
        match = main_verb(sentence)
        if match is None:
            continue
        found += _split(text, start, end, match) if split else [_whole(text, start, end, match)]
    if not found and text.strip():
        found.append(Clause(0, len(text.rstrip()), text.rstrip(), text.rstrip(), "", False, False))
    return found


def _whole(text: str, start: int, end: int, match: re.Match) -> Clause:
    sentence = text[start:end]
    subject = sentence[:match.start()].strip(" ,")
    verb = _verb_of(match)
    return Clause(start, end, sentence, subject, verb, _exploratory(verb, sentence[match.end():]),
                  (match.group("modal") or "").lower() == "may")


def _split(text: str, start: int, end: int, match: re.Match) -> list[Clause]:
    sentence = text[start:end]
    tokens = [_Token(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(sentence)]
    at = max((i for i, token in enumerate(tokens) if token.start < match.end()), default=0)  # the verb's token
    verb = _verb_of(match)
    subject = sentence[:match.start()].strip(" ,")
    cuts = _cuts(tokens, at, _exploratory(verb, sentence[match.end():]))
    pieces, begin, head = [], _subject_start(sentence, subject), (subject, verb, match.end())
    for conjunction, resume, next_subject, next_verb, verb_end in cuts:
        pieces.append((begin, tokens[conjunction].start, *head))
        begin, head = tokens[resume].start, (subject if next_subject is None else next_subject, next_verb, verb_end)
    pieces.append((begin, len(sentence), *head))
    permissive = (match.group("modal") or "").lower() == "may"
    result = []
    for piece_start, piece_end, piece_subject, piece_verb, verb_end in pieces:
        piece = sentence[piece_start:piece_end].rstrip(" ,;")
        result.append(Clause(start + piece_start, start + piece_start + len(piece), piece, piece_subject, piece_verb,
                             _exploratory(piece_verb, sentence[verb_end:]), permissive))
    return result


def _cuts(tokens: list[_Token], at: int, exploratory: bool) -> list[tuple[int, int, str | None, str, int]]:
    """Where the sentence splits: (conjunction's token, the next clause's first token, its own subject if it has
    one, its verb, where its verb ends)."""
    cuts, last_verb, index = [], at, at + 1
    while index < len(tokens):
        word = tokens[index].lower
        if word == "to":
            verb_at = _skip(tokens, index + 1, ADVERBS)
            if verb_at < len(tokens) and _infinitive(tokens[verb_at].lower):
                last_verb, index = verb_at, verb_at + 1  # an infinitive heads what follows, it splits nothing
                continue
        if word in (",", "and"):
            found = _coordinated(tokens, index, last_verb, exploratory)
            if found:
                resume, verb_at, subject, cut = found
                if cut:
                    verb, verb_end = tokens[verb_at].lower, tokens[verb_at].end
                    if verb == "be" and verb_at + 1 < len(tokens):
                        verb, verb_end = f"be {tokens[verb_at + 1].lower}", tokens[verb_at + 1].end
                    cuts.append((index, resume, subject, verb, verb_end))
                    exploratory = any(word in EXPLORATORY for word in verb.split())
                last_verb, index = verb_at, verb_at + 1
                continue
        index += 1
    return cuts


def _infinitive(word: str) -> bool:
    """After "to": a verb ("to detect"), not what "to" leads to ("to the UN", "to hybrid threats")."""
    return word in ACTION_VERBS or word in OTHER_VERBS


def _skip(tokens: list[_Token], index: int, words: frozenset) -> int:
    while index < len(tokens) and tokens[index].lower in words:
        index += 1
    return index


def _coordinated(tokens: list[_Token], index: int, last_verb: int, exploratory: bool):
    """What follows a comma or "and": (where the next clause starts, its verb's token, its subject or None,
    whether to cut there), or None when no verb phrase is coordinated here."""
    resume = index + 1
    if tokens[index].lower == "," and resume < len(tokens) and tokens[resume].lower == "and":
        resume += 1
    if resume < len(tokens) and tokens[resume].word == ",":
        resume += 1
    has_and = any(t.lower == "and" for t in tokens[index:resume])
    verb_at = _skip(tokens, _skip(tokens, resume, MODALS), ADVERBS)
    if verb_at >= len(tokens):
        return None
    following = tokens[verb_at + 1].lower if verb_at + 1 < len(tokens) else ""
    # Two words or more between the verbs (an object): two actions, not a pair ("strengthen and enhance") or a
    # list of verbs ("prevent, deter and respond").
    separated = sum(1 for t in tokens[last_verb + 1:index] if t.word[0].isalnum()) >= 2
    verb = tokens[verb_at].lower
    noun = following in NOUN_AFTER or (following == "to" and verb in NOUN_BEFORE_TO)
    if verb in ACTION_VERBS and not noun:
        return resume, verb_at, None, separated
    if has_and and verb in EXPLORATORY_PARTICIPLES and not exploratory:
        return resume, verb_at, None, separated
    if has_and and (modal := _new_subject(tokens, resume)) is not None:
        subject = " ".join(t.word for t in tokens[resume:modal])
        verb_at = _skip(tokens, modal + 1, ADVERBS)
        return (resume, min(verb_at, len(tokens) - 1), subject, separated) if separated else None
    return None


def _new_subject(tokens: list[_Token], start: int) -> int | None:
    """The modal of a clause with a subject of its own ("the UK will …") starting at `start`, within six words."""
    for index in range(start, min(start + 7, len(tokens))):
        word = tokens[index].lower
        if word in MODALS and index > start:
            return None if tokens[index - 1].lower in RELATIVE else index
        if word in (",", ";", ":", "(") or word in ACTION_VERBS or word == "and":
            return None
    return None


def _subject_start(sentence: str, subject: str) -> int:
    """Where the clause starts: after an introductory phrase that ends with a comma before the subject ("In this
    context, the EU and …"), else at the sentence's start."""
    if "," not in subject:
        return 0
    head, _, rest = subject.rpartition(",")
    if rest.strip().lower().split()[:1] and rest.strip().lower().split()[0] in PRONOUN_SUBJECTS:
        return 0
    if head.strip().lower() in PRONOUN_SUBJECTS or "(" in rest or not rest.strip():
        return 0
    if rest.strip().lower().startswith(("the ", "its ", "both ")) or rest.strip()[:1].isupper():
        return sentence.index(rest.strip(), len(head))
    return 0
