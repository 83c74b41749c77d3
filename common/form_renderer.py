"""Django's form renderer, with its most repeated widgets drawn in Python.

Django renders every widget, and every option of a select or a list of radios, through a template of its own; the
commitment filters alone hold a few hundred options and the admin's lists a checkbox a row, which made widgets the
costliest part of those pages. The markup is exactly that of Django's templates (django/forms/widgets/*.html)."""

from django.forms.renderers import DjangoTemplates
from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"
INPUTS = {f"{WIDGETS}{name}.html" for name in (
    "input", "checkbox", "color", "date", "datetime", "email", "hidden", "number", "password", "search", "tel", "text",
    "time", "url")}
MULTIPLE = {f"{WIDGETS}{name}.html" for name in ("multiple_input", "radio", "checkbox_select")}
# One option of those, drawn alone (a template's `{{ box.tag }}`).
OPTIONS = {f"{WIDGETS}{name}.html" for name in ("input_option", "checkbox_option", "radio_option")}


def _attrs(attrs: dict) -> str:
    return "".join(f" {name}" if value is True else f' {name}="{escape(value)}"'
                   for name, value in attrs.items() if value is not False)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
    return f'<input type="{widget["type"]}" name="{escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _option(option: dict) -> str:
    if not option["wrap_label"]:
        return _input(option)
    target = f' for="{escape(option["attrs"]["id"])}"' if option["attrs"].get("id") else ""
    return f"<label{target}>{_input(option)} {escape(option['label'])}</label>"


def _multiple(widget: dict) -> str:
    attrs = widget["attrs"]
    parts = ["<div", f' id="{escape(attrs["id"])}"' if attrs.get("id") else "",
             f' class="{escape(attrs["class"])}"' if attrs.get("class") else "", ">"]
    for group, options, _ in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{escape(group)}</label>")
        parts.extend(f"<div>\n    {_option(option)}</div>" for option in options)
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


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
    return "".join(parts)


def _textarea(widget: dict) -> str:
    value = escape(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _drawer(template_name: str):
    if template_name in INPUTS:
        return _input
    if template_name in MULTIPLE:
        return _multiple
    if template_name in OPTIONS:
        return _option
    return {f"{WIDGETS}select.html": _select, f"{WIDGETS}textarea.html": _textarea}.get(template_name)


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if draw := _drawer(template_name):
            return mark_safe(draw(context["widget"]))
        return super().render(template_name, context, request)
