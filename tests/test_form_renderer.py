"""The form renderer draws the commonest widgets in Python: what it draws must be the HTML Django's templates draw
(compared as HTML, as whitespace between tags differs)."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.html import parse_html

from common.form_renderer import FormRenderer


class Everything(forms.Form):
    name = forms.CharField(max_length=20, initial='a "quoted" <name>')
    hidden = forms.CharField(widget=forms.HiddenInput, initial="x&y")
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    count = forms.IntegerField(required=False)
    agree = forms.BooleanField(required=False, initial=True)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), initial="line <1>\nline 2")
    kind = forms.ChoiceField(choices=[("", "—"), ("a", "A & B"), ("Group", [("c", "C"), ("d", "D")])], initial="c")
    many = forms.MultipleChoiceField(choices=[("1", "One <i>"), ("2", "Two")], widget=forms.CheckboxSelectMultiple,
                                     initial=["2"])
    one = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect, initial="y")


def both(form_class, field: str, **kwargs) -> tuple[str, str]:
    ours = form_class(renderer=FormRenderer(), **kwargs)
    django = form_class(renderer=DjangoTemplates(), **kwargs)
    return str(ours[field]), str(django[field])


@pytest.mark.parametrize("field", ["name", "hidden", "date", "count", "agree", "notes", "kind", "many", "one"])
@pytest.mark.parametrize("bound", [False, True])
def test_a_widget_is_drawn_as_djangos_template_draws_it(field, bound):
    data = {"name": "</label>'", "count": "3", "notes": "<b>", "kind": "a", "many": ["1", "2"], "one": "x"}
    ours, django = both(Everything, field, **({"data": data} if bound else {}))
    assert parse_html(ours) == parse_html(django)


@pytest.mark.parametrize("wrap_label", [False, True])
def test_one_checkbox_or_radio_drawn_alone_is_drawn_as_djangos_template_draws_it(wrap_label):
    ours = Everything(renderer=FormRenderer())
    django = Everything(renderer=DjangoTemplates())
    for field in ("many", "one"):
        for mine, theirs in zip(ours[field], django[field], strict=True):
            assert parse_html(mine.tag(wrap_label=wrap_label)) == parse_html(theirs.tag(wrap_label=wrap_label))
