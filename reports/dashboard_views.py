"""The dashboards: an official's work, the overview and the breakdowns by area and by owner."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from agreement.selectors import partnership_asked
from commitments.cadence import DueState
from dialogues.selectors import latest_review, upcoming
from reports import dashboard
from reports.charts import stacked_bar, stacked_columns, status_bars


def my_work(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_official and request.user.organisation_id):
        raise PermissionDenied("“My work” lists what an official's organisation owns; you are not an official.")
    today = timezone.localdate()
    rows = dashboard.my_work(request.user, today)
    counts = {state: sum(1 for _, s in rows if s == state) for state in DueState}
    return render(request, "commitments/my_work.html", {"rows": rows, "counts": counts, "today": today})


def overview(request: HttpRequest) -> HttpResponse:
    partnership = partnership_asked(request.GET.get("partnership"))
    today = timezone.localdate()
    next_meetings, unplanned = upcoming(partnership, request.user, today)
    review_meeting, reviews, review_disagreements = latest_review(partnership)
    return render(request, "dashboards/overview.html", {
        **_overview_figures(partnership, today), "next_meetings": next_meetings, "unplanned": unplanned,
        "review_meeting": review_meeting, "reviews": reviews, "review_disagreements": review_disagreements,
    })


def _overview_figures(partnership, today) -> dict:
    data = dashboard.overview(partnership, today)
    base = reverse("commitments:list") + f"?partnership={partnership.slug}"
    order = dashboard.STATUS_ORDER
    bars = status_bars(data["overall"], data["per_side"], order, overall_label="All commitments (overall status)",
                       link=lambda s, code: f"{base}&side={code}&side_status={s}" if code else f"{base}&status={s}")
    strength_bars = [
        (label, stacked_bar(data["strength"][value], order, lambda s, v=value: f"{base}&strength={value}&status={s}"))
        for value, label in (("firm", "Firm"), ("exploratory", "Exploratory"))
    ]
    points = dashboard.progress_over_time(partnership, today)
    return {
        "partnership": partnership, "today": today, "data": data, "bars": bars, "strength_bars": strength_bars,
        "order": order, "base": base, "columns": stacked_columns(points, order), "points": points,
        "now": timezone.now(),
    }


def breakdown(request: HttpRequest, by: str) -> HttpResponse:
    partnership = partnership_asked(request.GET.get("partnership"))
    today = timezone.localdate()
    return render(
        request,
        "dashboards/breakdown.html",
        {
            "partnership": partnership, "by": by, "rows": dashboard.breakdown(partnership, today, by=by),
            "order": dashboard.STATUS_ORDER, "today": today, "now": timezone.now(),
            "base": reverse("commitments:list") + f"?partnership={partnership.slug}",
        },
    )
