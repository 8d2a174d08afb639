from django import forms

from enablement.catalogue.vocab import ClosureReason
from enablement.closures.models import EvaluationOffer, GoalResult
from enablement.core.limits import LONG_TEXT, long_text_field, text_field
from enablement.returns.vocab import (
    SEQUELS_AT_CLOSURE,
    AccommodationStatus,
    EmploymentStatus,
    EventOutcome,
)

SEQUEL_LABELS = dict(EventOutcome.choices)

YES_NO = [("yes", "Yes"), ("no", "No")]
REASON_LABELS = dict(ClosureReason.choices)


class ProposeClosureForm(forms.Form):
    """The proposal and the outcomes and recommendations form, completed with the person.
    One result and note per goal of the current plan."""

    reason = forms.ChoiceField(
        label="Why is the enablement closing?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select why the enablement is closing",
            "invalid_choice": "Select one of this service's reasons for closing an enablement",
        },
    )
    discussed_with_senior = forms.BooleanField(
        label="Discussed with the senior",
        required=False,
        help_text="Needed to close because the person is not making adequate progress",
    )
    discussion_note = long_text_field(
        label="The discussion (optional)",
        required=False,
        rows=3,
        help_text="With the person, the named social worker and the senior",
    )
    recommendations = long_text_field(label="Recommendations (optional)", required=False, rows=4)
    further_needs = long_text_field(
        label="Further care and support needs (optional)",
        required=False,
        rows=4,
        help_text="Passed to the named social worker",
    )
    completed_with_person = forms.ChoiceField(
        label="Was the form completed with the person?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if the form was completed with the person"},
    )
    evaluation_offer = forms.ChoiceField(
        label="How was the evaluation offered?",
        choices=EvaluationOffer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the evaluation was offered"},
    )
    sequel = forms.ChoiceField(
        label="What follows the enablement?",
        help_text="In the council's short-term support list (the return reports it)",
        choices=[(s.value, SEQUEL_LABELS[s]) for s in SEQUELS_AT_CLOSURE],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what follows the enablement"},
    )
    employment_status = forms.ChoiceField(
        label="Employment at closure",
        choices=[("", "Select employment"), *EmploymentStatus.choices],
        error_messages={"required": "Select the person's employment at closure"},
    )
    accommodation_status = forms.ChoiceField(
        label="Accommodation at closure",
        choices=[("", "Select accommodation"), *AccommodationStatus.choices],
        error_messages={"required": "Select the person's accommodation at closure"},
    )

    def __init__(self, *args, reasons, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [(r, REASON_LABELS.get(r, r)) for r in reasons]
        self.goals = list(goals)
        for goal in self.goals:
            self.fields[f"goal_{goal.pk}"] = forms.ChoiceField(
                label=f"Goal {goal.position}: {goal.description}",
                help_text=f"Measure: {goal.measure}",
                choices=GoalResult.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Select whether the goal was achieved, partly achieved or not"
                },
            )
            self.fields[f"goal_{goal.pk}_note"] = long_text_field(
                label=f"Note on goal {goal.position} (optional)",
                required=False,
                max_length=2000,
                rows=2,
            )
        order = ["reason", "discussed_with_senior", "discussion_note"]
        order += [n for g in self.goals for n in (f"goal_{g.pk}", f"goal_{g.pk}_note")]
        self.order_fields(order)

    def outcomes(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            g.pk: (data.get(f"goal_{g.pk}", ""), data.get(f"goal_{g.pk}_note", ""))
            for g in self.goals
        }

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "reason": data["reason"],
            "discussed_with_senior": data["discussed_with_senior"],
            "discussion_note": data["discussion_note"],
            "outcomes": self.outcomes(),
            "recommendations": data["recommendations"],
            "further_needs": data["further_needs"],
            "completed_with_person": data["completed_with_person"] == "yes",
            "evaluation_offer": data["evaluation_offer"],
            "sequel": data["sequel"],
            "employment_status": data["employment_status"],
            "accommodation_status": data["accommodation_status"],
        }


class DecideClosureForm(forms.Form):
    decision = forms.ChoiceField(
        label="Do you agree the closure?",
        choices=[("agree", "Yes, agree and close"), ("not_agree", "No, do not agree")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you agree the closure"},
    )
    note = long_text_field(
        label="Why you do not agree (needed if you do not agree)", required=False, rows=3
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "not_agree" and not (data.get("note") or "").strip():
            self.add_error("note", "Say why you do not agree the closure")
        return data


class DisputeForm(forms.Form):
    raised_by_name = text_field(
        label="Who disputes the closure",
        max_length=200,
        help_text="For example, the person, their carer or the named social worker",
        error_messages={"required": "Enter who disputes the closure"},
    )
    grounds = long_text_field(
        label="Why they dispute it",
        rows=4,
        max_length=LONG_TEXT,
        error_messages={"required": "Enter why they dispute the closure"},
    )


class AnswerDisputeForm(forms.Form):
    upheld = forms.ChoiceField(
        label="Does the closure stand?",
        choices=[("yes", "Yes, the closure stands"), ("no", "No, the closure is overturned")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the closure stands"},
    )
    answer = long_text_field(
        label="Your answer",
        rows=4,
        error_messages={"required": "Enter the answer to the dispute"},
    )


class EscalateDisputeForm(forms.Form):
    grounds = long_text_field(
        label="Why they are not satisfied with the answer",
        rows=4,
        error_messages={"required": "Enter why they are not satisfied with the answer"},
    )
