"""How long typed text may be, said once for the models, the forms, the API and the actions.

An unbounded text reached a `varchar` column on PostgreSQL (a 500) or filled the database
with a megabyte note. Every text has a limit and, when it is passed, a message in plain
words beside the field ("Reason must be 5,000 characters or fewer", the GOV.UK pattern), from
the page, from the API and from the action function that both call.
"""

import re

from django import forms
from django.core.exceptions import ValidationError

# Free text a person writes: reasons, notes, descriptions, what is asked for.
LONG_TEXT = 5000
# A message the system composes from several texts (a notification's body).
MESSAGE_TEXT = 20_000
# An email address, as models.EmailField stores it.
EMAIL = 254
# A password as typed (the stored hash is short; the typed one is hashed, so bound it).
PASSWORD = 1000


def too_long_message(label, limit: int) -> str:
    """'Reason must be 5,000 characters or fewer' for the label 'Reason (optional)'."""
    return f"{_name(label)} must be {limit:,} characters or fewer"


def _name(label) -> str:
    text = re.sub(r"\s*\([^)]*\)\s*$", "", str(label or "This")).strip() or "This"
    return text[:1].upper() + text[1:]


def text_field(label, *, max_length: int = LONG_TEXT, called=None, **kwargs) -> forms.CharField:
    """A form's text field with a limit and the limit's plain message. `called` names the
    field in the message when the label is a question ("What would you like help with?")."""
    messages = {"max_length": too_long_message(called or label, max_length)}
    messages |= kwargs.pop("error_messages", {})
    return forms.CharField(label=label, max_length=max_length, error_messages=messages, **kwargs)


def email_field(label, **kwargs) -> forms.EmailField:
    """An email address as long as the model's EmailField (254), not Django's form default."""
    messages = {"max_length": too_long_message("Email address", EMAIL)}
    messages |= kwargs.pop("error_messages", {})
    return forms.EmailField(label=label, max_length=EMAIL, error_messages=messages, **kwargs)


def long_text_field(label, *, max_length: int = LONG_TEXT, rows=None, **kwargs):
    """`text_field` in a textarea (which then carries `maxlength`)."""
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.Textarea
    return text_field(label, max_length=max_length, widget=widget, **kwargs)


def length_problems(model, values: dict, *, names: dict | None = None) -> dict[str, str]:
    """Each value longer than its model field allows, keyed as the caller names it.

    `values` is keyed by model field name; `names` maps a field to the name the page and the
    API use for it when they differ (the route form's `reason` is the decision's reason)."""
    problems = {}
    for field_name, value in values.items():
        field = model._meta.get_field(field_name)
        limit = getattr(field, "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            key = (names or {}).get(field_name, field_name)
            problems[key] = too_long_message(field.verbose_name, limit)
    return problems


def refuse_too_long(model, values: dict, *, names: dict | None = None) -> None:
    """Raise a ValidationError naming each over-long value (see `length_problems`)."""
    problems = length_problems(model, values, names=names)
    if problems:
        raise ValidationError(problems)


def fit(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis, for a column the system fills
    from what people typed (an event's summary, a notification's subject)."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
