"""The commitment filters, shared by the list page, the API and (later) the exports, so all three agree."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from commitments.cadence import DUE_SOON_DAYS, DueState
from commitments.models import Commitment, CommitmentSide
from commitments.status import Cadence, Status, Strength
from partnership.models import Area, Organisation, Part, Partnership, Party


class CommitmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    partnership = django_filters.ModelChoiceFilter(
        field_name="paragraph__partnership", to_field_name="slug", queryset=Partnership.objects.all(),
        empty_label="All partnerships",
    )
    part = django_filters.ModelChoiceFilter(
        field_name="paragraph__part", queryset=Part.objects.filter(paragraphs__commitments__isnull=False).distinct(),
        empty_label="All parts",
    )
    area = django_filters.ModelChoiceFilter(
        field_name="paragraph__area", to_field_name="slug", queryset=Area.objects.all(), empty_label="All areas"
    )
    owner = django_filters.ModelChoiceFilter(
        field_name="sides__owners__organisation", to_field_name="slug",
        queryset=Organisation.objects.select_related("party"), empty_label="Any owner", label="Owner organisation",
    )
    side = django_filters.ModelChoiceFilter(
        field_name="sides__party", to_field_name="code", queryset=Party.objects.all(), empty_label="Either side",
        label="Binds side",
    )
    strength = django_filters.ChoiceFilter(choices=Strength.choices, empty_label="Any strength")
    cadence = django_filters.ChoiceFilter(choices=Cadence.choices, empty_label="Any cadence")
    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label="Any status", label="Overall status")
    side_status = django_filters.ChoiceFilter(
        choices=Status.choices, empty_label="Any", label="Status of a side", method="filter_side_status"
    )
    due = django_filters.ChoiceFilter(
        choices=[(state.value, state.label) for state in DueState] + [("late", "Overdue or stale")],
        empty_label="Any", label="Updates", method="filter_due",
    )
    paragraph = django_filters.NumberFilter(field_name="paragraph__number", label="Paragraph", min_value=1)

    class Meta:
        model = Commitment
        fields = [
            "q", "partnership", "part", "area", "owner", "side", "strength", "cadence", "status", "side_status",
            "due", "paragraph",
        ]

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
        """The filters in use, as label → value, for headings and export headers."""
        if not self.is_bound or not self.is_valid():
            return {}
        result = {}
        for name, value in self.form.cleaned_data.items():
            if value not in (None, ""):
                field = self.form.fields[name]
                if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                    value = dict(field.choices).get(value, value)
                result[str(field.label)] = str(value)
        return result
