"""The inputs of the reports: the history's filters as its page shows them, and the report page's days. The pages,
their exports and the PDFs rendered later in the background read them through these, from a query string."""

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django_filters import DateFilter

from agreement.models import Partnership
from agreement.selectors import partnership_asked
from commitments.filters import UpdateFilter
from commitments.history import compare, facts
from commitments.models import Commitment, StatusUpdate
from common.choices import ModelChoiceFilter
from reports import dashboard


class _CommitmentChoice(ModelChoiceFilter.field_class):
    def label_from_instance(self, commitment) -> str:
        return f"{commitment.reference} {commitment.title}"


class CommitmentChoiceFilter(ModelChoiceFilter):
    """A commitment picked from the list of them, cited as the pages cite it (¶12(a) Six-monthly …)."""

    field_class = _CommitmentChoice


def _day(label: str, **kwargs) -> DateFilter:
    return DateFilter(field_name="created_at__date", label=label, widget=forms.DateInput(attrs={"type": "date"}),
                      **kwargs)


class HistoryFilter(UpdateFilter):
    """The API's history filters (commitments.filters), for people: a commitment picked by name, not typed as an
    id; labels that say what each filter is; days picked from a calendar. The query string is the API's."""

    partnership = ModelChoiceFilter(
        field_name="commitment__paragraph__partnership", to_field_name="slug", queryset=Partnership.objects.all(),
        empty_label="All partnerships", label="Partnership",
    )
    commitment = CommitmentChoiceFilter(
        field_name="commitment", queryset=Commitment.objects.select_related("paragraph", "subparagraph"),
        empty_label="Any commitment", label="Commitment",
    )
    recorded_from = _day("Recorded from", lookup_expr="gte")
    recorded_to = _day("Recorded until", lookup_expr="lte")


def history_filter(params) -> HistoryFilter:
    """The history page's filters over every update, newest first; its exports and the benchmark use it too.

    No update is listed twice: filtering by owner meets at most one ownership per side (one per organisation)."""
    return HistoryFilter(
        params or None,
        queryset=StatusUpdate.objects.select_related(
            "commitment__paragraph__partnership", "commitment__subparagraph", "side__party", "created_by__organisation"
        ).order_by("-created_at", "-pk"),
    )


class ReportForm(forms.Form):
    as_of = forms.DateField(required=False, label="As it stood on", widget=forms.DateInput(attrs={"type": "date"}),
                            help_text="Empty for now.")
    since = forms.DateField(required=False, label="Changes since", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="until", widget=forms.DateInput(attrs={"type": "date"}),
                            help_text="Empty for today.")

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for name in ("as_of", "since", "until"):
            day = data.get(name)
            if day and day < self.partnership.adopted_on:
                self.add_error(name, f"The Partnership was adopted on {self.partnership.adopted_on:%d %B %Y}.")
            if day and day > today:
                self.add_error(name, "Choose today or a day in the past.")
        if data.get("since") and data.get("until") and data["since"] >= data["until"]:
            self.add_error("until", "The end must come after the start.")
        return data


def report_inputs(params: QueryDict, partnership):
    """The report page's form, the past day it is as of (None for now) and the comparison it asks for, if any."""
    form = ReportForm(params or None, partnership=partnership)
    today = timezone.localdate()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    as_of = data.get("as_of")
    as_of = as_of if as_of and as_of < today else None
    comparison = None
    if data.get("since"):
        comparison = compare(partnership, data["since"], data.get("until") or today, today=today)
    return form, as_of, comparison


def selected_partnership(filterset, params) -> Partnership:
    """The partnership the filters chose, else the one the query string names, else the first."""
    chosen = None
    if filterset is not None and filterset.is_bound:
        filterset.is_valid()  # validated once; then cleaned_data holds the fields that are valid
        chosen = filterset.form.cleaned_data.get("partnership")
    return chosen or partnership_asked(params.get("partnership"))


def commitment_rows(filterset) -> list:
    """The commitments the list's filters select, with their sides now or on the past day asked for."""
    return filterset.rows_as_of(*filterset.matching_as_of()) if filterset.as_of_day else filterset.rows()


def progress(partnership, as_of, *, with_overview: bool = False) -> dict:
    """The progress report's tables (by area, by owner organisation) now or at the end of `as_of`, read once."""
    today = timezone.localdate()
    found = facts(partnership, as_of, today=today)
    tables = {"areas": dashboard.breakdown(partnership, today, by="area", facts=found),
              "owners": dashboard.breakdown(partnership, today, by="owner", facts=found)}
    if with_overview:
        tables["overview"] = dashboard.overview(partnership, today, facts=found)
    return tables
