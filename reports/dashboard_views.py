"""The dashboards: an official's work, the overview and the breakdowns by area and by owner."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from agreement.choice import chosen_partnership
from commitments import history
from commitments.cadence import URGENCY, DueState
from commitments.status import RANK, Status
from common.sorting import Sort, sort_asked, sort_headers
from dialogues.selectors import latest_review, upcoming
from reports import dashboard
from reports.access import user_may_see_portfolio
from reports.portfolio import ON_TRACK, portfolio
from reports.charts import stacked_bar, stacked_columns, status_bars


class MyWorkFilters(forms.Form):
    """What "my work" can be narrowed to; a value it does not know is ignored, never an error page."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    due = forms.ChoiceField(required=False, label="Updates",
                            choices=[("", "Any")] + [(state.value, state.label) for state in URGENCY])
    status = forms.ChoiceField(required=False, label="Status", choices=[("", "Any status"), *Status.choices])
    side = forms.ChoiceField(required=False, label="Side", choices=[("", "Either side")])

    def __init__(self, *args, sides, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["side"].choices += [(code, f"{code} side") for code in sides]

    def asked(self) -> dict:
        """The filters given, each field whose value it does not know left out."""
        if not self.is_bound:
            return {}
        self.is_valid()  # cleans each field: cleaned_data keeps the valid ones
        return {name: value for name, value in self.cleaned_data.items() if value}


def _keeps(asked: dict, owed, state) -> bool:
    text = f"{owed.reference} {owed.title} {owed.area or ''}".lower()
    values = {"due": state, "status": owed.status, "side": owed.party}
    return (all(word in text for word in asked.get("q", "").lower().split())
            and all(values[name] == value for name, value in asked.items() if name != "q"))


MY_WORK_COLUMNS = [("Updates", "urgency"), ("Commitment", "ref"), ("Side", "side"), ("Status", "status"),
                   ("Next update due", "due")]
MY_WORK_SORTS = {
    "urgency": None,  # the order dashboard.my_work gives: the most urgent first, then by due date
    "ref": lambda owed, state: owed.document_order,
    "side": lambda owed, state: owed.party,
    "status": lambda owed, state: RANK[Status(owed.status)],
}


def _sorted_work(rows: list, sort: Sort) -> list:
    """The rows in the order asked for, ties in order of urgency; nothing due is last either way."""
    if sort.key == "due":
        dated = sorted((r for r in rows if r[0].due_on), key=lambda r: r[0].due_on, reverse=sort.descending)
        return dated + [r for r in rows if not r[0].due_on]
    key = MY_WORK_SORTS[sort.key]
    if key is None:
        return rows[::-1] if sort.descending else rows
    return sorted(rows, key=lambda r: key(*r), reverse=sort.descending)


def my_work(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_official and request.user.organisation_id):
        raise PermissionDenied("“My work” lists what an official's organisation owns; you are not an official.")
    today = timezone.localdate()
    partnership = chosen_partnership(request)
    rows = dashboard.my_work(request.user, today, partnership)
    counts = {state: sum(1 for _, s in rows if s == state) for state in DueState}
    filters = MyWorkFilters(request.GET or None, sides=sorted({owed.party for owed, _ in rows}))
    sort = sort_asked(request.GET.get("sort"), {key for _, key in MY_WORK_COLUMNS}, "urgency")
    asked = filters.asked()
    shown = _sorted_work([row for row in rows if _keeps(asked, *row)], sort)
    return render(request, "commitments/my_work.html", {
        "rows": shown, "total": len(rows), "counts": counts, "today": today, "filters": filters, "sort": sort,
        "headers": sort_headers(MY_WORK_COLUMNS, sort, request.GET), "partnership": partnership,
        "elsewhere": dashboard.owed_elsewhere(request.user, partnership),
    })


def overview(request: HttpRequest) -> HttpResponse:
    partnership = chosen_partnership(request)
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
        "order": order, "base": base, "columns": stacked_columns(points, order, today=today), "points": points,
        "now": timezone.now(),
    }


def breakdown(request: HttpRequest, by: str) -> HttpResponse:
    partnership = chosen_partnership(request)
    today = timezone.localdate()
    found = history.facts(partnership, None, today=today)
    return render(
        request,
        "dashboards/breakdown.html",
        {
            "partnership": partnership, "by": by, "rows": dashboard.breakdown(partnership, today, by=by, facts=found),
            "data": {"data_as_of": dashboard.data_as_of(found)},
            "order": dashboard.STATUS_ORDER, "today": today, "now": timezone.now(),
            "base": reverse("commitments:list") + f"?partnership={partnership.slug}",
        },
    )


def portfolio_page(request: HttpRequest) -> HttpResponse:
    """Every partnership on one line (reports.portfolio), each leading to its own dashboard."""
    if not user_may_see_portfolio(request.user):
        raise PermissionDenied("The portfolio is for analysts, reviewers and administrators.")
    today = timezone.localdate()
    return render(request, "dashboards/portfolio.html", {
        "rows": portfolio(request.user, today), "today": today, "now": timezone.now(), "on_track": ON_TRACK,
    })
