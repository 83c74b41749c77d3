"""The commitment filters, shared by the list page, the API and (later) the exports, so all three agree."""

from collections import defaultdict
from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Lower
from django.utils import timezone

from commitments.cadence import DUE_SOON_DAYS, DueState, most_urgent
from commitments.history import Fact, SideState, facts
from commitments.models import Commitment, CommitmentSide, StatusUpdate
from commitments.selectors import Listed, commitment_order, listed
from commitments.status import ADVANCEMENT, Cadence, Status, Strength, least_advanced
from common.choices import ModelChoiceFilter
from common.sorting import Sort, sort_asked
from agreement.models import Area, Organisation, Part, Partnership, Party


class CommitmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    partnership = ModelChoiceFilter(
        field_name="paragraph__partnership", to_field_name="slug", queryset=Partnership.objects.all(),
        empty_label="All partnerships", label="Partnership",
    )
    part = ModelChoiceFilter(
        field_name="paragraph__part", queryset=Part.objects.filter(paragraphs__commitments__isnull=False).distinct(),
        empty_label="All parts", label="Part",
    )
    area = ModelChoiceFilter(
        field_name="paragraph__area", to_field_name="slug", queryset=Area.objects.all(), empty_label="All areas",
        label="Area",
    )
    owner = ModelChoiceFilter(
        field_name="sides__owners__organisation", to_field_name="slug",
        queryset=Organisation.objects.select_related("party"), empty_label="Any owner", label="Owner organisation",
    )
    side = ModelChoiceFilter(
        field_name="sides__party", to_field_name="code", queryset=Party.objects.all(), empty_label="Either side",
        label="Binds side",
    )
    strength = django_filters.ChoiceFilter(choices=Strength.choices, empty_label="Any strength", label="Strength")
    cadence = django_filters.ChoiceFilter(choices=Cadence.choices, empty_label="Any cadence", label="Cadence")
    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label="Any status", label="Overall status")
    side_status = django_filters.ChoiceFilter(
        choices=Status.choices, empty_label="Any", label="Status of a side", method="filter_side_status"
    )
    due = django_filters.ChoiceFilter(
        choices=[(state.value, state.label) for state in DueState] + [("late", "Overdue or stale")],
        empty_label="Any", label="Updates", method="filter_due",
    )
    paragraph = django_filters.NumberFilter(field_name="paragraph__number", label="Paragraph", min_value=1)
    as_of = django_filters.DateFilter(
        method="keep", label="As it stood on", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Empty for now; a past day shows statuses and lateness as the tracker showed them then.",
    )

    # With a past day, these apply to that day's picture (commitments.history), not to the stored status.
    AS_OF_FILTERS = ("status", "side_status", "due")

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        narrow_to_partnership(self.filters, data, {
            "part": "partnership__slug", "area": "part__partnership__slug", "owner": "party__partnerships__slug",
            "side": "partnerships__slug",
        })

    class Meta:
        model = Commitment
        fields = [
            "q", "partnership", "part", "area", "owner", "side", "strength", "cadence", "status", "side_status",
            "due", "paragraph", "as_of",
        ]

    def keep(self, queryset, name, value):
        return queryset

    @property
    def as_of_day(self):
        """The past day asked for, or None for now."""
        if not self.is_bound or not self.is_valid():
            return None
        day = self.form.cleaned_data.get("as_of")
        return day if day and day < timezone.localdate() else None

    def filter_queryset(self, queryset):
        skip = self.AS_OF_FILTERS if self.as_of_day else ()
        for name, value in self.form.cleaned_data.items():
            if name not in skip:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def rows(self, ids: list[int] | None = None) -> list["Row"]:
        """Each matching commitment (or those of `ids`, a page of them) with its sides now."""
        today = timezone.localdate()
        return [Row.now(c, today) for c in listed(list(self.qs.values_list("pk", flat=True)) if ids is None else ids)]

    def matching_as_of(self) -> tuple[list[int], dict[int, Fact] | None]:
        """The ids of the commitments matching on the past day asked for, in list order, and their sides' facts
        then (None when no filter reads the day's picture: the page's own are read by `rows_as_of`). Matching is
        done on narrow rows; only the commitments shown are loaded."""
        ids = list(self.qs.values_list("pk", flat=True))
        if not any(self.form.cleaned_data.get(name) for name in self.AS_OF_FILTERS):
            return ids, None
        found = self._facts_then(ids)
        by_commitment = defaultdict(list)
        for fact in found.values():
            by_commitment[fact.commitment_id].append(fact)
        return [pk for pk in ids if self._matches_then(by_commitment[pk])], found

    def _facts_then(self, ids: list[int]) -> dict[int, Fact]:
        day, today, found = self.as_of_day, timezone.localdate(), {}
        for partnership in Partnership.objects.filter(paragraphs__commitments__in=ids).distinct():
            found.update({f.side_id: f for f in facts(partnership, day, today=today, commitments=ids)})
        return found

    def _matches_then(self, sides: list[Fact]) -> bool:
        data = self.form.cleaned_data
        if (status := data.get("status")) and least_advanced(s.status for s in sides) != status:
            return False
        if side_status := data.get("side_status"):
            party = data.get("side")
            if not any(s.status == side_status and (not party or s.party == party.code) for s in sides):
                return False
        if due := data.get("due"):
            state = most_urgent(s.due_state for s in sides)
            return state in {DueState.OVERDUE, DueState.STALE} if due == "late" else state == due
        return True

    def rows_as_of(self, ids: list[int], found: dict[int, Fact] | None) -> list["Row"]:
        day, found = self.as_of_day, self._facts_then(ids) if found is None else found
        return [Row(c, [SideState(s, found[s.pk].status, found[s.pk].plan, day) for s in c.sides]) for c in listed(ids)]

    def search(self, queryset, name, value):
        words = value.split()[:8]
        for word in words:
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(clause__icontains=word) | Q(ref__iexact=word.lstrip("¶"))
                | Q(paragraph__area__title__icontains=word)
            )
        return queryset

    @property
    def active(self) -> dict[str, str]:
        """The filters in use within the partnership, as label → value, for headings and export headers (which
        name the partnership on a line of its own)."""
        if not self.is_bound or not self.is_valid():
            return {}
        result = {}
        for name, value in self.form.cleaned_data.items():
            if value not in (None, "") and name != "partnership":
                field = self.form.fields[name]
                if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                    value = dict(field.choices).get(value, value)
                result[str(field.label or name.replace("_", " ").capitalize())] = str(value)
        return result

    def filter_side_status(self, queryset, name, value):
        """With a side chosen, that side's status; otherwise either side's."""
        sides = CommitmentSide.objects.filter(commitment=OuterRef("pk"), status=value)
        if party := self.form.cleaned_data.get("side"):
            sides = sides.filter(party=party)
        return queryset.filter(Exists(sides))

    def filter_due(self, queryset, name, value):
        """The commitment's most urgent side, as commitments.cadence.due_state computes it."""
        today = timezone.localdate()
        sides = CommitmentSide.objects.filter(commitment=OuterRef("pk"))
        stale = Exists(sides.filter(stale_on__lte=today))
        late = Exists(sides.filter(overdue_on__lte=today))
        due_soon = Exists(sides.filter(due_on__lte=today + timedelta(days=DUE_SOON_DAYS)))
        return queryset.filter(
            {
                DueState.STALE: stale,
                DueState.OVERDUE: late & ~stale,
                DueState.DUE_SOON: due_soon & ~late,
                DueState.UP_TO_DATE: ~due_soon,
                "late": late,
            }[value]
        )


class UpdateFilter(django_filters.FilterSet):
    """Filters of the status history, shared by the history page, its exports and the API."""

    partnership = ModelChoiceFilter(
        field_name="commitment__paragraph__partnership", to_field_name="slug", queryset=Partnership.objects.all(),
        empty_label="All partnerships", label="Partnership",
    )
    commitment = django_filters.NumberFilter(field_name="commitment_id", label="Commitment (its id)", min_value=1)
    ref = django_filters.CharFilter(field_name="commitment__ref", label="Commitment reference")
    side = ModelChoiceFilter(
        field_name="side__party", to_field_name="code", queryset=Party.objects.all(), empty_label="Either side", label="Side"
    )
    owner = ModelChoiceFilter(
        field_name="side__owners__organisation", to_field_name="slug", queryset=Organisation.objects.all(),
        empty_label="Any owner", label="Owner organisation",
    )
    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label="Any status", label="Status")
    recorded_from = django_filters.DateFilter(field_name="created_at__date", lookup_expr="gte", label="Recorded from",
                                              widget=forms.DateInput(attrs={"type": "date"}))
    recorded_to = django_filters.DateFilter(field_name="created_at__date", lookup_expr="lte", label="Recorded until",
                                            widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = StatusUpdate
        fields = ["partnership", "commitment", "ref", "side", "owner", "status", "recorded_from", "recorded_to"]

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        narrow_to_partnership(self.filters, data, {
            "commitment": "paragraph__partnership__slug", "side": "partnerships__slug",
            "owner": "party__partnerships__slug",
        })

    @property
    def active(self) -> dict[str, str]:
        return CommitmentFilter.active.fget(self)


def narrow_to_partnership(filters: dict, data, lookups: dict[str, str]) -> None:
    """With a partnership asked for, the selects of a filter set offer its own parts, areas, parties, organisations
    and commitments only (filter name → the lookup from that select's model to the partnership's slug): an area's
    slug is unique within its partnership only, and the other partnerships' options are noise. The filters are
    the set's own copies (django-filter deep-copies them per instance)."""
    slug = data.get("partnership") if data is not None else None
    if not slug or "\x00" in slug:
        return
    for name, lookup in lookups.items():
        if name in filters and getattr(filters[name], "queryset", None) is not None:
            filters[name].queryset = filters[name].queryset.filter(**{lookup: slug})


# The list's columns and the keys that sort them; the owners do not sort. Due dates and statuses are the sides' now:
# a picture of a past day does not sort by them.
LIST_COLUMNS = [("Ref", "ref"), ("Commitment", "title"), ("Owners", None), ("Cadence and updates", "due"),
                ("Strength", "strength"), ("Status", "status")]
NOW_ONLY = {"due", "status"}
LIST_ORDER = ("paragraph__partnership__adopted_on", "paragraph__number", "position")
NEXT_DUE = Subquery(CommitmentSide.objects.filter(commitment=OuterRef("pk"), due_on__isnull=False)
                    .order_by("due_on").values("due_on")[:1])


def _rank(field: str, values) -> Case:
    """The field's position in `values`, for sorting by the vocabulary's order rather than the alphabet."""
    return Case(*(When(**{field: value}, then=Value(rank)) for rank, value in enumerate(values)),
                output_field=IntegerField())


def sorted_commitments(sort: Sort, commitments: QuerySet) -> QuerySet:
    """The commitments in the order asked for, ties (and "ref") in the document's order.
    Statuses go from the least advanced, due dates from the earliest, commitments with nothing due last."""
    first = {
        "ref": [], "title": [Lower("title")], "strength": [_rank("strength", Strength.values)],
        "status": [_rank("status", ADVANCEMENT)], "due": [NEXT_DUE],
    }[sort.key]
    descending = sort.descending
    order = [e.desc(nulls_last=True) if descending else e.asc(nulls_last=True) for e in first]
    document = [F(f).desc() if descending and sort.key == "ref" else F(f).asc() for f in LIST_ORDER]
    return commitments.order_by(*order, *document)


def sorted_filter(params, partnership=None) -> tuple["CommitmentFilter", Sort, list[tuple[str, str | None]]]:
    """The commitment filters of `params` (None: unbound) over the commitments in the order its "sort" asks for, and
    the list's columns with the keys that sort them: the list page, its downloads and its PDF keep the same order.
    With `partnership`, the filters are a page's, of that partnership only (`one_partnership`)."""
    filterset = CommitmentFilter(params or None, queryset=commitment_order())
    if partnership is not None:
        filterset = one_partnership(filterset, partnership)
    columns = [(label, None if filterset.as_of_day and key in NOW_ONLY else key) for label, key in LIST_COLUMNS]
    sort = sort_asked((params or {}).get("sort"), {key for _, key in columns if key}, "ref")
    # The sort depends on the filters' day; nothing was read yet.
    filterset.queryset = sorted_commitments(sort, filterset.queryset)
    return filterset, sort, columns


def one_partnership(filterset, partnership):
    """A page's filters, which show one partnership at a time (agreement.choice): the partnership is the page's, so
    the form offers no choice of it (the header's switcher makes it) and the rows are that partnership's. The API's
    and the exports' filters keep theirs: they take `partnership` from the query string like any other filter."""
    field = filterset.filters.pop("partnership").field_name
    filterset.queryset = filterset.queryset.filter(**{field: partnership})
    return filterset


class Row:
    """A commitment in a list or export, with the state of each of its sides."""

    def __init__(self, commitment, states):
        self.commitment = commitment
        self.states = states

    @classmethod
    def now(cls, commitment: Listed, today):
        return cls(commitment, [SideState(side, side.status, side.plan, today) for side in commitment.sides])

    @property
    def overall(self) -> str:
        return least_advanced(s.status for s in self.states)

    @property
    def due_state(self):
        return most_urgent(s.due_state for s in self.states)

    @property
    def disagree(self) -> bool:
        return len({s.status for s in self.states}) > 1

    def state(self, party_code: str):
        return next((s for s in self.states if s.side.party == party_code), None)
