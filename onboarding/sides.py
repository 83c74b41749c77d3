"""Who a clause binds, from its subject, in the partnership's own parties (never a literal "EU" or "UK").

- The parties the subject names bind: "The EU and the UK will …" both, "The UK will consider …" one. A party is
  named by its code, its name, its name without "Kingdom of" and the like, the short form the text defines
  ("the Kingdom of Ruritania (Ruritania)"), its adjective ("Ruritanian", "Norwegian"), or one of its organisations
  ("The HR will invite …" binds the HR's side).
- "X will be invited …" binds the side that invites, the other one(s).
- A subject that names no party ("They will …", "Cooperation will …", "Annual consultations will …", a passive
  "Possibilities … will be explored") binds all of them.
"""

import re
from dataclasses import dataclass, field

STATE_WORDS = r"(?:the\s+)?(?:Republic|Kingdom|Principality|Grand\s+Duchy|State|Federation|Commonwealth|Federal\s+Republic|United\s+Republic|Union)\s+of\s+"


@dataclass(frozen=True)
class OrganisationRef:
    slug: str
    short_name: str
    name: str


@dataclass(frozen=True)
class PartyRef:
    code: str
    name: str
    organisations: tuple[OrganisationRef, ...] = ()
    aliases: tuple[str, ...] = field(default=())  # more names the text gives it


def party_aliases(party: PartyRef) -> list[str]:
    """The words that name the party, longest first."""
    names = {party.code, party.name, *party.aliases}
    names.add(re.sub(r"^the\s+", "", party.name, flags=re.IGNORECASE))
    names.add(re.sub(rf"^{STATE_WORDS}", "", party.name, flags=re.IGNORECASE))
    if " of " in party.name and party.name.split(" of ")[0].count(" ") >= 1:
        names.add(party.name.split(" of ")[0])  # "United Kingdom" of "United Kingdom of Great Britain …"
    return sorted((n for n in names if len(n) >= 2), key=len, reverse=True)


def organisation_aliases(organisation: OrganisationRef) -> list[str]:
    names = {organisation.short_name, organisation.name, *organisation.short_name.split("/")}
    return sorted((n for n in names if len(n) >= 2), key=len, reverse=True)


def _matches(alias: str, text: str) -> list[re.Match]:
    """Where `text` names `alias`: a code or abbreviation as a word, in its case ("UK", "HR"); a name in any case,
    with an ending ("Ruritanian", "Union's"). A one-word name is not found inside a longer name: "Council" is not in
    "Security Council" or in "Council of Europe"."""
    if alias.isupper() or len(alias) <= 4:
        return list(re.finditer(rf"(?<![\w-]){re.escape(alias)}(?![\w])", text))
    found = list(re.finditer(rf"\b{re.escape(alias)}\w{{0,3}}\b", text, re.IGNORECASE))
    if " " in alias:
        return found
    return [m for m in found if not re.search(r"(?<![.:;] )\b(?!The\b)[A-Z][\w-]* $", text[:m.start()])
            and not re.match(r" of (?:the )?[A-Z]", text[m.end():])]


def defined_aliases(name: str, text: str) -> list[str]:
    """Short forms the text defines for a name: "the Kingdom of Ruritania (Ruritania)", "… (hereinafter 'X')"."""
    found = re.findall(rf"{re.escape(name)}\s*\((?:hereinafter\s+(?:referred\s+to\s+as\s+)?)?[“\"']?([^)“”\"']{{2,40}})[”\"']?\)",
                       text, re.IGNORECASE)
    return [alias.strip() for alias in found]


def _demonym(alias: str, text: str) -> bool:
    """The adjective of a one-word country name: Ruritanian, Canadian, Norwegian, Japanese, Atlantean."""
    if " " in alias or alias.isupper() or not alias[:1].isupper():
        return False
    stem = re.sub(r"(?:is|ia|a|e|y|o)$", "", alias)
    return len(stem) >= 3 and re.search(rf"\b{re.escape(stem)}(?:n|an|ian|ean|ese|ish|i|egian)\b", text) is not None


def mentioned(text: str, parties: list[PartyRef]) -> list[str]:
    """The codes of the parties `text` names, itself, by its adjective or through one of its organisations, in the
    parties' order."""
    codes = []
    for party in parties:
        names = party_aliases(party)
        aliases = names + [a for o in party.organisations for a in organisation_aliases(o)]
        if any(_matches(alias, text) for alias in aliases) or any(_demonym(name, text) for name in names):
            codes.append(party.code)
    return codes


def organisations_named(text: str, party: PartyRef) -> list[OrganisationRef]:
    """The party's organisations `text` names, a longer name winning over one inside it ("EEAS Crisis Response
    Centre" over "EEAS")."""
    spans, named = [], []
    for organisation in party.organisations:
        for alias in organisation_aliases(organisation):
            for match in _matches(alias, text):
                spans.append((match.start(), match.end(), organisation))
    for start, end, organisation in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        inside = any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in spans)
        if not inside and organisation not in named:
            named.append(organisation)
    return named


def sides_bound(subject: str, verb: str, parties: list[PartyRef]) -> tuple[list[str], str]:
    """The codes of the parties the clause binds, and why."""
    everyone = [party.code for party in parties]
    named = mentioned(subject, parties)
    if verb.startswith("be invited") and named:
        inviting = [code for code in everyone if code not in named]
        if inviting:
            return inviting, f"“{subject} will be invited”: the inviting side is bound"
    if named:
        shown = subject if len(subject) <= 60 else subject[:57].rstrip() + "…"
        return named, f"the subject, “{shown}”, names {' and '.join(named)}"
    return everyone, "the subject names no one party: all are bound" if subject else "no subject: all are bound"
