"""The API's `partnership` filter: every list takes `?partnership=<slug>`, as the pages' addresses do. Without it a
list spans every partnership (the API reads no session); an unknown slug is a 400 on the field."""

import django_filters

from agreement.models import Area, Organisation, Paragraph, Part, Partnership
from common.choices import ModelChoiceFilter


def partnership_filter(field_name: str) -> ModelChoiceFilter:
    """A filter by the partnership's slug, `field_name` leading from the listed model to the partnership."""
    return ModelChoiceFilter(field_name=field_name, to_field_name="slug", queryset=Partnership.objects.all(),
                             label="Partnership (its slug)")


class PartFilter(django_filters.FilterSet):
    partnership = partnership_filter("partnership")

    class Meta:
        model = Part
        fields = {"partnership__slug": ["exact"]}


class AreaFilter(django_filters.FilterSet):
    partnership = partnership_filter("part__partnership")

    class Meta:
        model = Area
        fields = {"part__partnership__slug": ["exact"], "slug": ["exact"]}


class ParagraphFilter(django_filters.FilterSet):
    partnership = partnership_filter("partnership")

    class Meta:
        model = Paragraph
        fields = {"partnership__slug": ["exact"], "number": ["exact"]}


class OrganisationFilter(django_filters.FilterSet):
    """A partnership's organisations are its parties': the EU's bodies are in every EU partnership."""

    partnership = partnership_filter("party__partnerships")

    class Meta:
        model = Organisation
        fields = {"party__code": ["exact"]}
