from django import forms

from enablement.core.forms import GovukDateField
from enablement.core.limits import long_text_field, text_field
from enablement.reviews.models import Engagement, GoalProgressLevel
from enablement.reviews.rules import progress_field


class ReviewForm(forms.Form):
    """A review: the date, progress on every goal of the current plan, engagement, who took
    part, a summary, the plan revision and issues for the social worker."""

    held_on = GovukDateField(
        label="Date the review was held",
        help_text="For example, 20 4 2026",
        error_messages={"required": "Enter the date the review was held"},
    )

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            self.fields[progress_field(goal.pk)] = forms.ChoiceField(
                label=f"Goal {goal.position}: {goal.description}",
                help_text=f"Measure: {goal.measure}",
                choices=GoalProgressLevel.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Select the progress on goal {goal.position}"},
            )
            self.fields[f"note_{goal.pk}"] = text_field(
                label=f"Note on goal {goal.position} (optional)",
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["engagement"] = forms.ChoiceField(
            label="Level of engagement",
            choices=Engagement.choices,
            widget=forms.RadioSelect,
            error_messages={"required": "Select the level of engagement"},
        )
        self.fields["participants"] = long_text_field(
            label="Who took part",
            help_text="The person, the worker, and the named social worker or other "
            "professionals if they joined",
            max_length=2000,
            rows=2,
            error_messages={"required": "Enter who took part in the review"},
        )
        self.fields["summary"] = long_text_field(
            label="Summary of the review",
            rows=4,
            error_messages={"required": "Enter a summary of the review"},
        )
        self.fields["plan_revision"] = long_text_field(
            label="The plan revision agreed with the person (optional)",
            rows=3,
            required=False,
        )
        self.fields["plan_changes"] = forms.BooleanField(
            label="The plan changes: make a new version to sign",
            required=False,
        )
        self.fields["issues_for_social_worker"] = long_text_field(
            label="Issues to feed back to the social worker (optional)",
            help_text="The named social worker and the senior are told",
            rows=3,
            required=False,
        )

    def progress(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            g.pk: (data.get(progress_field(g.pk)) or "", data.get(f"note_{g.pk}") or "")
            for g in self.goals
        }

    def values(self) -> dict:
        keys = (
            "held_on",
            "engagement",
            "participants",
            "summary",
            "plan_revision",
            "plan_changes",
            "issues_for_social_worker",
        )
        return {k: self.cleaned_data.get(k) for k in keys}


class ExtensionRequestForm(forms.Form):
    weeks = forms.IntegerField(
        label="Weeks",
        help_text="How many weeks the enablement should be extended by",
        min_value=1,
        max_value=52,
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-2", "inputmode": "numeric"}
        ),
        error_messages={
            "required": "Enter how many weeks the extension is for",
            "invalid": "Weeks must be a whole number, like 2",
            "min_value": "Enter how many weeks the extension is for, 1 or more",
            "max_value": "Weeks must be 52 or fewer",
        },
    )
    reasons = long_text_field(
        label="Reasons for the extension",
        rows=4,
        error_messages={"required": "Enter the reasons for the extension"},
    )
    evidence = long_text_field(
        label="Evidence that the extra time will meet the goals",
        rows=4,
        error_messages={"required": "Enter the evidence that the extra time will meet the goals"},
    )


class DiscussForm(forms.Form):
    note = long_text_field(
        label="What was discussed",
        rows=4,
        error_messages={"required": "Enter what was discussed"},
    )


DECISIONS = [("approve", "Approve the extension"), ("refuse", "Refuse the extension")]


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the extension is approved or refused"},
    )
    agreed_with = text_field(
        label="Occupational therapy assessment manager who agrees",
        help_text="Needed to approve",
        max_length=200,
        required=False,
    )
    note = long_text_field(
        label="Note (needed to refuse)",
        rows=3,
        required=False,
    )

    def __init__(self, *args, needs_agreed_with: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_agreed_with:
            del self.fields["agreed_with"]
