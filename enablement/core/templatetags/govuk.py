"""What the GOV.UK form templates need to know about a Django bound field.

Django widgets know nothing of GOV.UK classes, hint and error ids, so the templates in
templates/django/forms/ ask here: `{% load govuk %}{% govuk_field field as g %}`.
"""

from django import forms, template
from django.utils.html import format_html

from enablement.core.forms import GovukDateWidget

register = template.Library()

# Most specific first: CheckboxSelectMultiple is a RadioSelect, PasswordInput an Input.
_WIDGET_TYPES = (
    (GovukDateWidget, "date"),
    (forms.CheckboxSelectMultiple, "checkboxes"),
    (forms.RadioSelect, "radios"),
    (forms.CheckboxInput, "checkbox"),
    (forms.Select, "select"),
    (forms.Textarea, "textarea"),
    (forms.PasswordInput, "password"),
    (forms.FileInput, "file"),
)

# (class every such control has, class added when the field has an error)
_CLASSES = {
    "input": ("govuk-input", "govuk-input--error"),
    "password": (
        "govuk-input govuk-password-input__input govuk-js-password-input-input",
        "govuk-input--error",
    ),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "select": ("govuk-select", "govuk-select--error"),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
    "checkbox": ("govuk-checkboxes__input", ""),
}

# Fields whose first input, not the field itself, takes focus from an error link.
_GROUPED = {"date", "radios", "checkboxes"}


@register.filter
def widget_type(field) -> str:
    """One of input, textarea, select, radios, checkboxes, checkbox, date, password,
    hidden or file."""
    widget = field.field.widget
    if widget.is_hidden:
        return "hidden"
    for widget_class, name in _WIDGET_TYPES:
        if isinstance(widget, widget_class):
            return name
    return "input"


@register.filter
def error_target(field) -> str:
    """The id an error summary link points at: a date's day box, a group's first option."""
    if not field.auto_id:
        return ""
    if widget_type(field) in _GROUPED:
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


@register.simple_tag
def govuk_field(field) -> dict:
    kind = widget_type(field)
    base_id = field.auto_id or field.html_name
    hint_id = f"{base_id}-hint" if field.help_text else ""
    error_id = f"{base_id}-error" if field.errors else ""
    describedby = " ".join(filter(None, (hint_id, error_id)))
    return {
        "type": kind,
        "hint_id": hint_id,
        "error_id": error_id,
        "describedby": describedby,
        # Layout modifiers such as govuk-radios--inline or govuk-checkboxes--small.
        "modifiers": field.field.widget.attrs.get("class", "") if kind in _GROUPED else "",
        "widget": _render_widget(field, kind, describedby),
    }


def _render_widget(field, kind: str, describedby: str):
    if kind in {"radios", "checkboxes"}:
        return ""  # The template lays out each option itself.
    if kind not in _CLASSES:
        return field.as_widget()
    widget = field.field.widget
    base, error = _CLASSES[kind]
    classes = [base, widget.attrs.get("class", ""), error if field.errors else ""]
    attrs = {"class": " ".join(c for c in classes if c)}
    if describedby:
        # Given explicitly, so Django does not add its own ids that this markup lacks.
        attrs["aria-describedby"] = describedby
    if kind == "password":
        attrs.update(spellcheck="false", autocapitalize="none")
        attrs.setdefault("autocomplete", widget.attrs.get("autocomplete", "current-password"))
    elif getattr(widget, "input_type", None) == "email":
        attrs["spellcheck"] = "false"
    return field.as_widget(attrs=attrs)


@register.filter(is_safe=True)
def navigation_landmark(html, label):
    """Put what a page shows before <main> (a back link) inside a <nav> landmark.

    Content outside landmarks fails axe's "region" rule. Breadcrumbs are a <nav> already
    and an empty block stays empty, so no page gets a landmark with nothing in it.
    """
    if not str(html).strip():
        return ""
    if "<nav" in html:
        return html
    return format_html('<nav aria-label="{}">{}</nav>', label, html)
