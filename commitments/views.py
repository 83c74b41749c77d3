from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from agreement.models import Paragraph, Partnership
from agreement.choice import chosen_partnership, partnership_shown, scoped_query
from commitments.access import sensitive_commitment_ids, user_may_update
from commitments.filters import sorted_filter
from commitments.forms import StatusUpdateForm
from commitments.models import Commitment
from commitments.selectors import commitment_list, history_rows, sides_prefetch, timeline
from commitments.selectors import due_sources, instrument_list, references
from commitments.services import StaleVersion, commitment_update_status
from common.pagination import CountedPaginator
from common.sorting import sort_headers

PAGE_SIZE = 50
HISTORY_PAGE = 50  # a long history is read a page at a time, newest first


def commitment_index(request: HttpRequest) -> HttpResponse:
    partnership = chosen_partnership(request)
    query = scoped_query(request, partnership)  # the partnership shown, in the filters and the download links
    filterset, sort, columns = sorted_filter(query, partnership)
    if filterset.as_of_day:
        ids, found = filterset.matching_as_of()
        page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = page.object_list = filterset.rows_as_of(page.object_list, found)
    else:
        page = Paginator(filterset.qs.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = filterset.rows(list(page.object_list))
    query.pop("page", None)
    return render(request, "commitments/list.html", {
        "filter": filterset, "page": page, "rows": rows, "query": query.urlencode(), "active": filterset.active,
        "as_of": filterset.as_of_day, "headers": sort_headers(columns, sort, request.GET), "sort": sort,
        "partnership": partnership,
    })


def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = get_object_or_404(commitment_list(), pk=pk)
    sides = list(commitment.sides.all())
    today = timezone.localdate()
    sources, milestones = due_sources(commitment, sides)
    return render(request, "commitments/detail.html", {
        "commitment": commitment,
        "paragraph": commitment.paragraph,
        "sides": [(side, user_may_update(request.user, side), side.due_state(today), sources.get(side.pk))
                  for side in sides],
        "milestones": milestones,
        "disagree": len({side.status for side in sides}) > 1,
        "references": references([commitment.pk])[commitment.pk],
        **_history_page(commitment, sides, request.GET.get("page"), sensitive_commitment_ids(request.user)),
    })


def instruments(request: HttpRequest) -> HttpResponse:
    """The instruments a partnership's text refers to, each with the commitments that cite it."""
    partnership = chosen_partnership(request)
    return render(request, "commitments/instruments.html", {
        "partnership": partnership, "instruments": instrument_list(partnership),
    })


def _history_page(commitment, sides, number, readable_ids) -> dict:
    """A page of the history; its length is the sides' counters (the history is never counted)."""
    page = CountedPaginator(history_rows(commitment), HISTORY_PAGE, count=sum(s.update_count for s in sides)).get_page(number)
    return {"page": page, "history": timeline(page.object_list, readable_ids)}


def record_update(request: HttpRequest, pk: int, side: str) -> HttpResponse:
    """The status update form for one side. A stale version gets the conflict page, keeping what was typed."""
    commitment = get_object_or_404(commitment_list(), pk=pk)
    the_side = next((s for s in commitment.sides.all() if s.party.code == side), None)
    if the_side is None:
        raise Http404("This commitment does not bind that side.")
    if not user_may_update(request.user, the_side):
        raise PermissionDenied("Only officials of an organisation that owns this side may update it.")

    conflict = None
    if request.method == "POST":
        form = StatusUpdateForm(request.POST, side=the_side)
        if form.is_valid():
            data = form.cleaned_data
            try:
                commitment_update_status(
                    commitment=commitment, party_code=side, status=data["status"], note=data["note"],
                    as_of=data["as_of"], marking=data["marking"], evidence=form.evidence(), by=request.user,
                    expected_version=data["version"], corrects=data["corrects"],
                )
            except StaleVersion as stale:
                # Each update moves the version by one: the changes meanwhile are the latest (stale - seen) entries.
                conflict = timeline(history_rows(commitment).filter(version_after__gt=data["version"])
                                    .order_by("-created_at", "-pk")[: max(stale.current - data["version"], 0)],
                                    sensitive_commitment_ids(request.user))
                # Keep everything typed; only the version moves on, so one click resubmits.
                form = StatusUpdateForm({**request.POST.dict(), "version": stale.current}, side=the_side)
                form.is_valid()
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"Your update to {commitment.reference} ({side}) has been recorded.")
                return redirect(reverse("commitments:detail", args=[commitment.pk]) + "#history")
    else:
        form = StatusUpdateForm(initial=StatusUpdateForm.initial_for(commitment, the_side), side=the_side)

    return render(
        request,
        "commitments/update.html",
        {
            "commitment": commitment, "side": the_side, "form": form, "conflict": conflict,
        },
        status=409 if conflict is not None else 400 if form.errors else 200,
    )


def partnership_list(request: HttpRequest) -> HttpResponse:
    partnerships = Partnership.objects.prefetch_related("parties").annotate(
        paragraph_count=Count("paragraphs", distinct=True),
        commitment_count=Count("paragraphs__commitments", distinct=True),
    )
    return render(request, "partnership/list.html", {
        "partnerships": partnerships,
        "chosen": chosen_partnership(request, switch_here=False) if partnerships else None,
    })


def document(request: HttpRequest, slug: str) -> HttpResponse:
    """The whole agreement as a document, each paragraph beside its commitments."""
    partnership = get_object_or_404(Partnership.objects.prefetch_related("parties"), slug=slug)
    partnership_shown(request, partnership)  # reading a partnership's text chooses it
    paragraphs = (
        Paragraph.objects.filter(partnership=partnership)
        .select_related("part", "area")
        .prefetch_related(
            "subparagraphs",
            "footnotes",
            Prefetch(
                "commitments",
                queryset=Commitment.objects.select_related("subparagraph").prefetch_related(sides_prefetch()),
            ),
        )
    )
    sections = []  # [(part, [Fold])] in document order: a fold per area, or per run of paragraphs outside any area
    for paragraph in paragraphs:
        if not sections or sections[-1][0] != paragraph.part:
            sections.append((paragraph.part, []))
        folds = sections[-1][1]
        if not folds or folds[-1].area != paragraph.area:
            folds.append(Fold(paragraph.area, []))
        folds[-1].paragraphs.append(paragraph)
    return render(
        request,
        "partnership/document.html",
        {"partnership": partnership, "sections": sections, "commitment_total": sum(len(p.commitments.all()) for p in paragraphs)},
    )


@dataclass
class Fold:
    """The paragraphs of one area (or of a part outside any area), folded on the document page: the whole text
    open at once is 27,000 pixels long."""

    area: object
    paragraphs: list

    @property
    def first(self):
        return self.paragraphs[0].number

    @property
    def last(self):
        return self.paragraphs[-1].number

    @property
    def commitment_count(self) -> int:
        return sum(len(p.commitments.all()) for p in self.paragraphs)
