"""Form fields that need more than one input to follow the GOV.UK Design System."""

import calendar
import datetime
import re

from django import forms
from django.core.exceptions import ValidationError

DATE_PARTS = ("day", "month", "year")

# Spelt out rather than taken from `calendar.month_name`, which follows the process
# locale. The GOV.UK date pattern asks services to accept month names and abbreviations.
_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})
_MONTHS["sept"] = 9


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes (the GOV.UK date input), named and id'd `<name>_0/1/2`."""

    template_name = "django/forms/widgets/govuk_date.html"
    use_fieldset = True

    def __init__(self, attrs=None):
        def part(width):
            return forms.TextInput(
                attrs={
                    "class": f"govuk-input govuk-date-input__input govuk-input--width-{width}",
                    "inputmode": "numeric",
                }
            )

        super().__init__(widgets=(part(2), part(2), part(4)), attrs=attrs)
        # Which of DATE_PARTS the last clean() found wrong; empty means "the whole date".
        self.error_parts = ()

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def id_for_label(self, id_):
        # Errors and labels point at the first box, as the GOV.UK error summary expects.
        return f"{id_}_0" if id_ else ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        invalid = context["widget"]["attrs"].pop("aria-invalid", None)
        for part, subwidget in zip(DATE_PARTS, context["widget"]["subwidgets"], strict=True):
            subwidget["label"] = part.capitalize()
            sub_attrs = subwidget["attrs"]
            sub_attrs.pop("aria-invalid", None)
            if invalid and (not self.error_parts or part in self.error_parts):
                sub_attrs["class"] += " govuk-input--error"
                sub_attrs["aria-invalid"] = "true"
        return context


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year, cleaned to a `datetime.date`.

    Error messages follow the GOV.UK date input pattern and name the field by its label;
    override any of them with `error_messages` (they may use {what} and {What}).
    """

    widget = GovukDateWidget
    default_error_messages = {
        "required": "Enter {what}",
        "incomplete": "{What} must include a {missing}",
        "invalid": "{What} must be a real date",
        "year": "Year must include 4 numbers",
    }
    default_hint = "For example, 27 3 1985"

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", self.default_hint)
        parts = tuple(forms.CharField(required=False, strip=True) for _ in DATE_PARTS)
        super().__init__(fields=parts, require_all_fields=False, **kwargs)

    def clean(self, value):
        self.widget.error_parts = ()
        if not isinstance(value, (list, tuple)):
            value = self.widget.decompress(value)
        parts = dict(zip(DATE_PARTS, (str(v or "").strip() for v in value), strict=False))
        if not any(parts.values()):
            if self.required:
                raise self._error("required")
            return None
        missing = [part for part in DATE_PARTS if not parts.get(part)]
        if missing:
            raise self._error("incomplete", missing, missing=" and ".join(missing))
        result = self.compress([parts["day"], parts["month"], parts["year"]])
        self.run_validators(result)
        return result

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year = (str(part).strip() for part in data_list)
        if not re.fullmatch(r"\d{1,2}", day):
            raise self._error("invalid", ["day"])
        month_number = _MONTHS.get(month.lower().rstrip("."))
        if month_number is None:
            if not re.fullmatch(r"\d{1,2}", month) or not 1 <= int(month) <= 12:
                raise self._error("invalid", ["month"])
            month_number = int(month)
        if not re.fullmatch(r"\d{4}", year):
            raise self._error("year", ["year"])
        if int(year) < datetime.MINYEAR:
            raise self._error("invalid", ["year"])
        if not 1 <= int(day) <= calendar.monthrange(int(year), month_number)[1]:
            raise self._error("invalid", ["day"])
        return datetime.date(int(year), month_number, int(day))

    def _error(self, code, parts=(), **params):
        self.widget.error_parts = tuple(parts)
        what, what_capitalised = _describe(self.label)
        message = self.error_messages[code].format(what=what, What=what_capitalised, **params)
        return ValidationError(message, code=code)


def _describe(label) -> tuple[str, str]:
    """How messages name the date, mid-sentence and at the start of one.

    'Date of birth (optional)' -> ('date of birth', 'Date of birth'); acronyms such as
    'NHS' keep their case; an unlabelled field is 'a date' / 'Date'.
    """
    if not label:
        return "a date", "Date"
    text = re.sub(r"\s*\(optional\)\s*$", "", str(label), flags=re.IGNORECASE)
    if len(text) > 1 and text[1].isupper():
        return text, text
    return text[:1].lower() + text[1:], text[:1].upper() + text[1:]
