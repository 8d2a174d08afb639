from django import forms

from enablement.core.forms import GovukDateField


class ReturnForm(forms.Form):
    service = forms.ModelChoiceField(
        label="Service",
        queryset=None,
        empty_label=None,
        error_messages={
            "required": "Select a service",
            "invalid_choice": "Select one of your services",
        },
    )
    start = GovukDateField(label="First day of the period")
    end = GovukDateField(label="Last day of the period")

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services.order_by("name")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The last day must be the same as or after the first day")
        if start and end and (end - start).days > 366 * 3:
            self.add_error("end", "A period can be at most three years long")
        return data
