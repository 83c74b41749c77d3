from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from commitments.access import user_may_see_sensitive, user_may_update
from commitments.filters import CommitmentFilter
from commitments.selectors import commitment_history, commitment_list

PAGE_SIZE = 50


def commitment_index(request: HttpRequest) -> HttpResponse:
    filterset = CommitmentFilter(request.GET or None, queryset=commitment_list())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "commitments/list.html",
        {"filter": filterset, "page": page, "query": query.urlencode(), "active": filterset.active},
    )


def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = get_object_or_404(commitment_list(), pk=pk)
    sides = list(commitment.sides.all())
    return render(
        request,
        "commitments/detail.html",
        {
            "commitment": commitment,
            "paragraph": commitment.paragraph,
            "sides": [(side, user_may_update(request.user, side)) for side in sides],
            "disagree": len({side.status for side in sides}) > 1,
            "history": commitment_history(commitment),
            "may_see_sensitive": user_may_see_sensitive(request.user, commitment),
        },
    )
