"""The curated encoding of an onboarded partnership, in the format of fixtures/commitments.toml (whose header gives
the rules), as the dict tomllib would read from that file and as its text; and the new party's organisations in
the format of fixtures/organisations.toml. The text is diff-friendly: one entry per commitment in text order, the
keys in the fixtures' order, nothing that changes between two downloads of the same encoding."""

import json
import re

from agreement.models import Organisation, Partnership
from agreement.writing import agreement_text
from onboarding.models import Onboarding, ProposedCommitment
from onboarding.selectors import own_parties


def commitment_entry(proposal: ProposedCommitment) -> dict:
    entry = {"ref": proposal.ref, "paragraph": proposal.paragraph.number}
    if proposal.subparagraph_id:
        entry["subparagraph"] = proposal.subparagraph.label
    entry |= {"title": proposal.title, "clause": proposal.clause, "strength": proposal.strength,
              "cadence": proposal.cadence}
    if proposal.cadence_note:
        entry["cadence_note"] = proposal.cadence_note
    if proposal.note:
        entry["note"] = proposal.note
    for side in proposal.sides:
        owners = {}
        if side["lead"]:
            owners["lead"] = side["lead"][0] if len(side["lead"]) == 1 else list(side["lead"])
        if side["supporting"]:
            owners["supporting"] = list(side["supporting"])
        entry[side["party"]] = owners
    return entry


def encoding(proposals: list[ProposedCommitment]) -> dict:
    """The kept proposals, in text order, as `load_commitments` takes them."""
    return {"commitment": [commitment_entry(p) for p in proposals if not p.dropped]}


def kept_proposals(onboarding: Onboarding) -> list[ProposedCommitment]:
    return list(onboarding.proposals.filter(dropped=False).select_related("paragraph", "subparagraph")
                .order_by("position"))


def _string(value: str) -> str:
    # A JSON string is a TOML basic string, but for DEL, which TOML wants escaped.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _key(key: str) -> str:
    """A key as TOML allows it bare, else quoted (a party's code may be a capital outside ASCII)."""
    return key if BARE_KEY.fullmatch(key) else _string(key)


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    return "{ " + ", ".join(f"{_key(key)} = {_value(item)}" for key, item in value.items()) + " }" if value else "{}"


def _tables(name: str, entries: list[dict]) -> str:
    return "".join(f"\n[[{name}]]\n" + "".join(f"{_key(key)} = {_value(value)}\n" for key, value in entry.items())
                   for entry in entries)


def _comment(text: str) -> str:
    return "".join(f"# {line}".rstrip() + "\n" for line in text.splitlines())


def commitments_toml(partnership: Partnership, data: dict, filename: str) -> str:
    _, part_headings = agreement_text(partnership)
    entry = _tables("partnership", [{"slug": partnership.slug, "short_title": partnership.short_title,
                                     "text": f"{partnership.slug}.txt", "commitments": f"{partnership.slug}-commitments.toml",
                                     **({"part_headings": part_headings} if part_headings else {})}])
    header = (f"Commitments of the {partnership.title} ({partnership.place}, {partnership.adopted_on:%-d %B %Y}).\n\n"
              f"Curated in the tracker's onboarding from {filename}: the encoding it proposed, as the curator accepted,\n"
              "edited, split and merged it, in the format of fixtures/commitments.toml (its header gives the rules).\n"
              "`python manage.py seed` loads it back: put the text as imported (the onboarding's agreement.txt) and\n"
              "this file in fixtures/, the new party's organisations (its organisations.toml) in\n"
              "fixtures/organisations.toml, and this entry in fixtures/partnerships.toml:\n" + entry)
    return _comment(header) + _tables("commitment", data["commitment"])


def organisations_data(partnership: Partnership) -> dict:
    """The parties only this partnership has, and their organisations: what onboarding added."""
    own = own_parties(partnership)
    organisations = Organisation.objects.filter(party__in=own).select_related("party", "parent").order_by("party__code", "slug")
    return {
        "party": [{"code": party.code, "name": party.name} for party in own],
        "organisation": [
            {"slug": o.slug, "party": o.party.code, **({"parent": o.parent.slug} if o.parent_id else {}),
             "short_name": o.short_name, "name": o.name} for o in organisations],
    }


def organisations_toml(partnership: Partnership, data: dict) -> str:
    header = (f"The parties and organisations of the {partnership.title} that no other partnership has, in the\n"
              "format of fixtures/organisations.toml (the EU's bodies are shared: they are there already).")
    return _comment(header) + _tables("party", data["party"]) + _tables("organisation", data["organisation"])

