"""Django's form renderer, with its most repeated widget drawn in Python.

A select renders one template per option; the commitment filters alone hold a few hundred options (organisations,
areas, statuses…), which made the form the costliest part of the list page. The markup is exactly that of
Django's own templates (django/forms/widgets/select.html, select_option.html, attrs.html)."""

from django.forms.renderers import DjangoTemplates
from django.utils.html import escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"


def _attrs(attrs: dict) -> str:
    return "".join(f" {name}" if value is True else f' {name}="{escape(value)}"'
                   for name, value in attrs.items() if value is not False)


def _select(widget: dict) -> str:
    parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{escape(group_name)}">')
        for option in options:
            parts.append(f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>{escape(option["label"])}</option>')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT:
            return _select(context["widget"])
        return super().render(template_name, context, request)
