"""The proposed commitments of an imported text: review, edit, split, merge, drop, owners, organisations added on
the way, publishing, and the encoding as TOML."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from onboarding import services
from onboarding.access import onboarding_for, proposal_for
from onboarding.curating import split_points
from agreement.writing import agreement_text
from onboarding.export import commitments_toml, encoding, kept_proposals, organisations_data, organisations_toml
from onboarding.forms import FillOwnersForm, OrganisationForm, ProposalForm, SplitForm
from onboarding.models import Onboarding
from onboarding.selectors import organisations_by_party, own_parties


def _imported(request, pk: int) -> Onboarding:
    onboarding = onboarding_for(request.user, pk)
    if onboarding.state == Onboarding.State.READING:
        raise Http404("This text has not been imported yet: nothing is proposed.")
    return onboarding


def _rows(proposals, names: dict[str, object]) -> list[dict]:
    """Each proposal with its owners' organisations, and whether it can be split or merged with the next."""
    rows = []
    for index, proposal in enumerate(proposals):
        after = next((p for p in proposals[index + 1:] if not p.dropped), None)
        mergeable = not proposal.dropped and after is not None and (after.paragraph_id, after.subparagraph_id) == (
            proposal.paragraph_id, proposal.subparagraph_id)
        sides = [(side["party"], [names.get(slug, slug) for slug in side["lead"]],
                  [names.get(slug, slug) for slug in side["supporting"]]) for side in proposal.sides]
        rows.append({"proposal": proposal, "sides": sides, "mergeable": mergeable,
                     "splittable": not proposal.dropped and bool(split_points(proposal.clause)),
                     "no_lead": [code for code, lead, _ in sides if not lead]})
    return rows


def _proposals_page(request, onboarding, *, fill=None, organisation=None, problems=None, general=(), status=200):
    partnership = onboarding.partnership
    organisations = organisations_by_party(partnership)
    proposals = list(onboarding.proposals.select_related("paragraph", "subparagraph").order_by("position"))
    rows = _rows(proposals, {o.slug: o for items in organisations.values() for o in items})
    problems = problems or {}
    for row in rows:
        row["problems"] = problems.get(row["proposal"].pk, [])
    parties = own_parties(partnership)
    return render(request, "onboarding/proposals.html", {
        "onboarding": onboarding, "partnership": partnership, "rows": rows,
        "kept": sum(1 for p in proposals if not p.dropped), "without_lead": sum(1 for r in rows if r["no_lead"] and not r["proposal"].dropped),
        "fill_form": fill or FillOwnersForm(organisations=organisations),
        "organisation_form": organisation or OrganisationForm(parties=parties), "own_parties": parties,
        "general": list(general), "row_problems": [r for r in rows if r["problems"]] or list(general),
        "form": fill or organisation,  # the form posted, if any: base.html titles the page "Error:" for its errors
    }, status=status)


def proposals(request: HttpRequest, pk: int) -> HttpResponse:
    return _proposals_page(request, _imported(request, pk))


def _back(onboarding, proposal=None):
    anchor = f"#proposal-{proposal.pk}" if proposal is not None else ""
    return redirect(reverse("onboarding:proposals", args=[onboarding.pk]) + anchor)


def edit(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    proposal = proposal_for(request.user, pk, proposal_pk)
    onboarding = _imported(request, pk)
    organisations = organisations_by_party(onboarding.partnership)
    initial = {"title": proposal.title, "strength": proposal.strength, "cadence": proposal.cadence,
               "cadence_note": proposal.cadence_note}
    form = ProposalForm(request.POST if request.method == "POST" else None, initial=initial, sides=proposal.sides, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.proposal_edit(proposal=proposal, by=request.user, title=data["title"], strength=data["strength"],
                                   cadence=data["cadence"], cadence_note=data["cadence_note"], owners=form.chosen_owners())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"{proposal.reference} has been saved.")
            return _back(onboarding, proposal)
    return render(request, "onboarding/proposal_edit.html", {
        "onboarding": onboarding, "proposal": proposal, "form": form,
    }, status=400 if form.is_bound else 200)


def split(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    proposal = proposal_for(request.user, pk, proposal_pk)
    onboarding = _imported(request, pk)
    cuts = split_points(proposal.clause)
    form = SplitForm(request.POST if request.method == "POST" else None, cuts=cuts)
    if request.method == "POST" and form.is_valid():
        try:
            first, second = services.proposal_split(proposal=proposal, by=request.user, at=form.cleaned_data["at"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Split into {first.reference} and {second.reference}.")
            return _back(onboarding, first)
    return render(request, "onboarding/proposal_split.html", {
        "onboarding": onboarding, "proposal": proposal, "form": form, "cuts": cuts,
    }, status=400 if form.is_bound else 200)


@require_POST
def merge(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    proposal = proposal_for(request.user, pk, proposal_pk)
    onboarding = _imported(request, pk)
    try:
        merged = services.proposal_merge(proposal=proposal, by=request.user)
    except ValidationError as error:
        return _proposals_page(request, onboarding, general=error.messages, status=400)
    messages.success(request, f"Merged into {merged.reference}.")
    return _back(onboarding, merged)


@require_POST
def drop(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    proposal = proposal_for(request.user, pk, proposal_pk)
    onboarding = _imported(request, pk)
    dropped = request.POST.get("dropped") != "0"
    proposal = services.proposal_drop(proposal=proposal, by=request.user, dropped=dropped)
    messages.success(request, f"{proposal.reference} is {'dropped: it will not be published' if dropped else 'kept'}.")
    return _back(onboarding, proposal)


@require_POST
def fill_owners(request: HttpRequest, pk: int) -> HttpResponse:
    onboarding = _imported(request, pk)
    form = FillOwnersForm(request.POST, organisations=organisations_by_party(onboarding.partnership))
    if form.is_valid():
        slug = form.cleaned_data["organisation"]
        party = next(code for code, items in form.fields["organisation"].choices for value, _ in items if value == slug)
        try:
            count = services.owners_fill(onboarding=onboarding, by=request.user, party=party, organisation=slug)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"It now leads {count} {party} side{'s' if count != 1 else ''} that had no lead.")
            return _back(onboarding)
    return _proposals_page(request, onboarding, fill=form, status=400)


@require_POST
def add_organisation(request: HttpRequest, pk: int) -> HttpResponse:
    onboarding = _imported(request, pk)
    form = OrganisationForm(request.POST, parties=own_parties(onboarding.partnership))
    if form.is_valid():
        try:
            organisation = services.onboarding_add_organisation(onboarding=onboarding, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"{organisation.short_name} ({organisation.party.code}) has been added: choose it "
                                      "as an owner below.")
            return _back(onboarding)
    return _proposals_page(request, onboarding, organisation=form, status=400)


@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    onboarding = _imported(request, pk)
    try:
        count = services.onboarding_publish(onboarding=onboarding, by=request.user)
    except services.PublishRefused as refused:
        return _proposals_page(request, onboarding, problems=refused.problems, general=refused.general, status=400)
    except ValidationError as error:
        return _proposals_page(request, onboarding, general=error.messages, status=400)
    messages.success(request, f"{count} commitment{'s are' if count != 1 else ' is'} published: officials of the owning "
                              "organisations can record their updates now.")
    return _back(onboarding)


def _toml(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="application/toml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def download(request: HttpRequest, pk: int) -> HttpResponse:
    """The encoding as publishing writes it, as fixtures/commitments.toml holds one."""
    onboarding = _imported(request, pk)
    text = commitments_toml(onboarding.partnership, encoding(kept_proposals(onboarding)), onboarding.filename)
    return _toml(text, f"{onboarding.partnership.slug}-commitments.toml")


def download_text(request: HttpRequest, pk: int) -> HttpResponse:
    """The text as imported, in the form `seed` reads (agreement.writing)."""
    onboarding = _imported(request, pk)
    text, _ = agreement_text(onboarding.partnership)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{onboarding.partnership.slug}.txt"'
    return response


def download_organisations(request: HttpRequest, pk: int) -> HttpResponse:
    onboarding = _imported(request, pk)
    text = organisations_toml(onboarding.partnership, organisations_data(onboarding.partnership))
    return _toml(text, f"{onboarding.partnership.slug}-organisations.toml")
