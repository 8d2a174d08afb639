from django import forms
from django.core.exceptions import ValidationError

from enablement.core.forms import GovukDateField
from enablement.core.params import query_int


class RecordNumberField(forms.CharField):
    """An id typed in, or carried by a link in the log: ASCII digits within range
    (core.params.query_int), else a message beside the field."""

    def __init__(self, *, message: str, **kwargs):
        self.message = message
        super().__init__(
            required=False, max_length=19, error_messages={"max_length": message}, **kwargs
        )

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        number = query_int(value)
        if number is None:
            raise ValidationError(self.message)
        return number


class AccessLogFilter(forms.Form):
    person = RecordNumberField(
        label="Person's record number",
        help_text="The number at the end of their record's address; select a name below to "
        "fill it in",
        message="Enter the person's record number in digits, like 1234",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-10"}),
    )
    user = RecordNumberField(
        label="User number",
        help_text="Select a name below to fill it in",
        message="Enter the user number in digits, like 12",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-10"}),
    )
    since = GovukDateField(label="From (optional)", required=False)
    until = GovukDateField(label="To (optional)", required=False)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date must be the same as or after the start date")
        return data

    def filters(self) -> dict:
        """The selector's arguments; an unbound form is the whole log."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "person_id": data.get("person"),
            "user_id": data.get("user"),
            "since": data.get("since"),
            "until": data.get("until"),
        }
