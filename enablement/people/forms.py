from django import forms

from enablement.catalogue.vocab import DiagnosisCategory
from enablement.core.forms import GovukDateField
from enablement.core.limits import email_field, long_text_field, text_field
from enablement.people.validation import person_problems


class PersonForm(forms.Form):
    given_name = text_field(
        label="First name",
        max_length=100,
        error_messages={"required": "Enter the person's first name"},
    )
    family_name = text_field(
        label="Last name",
        max_length=100,
        error_messages={"required": "Enter the person's last name"},
    )
    preferred_name = text_field(label="Preferred name (optional)", max_length=100, required=False)
    date_of_birth = GovukDateField(label="Date of birth")
    nhs_number = text_field(
        label="NHS number (optional)",
        max_length=14,
        required=False,
        help_text="10 digits, for example 943 476 5919",
    )
    case_system_id = text_field(
        label="Case-system ID (optional)",
        max_length=30,
        required=False,
        help_text="For example the Mosaic ID",
    )
    address_line_1 = text_field(label="Address line 1 (optional)", max_length=200, required=False)
    address_line_2 = text_field(label="Address line 2 (optional)", max_length=200, required=False)
    town = text_field(label="Town or city (optional)", max_length=100, required=False)
    postcode = text_field(label="Postcode (optional)", max_length=10, required=False)
    phone = text_field(label="Phone number (optional)", max_length=30, required=False)
    email = email_field(
        label="Email address (optional)",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    primary_diagnosis = forms.ChoiceField(
        label="Primary diagnosis category",
        choices=DiagnosisCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the primary diagnosis category"},
    )
    communication_needs = long_text_field(
        label="Communication needs (optional)",
        required=False,
        help_text="For example an interpreter, British Sign Language, easy read",
    )

    def __init__(self, *args, today, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        for field, message in person_problems(data, today=self.today).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return data


class NewPersonForm(PersonForm):
    confirm_not_duplicate = forms.BooleanField(
        label="I have checked the possible matches: this is a different person",
        required=False,
    )


class CarerForm(forms.Form):
    name = text_field(
        label="Carer's name", max_length=200, error_messages={"required": "Enter the carer's name"}
    )
    relationship = text_field(
        label="Relationship to the person",
        max_length=100,
        help_text="For example mother, partner, friend",
        error_messages={"required": "Enter how the carer is related to the person"},
    )
    phone = text_field(label="Phone number (optional)", max_length=30, required=False)
    email = email_field(label="Email address (optional)", required=False)
    lives_with_person = forms.BooleanField(label="Lives with the person", required=False)


class SearchForm(forms.Form):
    q = text_field(
        label="Search by name, NHS number or date of birth",
        called="Search",
        required=False,
        max_length=100,
        help_text="For example Ada Lovelace, 943 476 5919 or 27/03/1985",
    )


class DuplicateDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Are these the same person?",
        widget=forms.RadioSelect,
        choices=[("same", "Yes, the same person"), ("different", "No, different people")],
        error_messages={"required": "Select whether these are the same person"},
    )
    note = forms.CharField(
        label="Note (optional)",
        help_text="What you checked, and what the teams should do next",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        error_messages={"max_length": "The note must be 2,000 characters or fewer"},
    )
