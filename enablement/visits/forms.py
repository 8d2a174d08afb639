import re
from datetime import datetime, time

from django import forms
from django.utils import timezone

from enablement.core.forms import GovukDateField
from enablement.core.limits import long_text_field, text_field
from enablement.visits.models import ContactKind, NoteKind, VisitOutcome
from enablement.visits.services import DISCUSSION_DECISIONS

_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def _kind_field():
    return forms.ChoiceField(
        label="Kind of contact",
        choices=ContactKind.choices,
        widget=forms.RadioSelect,
        initial=ContactKind.VISIT,
        error_messages={
            "required": "Select the kind of contact",
            "invalid_choice": "Select the kind of contact",
        },
    )


class PlanVisitForm(forms.Form):
    kind = _kind_field()
    day = GovukDateField(label="Day of the visit")
    at = text_field(
        label="Time",
        max_length=5,
        help_text="In 24-hour time, for example 09:30 or 14:00",
        error_messages={"required": "Enter the time of the visit"},
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5"}),
    )

    def clean_at(self):
        match = _TIME.match(self.cleaned_data["at"])
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise forms.ValidationError("Enter a time like 09:30 or 14:00")
        return time(int(match[1]), int(match[2]))

    def planned_for(self) -> datetime:
        data = self.cleaned_data
        return timezone.make_aware(datetime.combine(data["day"], data["at"]))


class RecordVisitForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened?",
        choices=VisitOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what happened",
            "invalid_choice": "Select what happened",
        },
    )
    happened_on = GovukDateField(label="Day of the visit")
    hours = forms.DecimalField(
        label="Hours spent with the person (needed if the visit took place)",
        required=False,
        min_value=0,
        max_value=12,
        max_digits=4,
        decimal_places=2,
        help_text="For example 1.5 for an hour and a half",
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-4", "inputmode": "decimal"}
        ),
        error_messages={
            "invalid": "Enter hours as a number, like 1.5",
            "min_value": "Hours must be between 0 and 12",
            "max_value": "Hours must be between 0 and 12",
            "max_digits": "Hours must be between 0 and 12",
            "max_decimal_places": "Enter hours to 2 decimal places or fewer",
        },
    )
    note = long_text_field(
        label="Note (needed if the visit ended early because you felt unsafe)",
        required=False,
        rows=4,
    )


class RecordNewVisitForm(RecordVisitForm):
    """A visit that happened without being planned first."""

    kind = _kind_field()
    field_order = ["kind", "outcome", "happened_on", "hours", "note"]


class NoteForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of note",
        choices=NoteKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the kind of note",
            "invalid_choice": "Select the kind of note",
        },
    )
    text = long_text_field(label="Note", rows=6, error_messages={"required": "Enter the note"})

    def __init__(self, *args, may_escalate: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_escalate:
            self.fields["kind"].choices = [
                c for c in NoteKind.choices if c[0] != NoteKind.ESCALATION
            ]


class CorrectNoteForm(forms.Form):
    text = long_text_field(
        label="Corrected note",
        rows=6,
        help_text="The original stays on the record, labelled as corrected by this note",
        error_messages={"required": "Enter the corrected note"},
    )


class DiscussMissedVisitsForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=list(DISCUSSION_DECISIONS.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether to continue or propose closure",
            "invalid_choice": "Select whether to continue or propose closure",
        },
        help_text="Proposing closure records the decision only: closing the enablement is "
        "a separate step",
    )
    note = long_text_field(
        label="What was discussed", rows=5, error_messages={"required": "Enter what was discussed"}
    )


class CheckNoteForm(forms.Form):
    meets_standard = forms.TypedChoiceField(
        label="Does the note meet the recording standard?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the note meets the standard",
            "invalid_choice": "Select whether the note meets the standard",
        },
    )
    comment = long_text_field(
        label="Comment (needed if it does not)",
        max_length=2000,
        required=False,
        rows=3,
    )
