"""Broken words mended from the document's own words, never from a dictionary of ours.

PDF extraction breaks words two ways. A ligature the font draws as one glyph (fi, fl, ff, ffi, ffl, and ll or tt in
some fonts) comes out as a space, or as nothing: "chal enging", "wel ", "ef ective", "con ict". And a word
hyphenated at the end of a line comes out in two pieces, where the hyphen may be the word's ("co-" / "operation")
or the typesetter's ("secur-" / "ity"). The reader mends a break when the rest of the document spells the word
one way only, and reports it as a doubt when it spells it both ways or not at all.
"""

import bisect
import re
from collections import Counter
from dataclasses import dataclass

WORD_RE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
LETTERS_RE = re.compile(r"[^\W\d_]+")
# What a ligature the extraction lost may have held: the whole glyph, put as a space ("con ict"), or the second
# letter of a doubled one ("chal enging", "ef ective"), put as a space or as nothing ("wel as").
LIGATURES = ("fi", "fl", "ff", "ffi", "ffl", "ft")
DOUBLED = "lft"


@dataclass(frozen=True)
class Mend:
    before: str
    after: str
    why: str


@dataclass(frozen=True)
class Unsure:
    fragment: str
    message: str


class Vocabulary:
    """How often the document spells each word (case-insensitive), hyphenated compounds counted whole and by
    their parts."""

    def __init__(self, texts):
        self.words = Counter()
        self.compounds = Counter()
        for text in texts:
            for token in WORD_RE.findall(text):
                token = token.casefold()
                if "-" in token:
                    self.compounds[token] += 1
                for part in LETTERS_RE.findall(token):
                    self.words[part] += 1

    def begins_another(self, fragment: str) -> bool:
        """Whether some other, longer word of the document starts with `fragment`."""
        return _has_longer(self._sorted(), fragment.casefold())

    def ends_another(self, fragment: str) -> bool:
        return _has_longer(self._sorted(reverse=True), fragment.casefold()[::-1])

    def _sorted(self, reverse: bool = False) -> list[str]:
        key = "_backwards" if reverse else "_forwards"
        if not hasattr(self, key):
            setattr(self, key, sorted(word[::-1] if reverse else word for word in self.words))
        return getattr(self, key)

    def count(self, word: str) -> int:
        return self.words[word.casefold()]

    def compound(self, word: str) -> int:
        return self.compounds[word.casefold()]


def _has_longer(words: list[str], prefix: str) -> bool:
    """Whether the sorted `words` hold one longer than `prefix` that starts with it."""
    index = bisect.bisect_right(words, prefix)
    return index < len(words) and words[index].startswith(prefix)


def mend_ligatures(text: str, vocabulary: Vocabulary) -> tuple[str, list[Mend], list[Unsure]]:
    """The line with the breaks the document's words settle mended; the mends; the breaks left in doubt."""
    mends, unsure, pieces, position = [], [], [], 0
    tokens = list(LETTERS_RE.finditer(text))
    index = 0
    while index < len(tokens) - 1:
        first, second = tokens[index], tokens[index + 1]
        if text[first.end():second.start()] != " " or not _suspect(first.group(), second.group(), vocabulary):
            index += 1
            continue
        choices = _readings(first.group(), second.group(), vocabulary)
        broken = text[first.start():second.end()]
        if len(choices) == 1:
            (mended,) = choices
            pieces.append(text[position:first.start()] + mended)
            position = second.end()
            mends.append(Mend(broken, mended, "a broken ligature: the document spells the word so elsewhere"))
            index += 2
            continue
        if choices:
            unsure.append(Unsure(broken, f"“{broken}” may be a broken word: {' or '.join(sorted(choices))}?"))
        elif _looks_broken(first.group(), second.group(), vocabulary):
            unsure.append(Unsure(broken, f"“{broken}” may be a broken word the document does not spell elsewhere"))
        index += 1
    pieces.append(text[position:])
    return "".join(pieces), mends, unsure


def _known(word: str, vocabulary: Vocabulary) -> bool:
    """A word the document uses more than here (its own occurrence counts once)."""
    return vocabulary.count(word) >= 2


def _suspect(first: str, second: str, vocabulary: Vocabulary) -> bool:
    return second[0].islower() and (not _known(first, vocabulary) or not _known(second, vocabulary))


def _looks_broken(first: str, second: str, vocabulary: Vocabulary) -> bool:
    """Two fragments, neither a word of the document, the first the start of other words of it and the second the
    end of others ("con ict" beside "consular" and "district"): a word broken where nothing says how to mend it.
    Two rare words side by side ("unjustified war") are not: one of them begins or ends no other word."""
    return not (_known(first, vocabulary) or _known(second, vocabulary)) and vocabulary.begins_another(
        first) and vocabulary.ends_another(second)


def _fills(first: str) -> tuple[str, ...]:
    return (*LIGATURES, first[-1]) if first[-1] in DOUBLED else LIGATURES


def _readings(first: str, second: str, vocabulary: Vocabulary) -> set[str]:
    """Each mending of "first second" into words the document spells elsewhere."""
    readings = {first + fill + second for fill in _fills(first) if vocabulary.count(first + fill + second)}
    if not _known(first, vocabulary) and first[-1] in DOUBLED and vocabulary.count(first + first[-1]):
        readings.add(f"{first}{first[-1]} {second}")
    if not _known(second, vocabulary):
        readings |= {f"{first} {fill}{second}" for fill in LIGATURES if vocabulary.count(fill + second)}
    return readings


def join_lines(text: str, more: str, vocabulary: Vocabulary) -> tuple[str, Mend | None, Unsure | None]:
    """`text` and the line after it, `more`, as one text; a word hyphenated across them re-joined the way the
    document spells it."""
    left, right = re.search(r"([^\W\d_]+)-$", text), re.match(r"[^\W\d_]+", more)
    if not text.endswith("-") or re.search(r"\s-$", text):
        return f"{text} {more}", None, None
    if not (left and right) or right.group()[0].isupper():
        return text + more, None, None  # "EU-" / "NATO": the hyphen is the name's
    hyphenated, solid = f"{left.group(1)}-{right.group()}", left.group(1) + right.group()
    with_hyphen, without = vocabulary.compound(hyphenated), vocabulary.count(solid)
    before = text[:left.start()].rstrip()
    if with_hyphen and not without:
        return text + more, None, None
    if without and left.group(1)[0].isupper() and before and not before.endswith((".", ":", "!", "?")):
        # A capital in mid-sentence starts a name ("Security and Co-" / "operation in Europe"): how the text spells
        # the common word does not say how it spells the name.
        return text + more, None, Unsure(hyphenated, f"“{hyphenated}” (in a name) or “{solid}”? The hyphen is kept")
    if without and not with_hyphen:
        return text[:-1] + more, Mend(f"{left.group(1)}- {right.group()}", solid, "a word hyphenated at a line end: the document spells it solid"), None
    spelled = "both ways" if with_hyphen else "neither way elsewhere"
    return text + more, None, Unsure(hyphenated, f"“{hyphenated}” or “{solid}”? The document spells it {spelled}; the hyphen is kept")
