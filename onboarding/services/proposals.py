"""The curator's work on the proposed commitments: edit, split, merge, drop; owners filled in; an organisation of
the new party added on the way. Each write keeps every clause quoting its text exactly, renumbers the references
of the paragraph in the numbering of fixtures/commitments.toml, and is audited."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from agreement.models import Organisation, Party
from audit import log as audit
from commitments.status import Cadence, Strength
from onboarding.curating import TITLE_LENGTH, read_again, refs, split_points, title_for
from onboarding.models import Onboarding, ProposedCommitment
from onboarding.sides import OrganisationRef, PartyRef, organisations_named

NOTE_LENGTH = 2000
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ROLES = ("lead", "supporting")


def _curated(proposal: ProposedCommitment, *, reshaping: bool = False) -> ProposedCommitment:
    """The proposal, locked with its onboarding, which must be imported. Reshaping (split, merge, drop) renumbers
    the references, which publishing matches commitments by: once published it would re-point their recorded
    history to other clauses, so it is refused; and a dropped proposal is taken back before it is reshaped."""
    onboarding = Onboarding.objects.select_for_update().get(pk=proposal.onboarding_id)
    if onboarding.state == Onboarding.State.READING:
        raise ValidationError("Import the text first: there is nothing proposed yet.")
    if reshaping and onboarding.published_at is not None:
        raise ValidationError("The commitments are published: split, merge or drop them no more (their history would "
                              "follow the references to other clauses); edit their owners, strength or cadence.")
    return ProposedCommitment.objects.select_related("paragraph", "subparagraph", "onboarding__partnership").get(
        pk=proposal.pk)


def _kept(proposal: ProposedCommitment) -> ProposedCommitment:
    if proposal.dropped:
        raise ValidationError("This proposal is dropped: keep it again before splitting or merging it.")
    return proposal


def _renumber(onboarding_id: int) -> None:
    """References counted again over the proposals kept, in text order; a dropped one keeps its last."""
    kept = list(ProposedCommitment.objects.filter(onboarding_id=onboarding_id, dropped=False)
                .select_related("paragraph", "subparagraph").order_by("position"))
    new = refs([(p.paragraph.number, p.subparagraph.label if p.subparagraph_id else None) for p in kept])
    changed = []
    for proposal, ref in zip(kept, new):
        if proposal.ref != ref:
            proposal.ref = ref
            changed.append(proposal)
    ProposedCommitment.objects.bulk_update(changed, ["ref"])


def _organisations(party_code: str) -> dict[str, Organisation]:
    return {o.slug: o for o in Organisation.objects.filter(party__code=party_code)}


@transaction.atomic
def proposal_edit(*, proposal: ProposedCommitment, by, title: str, strength: str, cadence: str, cadence_note: str,
                  owners: dict[str, dict[str, str]]) -> ProposedCommitment:
    """Title, strength, cadence (and its note) and, for each side, its owners: {party: {slug: "lead" |
    "supporting"}}, each an organisation of that side's party."""
    proposal = _curated(proposal)
    errors, title = {}, title.strip()
    if not title or len(title) > TITLE_LENGTH or "\x00" in title:
        errors["title"] = f"Give the commitment a title of at most {TITLE_LENGTH} characters."
    if strength not in Strength.values:
        errors["strength"] = "Choose firm or exploratory."
    if cadence not in Cadence.values:
        errors["cadence"] = "Choose a cadence."
    if len(cadence_note) > NOTE_LENGTH or "\x00" in cadence_note:
        errors["cadence_note"] = f"Keep the note to {NOTE_LENGTH} characters, without NUL characters."
    sides = []
    for side in proposal.sides:
        chosen = owners.get(side["party"], {})
        known = _organisations(side["party"])
        if any(slug not in known or role not in ROLES for slug, role in chosen.items()):
            errors["owners"] = f"Choose {side['party']} owners among the {side['party']} organisations."
        sides.append({"party": side["party"], "lead": [s for s, r in chosen.items() if r == "lead"],
                      "supporting": [s for s, r in chosen.items() if r == "supporting"]})
    if errors:
        raise ValidationError(errors)
    before = {"title": proposal.title, "strength": proposal.strength, "cadence": proposal.cadence, "sides": proposal.sides}
    proposal.title, proposal.strength, proposal.cadence = title, strength, cadence
    proposal.cadence_note, proposal.sides = cadence_note.strip(), sides
    proposal.save(update_fields=["title", "strength", "cadence", "cadence_note", "sides"])
    audit.write("proposed commitment edited", by=by, object_ref=f"onboarding {proposal.onboarding_id} {proposal.ref}",
                details={"before": before, "after": {"title": title, "strength": strength, "cadence": cadence,
                                                     "sides": sides}})
    return proposal


@transaction.atomic
def proposal_split(*, proposal: ProposedCommitment, by, at: int) -> tuple[ProposedCommitment, ProposedCommitment]:
    """Two proposals from one, split where its second part starts (`at`, one of curating.split_points): each part's
    strength and cadence read from its own words, both binding the same sides with the same owners; the first keeps
    its title."""
    proposal = _kept(_curated(proposal, reshaping=True))
    cut = next((c for c in split_points(proposal.clause) if c.second_start == at), None)
    if cut is None:
        raise ValidationError({"at": "Choose one of the places offered: a sentence's end or a verb."})
    first, second = proposal.clause[:cut.first_end], proposal.clause[cut.second_start:]
    second_start = proposal.start + cut.second_start
    text = proposal.text
    if text[proposal.start:proposal.start + len(first)] != first or text[second_start:second_start + len(second)] != second:
        raise ValidationError({"at": "The clause no longer quotes its paragraph where it stands: it cannot be split."})
    verb, strength, why, cadence, doubt = read_again(second)
    ProposedCommitment.objects.filter(onboarding_id=proposal.onboarding_id, position__gt=proposal.position).update(
        position=F("position") + 1)
    was = proposal.clause
    proposal.clause = first
    _, proposal.strength, proposal.strength_why, proposal.cadence, proposal.cadence_doubt = read_again(first)
    proposal.cadence_note = proposal.cadence_doubt
    proposal.save(update_fields=["clause", "strength", "strength_why", "cadence", "cadence_doubt", "cadence_note"])
    added = ProposedCommitment.objects.create(
        onboarding_id=proposal.onboarding_id, position=proposal.position + 1, ref=f"{proposal.ref}+",
        paragraph=proposal.paragraph, subparagraph=proposal.subparagraph, start=second_start, clause=second, verb=verb,
        title=title_for(second, verb), strength=strength, strength_why=why, cadence=cadence, cadence_doubt=doubt,
        cadence_note=doubt, sides=[dict(side) for side in proposal.sides], sides_why=proposal.sides_why,
        owner_reasons=proposal.owner_reasons, note=f"Split from {proposal.ref} by the curator.")
    _renumber(proposal.onboarding_id)
    audit.write("proposed commitment split", by=by, object_ref=f"onboarding {proposal.onboarding_id} {proposal.ref}",
                details={"clause": was, "first": first, "second": second})
    proposal.refresh_from_db()
    added.refresh_from_db()
    return proposal, added


def _merged_sides(first: list[dict], second: list[dict]) -> list[dict]:
    sides = {side["party"]: {"party": side["party"], "lead": list(side["lead"]), "supporting": list(side["supporting"])}
             for side in first}
    for side in second:
        into = sides.setdefault(side["party"], {"party": side["party"], "lead": [], "supporting": []})
        for slug in side["lead"] + side["supporting"]:
            if slug not in into["lead"] + into["supporting"]:
                into["lead" if not into["lead"] and slug in side["lead"] else "supporting"].append(slug)
    return list(sides.values())


@transaction.atomic
def proposal_merge(*, proposal: ProposedCommitment, by) -> ProposedCommitment:
    """One proposal from this one and the next kept one of the same paragraph (or sub-paragraph): its clause runs
    from the first's start to the second's end, so it still quotes the text; it is firm if either was."""
    proposal = _kept(_curated(proposal, reshaping=True))
    after = (ProposedCommitment.objects.filter(onboarding_id=proposal.onboarding_id, position__gt=proposal.position,
                                               dropped=False).order_by("position").first())
    if after is None or (after.paragraph_id, after.subparagraph_id) != (proposal.paragraph_id, proposal.subparagraph_id):
        raise ValidationError("There is no next proposal in the same paragraph to merge with.")
    end = max(proposal.end, after.end)
    was = [proposal.clause, after.clause]
    proposal.clause = proposal.text[proposal.start:end]
    proposal.sides = _merged_sides(proposal.sides, after.sides)
    if Strength.FIRM in (proposal.strength, after.strength):
        proposal.strength = Strength.FIRM
    proposal.owner_reasons = after.owner_reasons | proposal.owner_reasons
    proposal.note = " ".join(n for n in (proposal.note, f"Merged with {after.ref} by the curator.") if n)
    proposal.save(update_fields=["clause", "sides", "strength", "owner_reasons", "note"])
    after_ref = after.ref
    after.delete()
    _renumber(proposal.onboarding_id)
    audit.write("proposed commitments merged", by=by, object_ref=f"onboarding {proposal.onboarding_id} {proposal.ref}",
                details={"merged": [proposal.ref, after_ref], "clauses": was})
    proposal.refresh_from_db()
    return proposal


@transaction.atomic
def proposal_drop(*, proposal: ProposedCommitment, by, dropped: bool = True) -> ProposedCommitment:
    """Leave a proposal out of what is published (or, with dropped=False, take it back)."""
    proposal = _curated(proposal, reshaping=True)
    if proposal.dropped != dropped:
        proposal.dropped = dropped
        proposal.save(update_fields=["dropped"])
        _renumber(proposal.onboarding_id)
        audit.write("proposed commitment dropped" if dropped else "proposed commitment restored", by=by,
                    object_ref=f"onboarding {proposal.onboarding_id} {proposal.ref}", details={"clause": proposal.clause})
        proposal.refresh_from_db()
    return proposal


def _imported(onboarding: Onboarding) -> Onboarding:
    onboarding = Onboarding.objects.select_for_update(of=("self",)).select_related("partnership").get(pk=onboarding.pk)
    if onboarding.state == Onboarding.State.READING:
        raise ValidationError("Import the text first: there is nothing proposed yet.")
    return onboarding


@transaction.atomic
def owners_fill(*, onboarding: Onboarding, by, party: str, organisation: str) -> int:
    """The organisation leads every kept proposal's side of its party that has no lead yet; how many it now leads."""
    onboarding = _imported(onboarding)
    found = None if "\x00" in party + organisation else Organisation.objects.filter(
        slug=organisation, party__code=party, party__partnerships=onboarding.partnership).first()
    if found is None:
        raise ValidationError({"organisation": "Choose an organisation of one of the partnership's parties."})
    changed = []
    for proposal in onboarding.proposals.filter(dropped=False):
        side = proposal.side(found.party.code)
        if side is not None and not side["lead"]:
            side["lead"] = [found.slug]
            side["supporting"] = [slug for slug in side["supporting"] if slug != found.slug]
            changed.append(proposal)
    ProposedCommitment.objects.bulk_update(changed, ["sides"])
    if changed:
        audit.write("proposed owners filled in", by=by, object_ref=f"onboarding {onboarding.pk}",
                    details={"organisation": found.slug, "proposals": [p.ref for p in changed]})
    return len(changed)


def _organisation_errors(party: Party | None, slug: str, short_name: str, name: str) -> dict[str, str]:
    errors = {}
    if party is None:
        errors["party"] = ("Choose the new party. The EU's bodies (and those of any party in another partnership) "
                           "are shared by every partnership: an administrator adds them in the admin.")
    if not SLUG_RE.match(slug) or len(slug) > 60:
        errors["slug"] = "A slug is lower-case letters, digits and hyphens, at most 60 (e.g. rf-mfa)."
    elif Organisation.objects.filter(slug=slug).exists():
        errors["slug"] = f"The slug “{slug}” is taken: choose another."
    if not short_name or len(short_name) > 60 or "\x00" in short_name:
        errors["short_name"] = "Give a short name of at most 60 characters (e.g. MFA)."
    if not name or len(name) > 200 or "\x00" in name:
        errors["name"] = "Give the full name, at most 200 characters."
    return errors


@transaction.atomic
def onboarding_add_organisation(*, onboarding: Onboarding, by, party: str, slug: str, short_name: str,
                                name: str) -> Organisation:
    """An organisation of a party only this partnership has; it leads the sides of the proposals whose clause names
    it that have no owner yet."""
    onboarding = _imported(onboarding)
    slug, short_name, name = slug.strip(), short_name.strip(), name.strip()
    own = Party.objects.filter(code=party, partnerships=onboarding.partnership).first() if "\x00" not in party else None
    if own is not None and own.partnerships.exclude(pk=onboarding.partnership_id).exists():
        own = None
    errors = _organisation_errors(own, slug, short_name, name)
    if errors:
        raise ValidationError(errors)
    organisation = Organisation.objects.create(party=own, slug=slug, short_name=short_name, name=name)
    named = PartyRef(own.code, own.name, (OrganisationRef(slug, short_name, name),))
    led = []
    for proposal in onboarding.proposals.filter(dropped=False):
        side = proposal.side(own.code)
        if side is not None and not side["lead"] and not side["supporting"] and organisations_named(proposal.clause, named):
            side["lead"] = [slug]
            proposal.owner_reasons = proposal.owner_reasons | {slug: "the clause names it"}
            proposal.save(update_fields=["sides", "owner_reasons"])
            led.append(proposal.ref)
    audit.write("organisation added while onboarding", by=by, object_ref=slug, details={
        "onboarding": onboarding.pk, "party": own.code, "short name": short_name, "name": name, "leads": led})
    return organisation
