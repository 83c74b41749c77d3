"""Selects over a model, their options read in one plain query.

Django reads a select's options with `queryset.iterator()`, which on PostgreSQL opens a server-side cursor — three
round trips (declare, fetch, close) built for millions of rows — for the few dozen organisations or areas a select
offers. The commitment filters alone have five such selects."""

import django_filters
from django import forms
from django_filters import fields as filter_fields


class _OneQuery(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class _FilterOneQuery(filter_fields.ModelChoiceIterator, _OneQuery):
    """django-filter's iterator (it adds the "null" choice) over the one query."""


class ModelChoiceField(forms.ModelChoiceField):
    iterator = _OneQuery


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = _OneQuery


class _FilterField(filter_fields.ModelChoiceField):
    iterator = _FilterOneQuery

    def to_python(self, value):
        # A slug unique within one partnership only (an area's) may name options of several: refused on its field,
        # not a server error, until the partnership narrows the options (commitments.filters).
        try:
            return super().to_python(value)
        except self.queryset.model.MultipleObjectsReturned:
            raise forms.ValidationError("“%(value)s” is in more than one partnership: choose the partnership too.",
                                        code="ambiguous", params={"value": value}) from None


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = _FilterField
