"""The forms before the start, at the start and for a hold. Rules live in `rules.py` and the
actions; these only read what was typed, in GOV.UK markup."""

from django import forms

from enablement.casework.models import MeetingOutcome, SafetyIssueKind
from enablement.core.forms import GovukDateField
from enablement.core.limits import long_text_field, text_field
from enablement.returns.vocab import AccommodationStatus, EmploymentStatus


class RiskReviewForm(forms.Form):
    reviewed = forms.BooleanField(
        label="I have reviewed the risk assessments and contact notes (including the "
        "health and social care records, as appropriate)",
        error_messages={
            "required": "Confirm that you reviewed the risk assessments and contact notes"
        },
    )


class PlanningMeetingForm(forms.Form):
    held_on = GovukDateField(
        label="Date of the planning meeting",
        error_messages={"required": "Enter the date of the planning meeting"},
    )
    attendees = long_text_field(
        label="Who attended",
        max_length=2000,
        rows=3,
        error_messages={"required": "Enter who attended the planning meeting"},
    )
    joint_visit = forms.BooleanField(
        label="Held jointly with a social worker or social work assistant", required=False
    )
    joint_visit_with = text_field(
        label="Social worker or social work assistant the visit was held with",
        max_length=200,
        required=False,
    )
    needs = forms.MultipleChoiceField(
        label="Needs identified at the meeting",
        choices=[
            ("carer_need", "Needs relating to carers"),
            ("advocacy_need", "Advocacy"),
            ("capacity_need", "Mental capacity"),
            ("safeguarding_need", "Safeguarding"),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Each need ticked is raised with the named social worker",
    )
    needs_note = long_text_field(
        label="About the needs identified (optional)",
        required=False,
        rows=3,
    )
    outcome = forms.ChoiceField(
        label="Outcome of the meeting",
        choices=MeetingOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the planning meeting"},
        help_text="Unsafe to start, or joint working needed for the whole period, closes the "
        "enablement as not ready and tells the named social worker",
    )

    employment_status = forms.ChoiceField(
        label="Employment at the start",
        choices=[("", "Select employment"), *EmploymentStatus.choices],
        error_messages={"required": "Select the person's employment at the start"},
    )
    accommodation_status = forms.ChoiceField(
        label="Accommodation at the start",
        choices=[("", "Select accommodation"), *AccommodationStatus.choices],
        error_messages={"required": "Select the person's accommodation at the start"},
    )

    def meeting_values(self) -> dict:
        """The action's values: each need as its own yes or no."""
        data = dict(self.cleaned_data)
        needs = set(data.pop("needs", ()))
        return data | {need: need in needs for need, _ in self.fields["needs"].choices}


class SafetyIssueForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of issue",
        choices=SafetyIssueKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of health-and-safety issue"},
    )
    description = long_text_field(
        label="The issue, for the named social worker",
        called="The issue",
        rows=4,
        error_messages={"required": "Describe the health-and-safety issue"},
    )


class ResolveSafetyIssueForm(forms.Form):
    resolution = long_text_field(
        label="How it was resolved",
        rows=3,
        error_messages={"required": "Enter how the issue was resolved"},
    )


class StartForm(forms.Form):
    start_on = GovukDateField(
        label="Start date",
        error_messages={"required": "Enter the start date"},
    )


class HoldForm(forms.Form):
    concern = long_text_field(
        label="The concern, for the named social worker",
        called="The concern",
        rows=4,
        help_text="For example, poor progress against the agreed outcomes",
        error_messages={"required": "Describe the concern for the named social worker"},
    )


class HoldAnswerForm(forms.Form):
    answer = long_text_field(
        label="Your answer",
        rows=4,
        error_messages={"required": "Enter your answer to the concern"},
    )
