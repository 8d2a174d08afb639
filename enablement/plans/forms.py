"""The plan's forms. Goals are repeated fieldsets of one form (a fixed number of rows, no
JavaScript): `goal_<i>_<field>`, so one error summary lists every problem and each message
sits beside its field."""

from django import forms

from enablement.core.forms import GovukDateField
from enablement.core.limits import LONG_TEXT, long_text_field, text_field
from enablement.plans import rules
from enablement.referrals.rules import level_label

GOAL_FIELDS = ("description", "measure", "target_date", "steps")


class ResourceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PlanForm(forms.Form):
    row_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)
    goal_rows = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=rules.MAX_GOALS, required=False
    )
    strengths = long_text_field("Strengths", required=False, rows=3)
    own_strategies = long_text_field(
        "The person's own strategies",
        required=False,
        rows=3,
        help_text="What the person already does that helps them stay well",
    )
    interventions = long_text_field("Interventions", required=False, rows=3)
    resources = ResourceChoiceField(
        label="Resources from the catalogue",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select resources from the list"},
    )

    def __init__(self, *args, resources, levels=(), rows: int, example=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resources"].queryset = resources
        if levels:
            self.fields["level"] = forms.ChoiceField(
                label="Level of support",
                choices=[(lv, level_label(lv)) for lv in levels],
                widget=forms.RadioSelect,
                error_messages={"required": "Select the level of support in this plan"},
            )
        self.rows = max(1, min(rows, rules.MAX_GOALS))
        for i in range(self.rows):
            n = i + 1
            self.fields[f"goal_{i}_key"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31
            )
            self.fields[f"goal_{i}_description"] = long_text_field(
                f"Goal {n}: what the person wants to do, in their words",
                called="The goal",
                max_length=2000,
                required=False,
                rows=2,
            )
            self.fields[f"goal_{i}_measure"] = text_field(
                f"Goal {n}: how you will measure it",
                called="The measure",
                max_length=500,
                required=False,
            )
            self.fields[f"goal_{i}_target_date"] = GovukDateField(
                label=f"Goal {n}: target date",
                required=False,
                help_text=f"For example, {example.day} {example.month} {example.year}"
                if example
                else GovukDateField.default_hint,
            )
            self.fields[f"goal_{i}_steps"] = long_text_field(
                f"Goal {n}: steps and who takes them (optional)",
                called="Steps",
                max_length=2000,
                required=False,
                rows=2,
            )

    def goal_rows_fields(self) -> list[dict]:
        return [
            {"number": i + 1, **{name: self[f"goal_{i}_{name}"] for name in (*GOAL_FIELDS, "key")}}
            for i in range(self.rows)
        ]

    def plan_fields(self):
        names = ["strengths", "own_strategies", "interventions", "resources"]
        if "level" in self.fields:
            names.append("level")
        return [self[n] for n in names]

    def values(self) -> rules.PlanInput:
        data = self.cleaned_data
        goals = tuple(
            rules.GoalInput(
                description=data.get(f"goal_{i}_description") or "",
                measure=data.get(f"goal_{i}_measure") or "",
                target_date=data.get(f"goal_{i}_target_date"),
                steps=data.get(f"goal_{i}_steps") or "",
                key=data.get(f"goal_{i}_key"),
            )
            for i in range(self.rows)
        )
        return rules.PlanInput(
            goals=goals,
            strengths=data.get("strengths") or "",
            own_strategies=data.get("own_strategies") or "",
            interventions=data.get("interventions") or "",
            resources=tuple(r.name for r in data.get("resources") or ()),
            level=data.get("level") or "",
        )

    def resource_ids(self) -> list[int]:
        return [r.pk for r in self.cleaned_data.get("resources") or ()]

    def add_action_errors(self, problems: dict[str, list[str]]) -> None:
        """An action's problems (`goals.<i>.<field>`, `goals`, plan fields) beside fields."""
        for key, messages in problems.items():
            if key.startswith("goals."):
                _, i, name = key.split(".", 2)
                target = f"goal_{i}_{name}"
            elif key == "goals":
                target = "goal_0_description"
            else:
                target = key
            self.add_error(target if target in self.fields else None, messages)


def plan_initial(plan, *, default_level: str = "") -> dict:
    if plan is None:
        return {"row_version": 0, "level": default_level}
    initial = {
        "row_version": plan.row_version,
        "strengths": plan.strengths,
        "own_strategies": plan.own_strategies,
        "interventions": plan.interventions,
        "resources": [r.pk for r in plan.resources.all()],
        "level": plan.level or default_level,
    }
    for i, goal in enumerate(plan.goals.all()):
        initial |= {
            f"goal_{i}_key": goal.key,
            f"goal_{i}_description": goal.description,
            f"goal_{i}_measure": goal.measure,
            f"goal_{i}_target_date": goal.target_date,
            f"goal_{i}_steps": goal.steps,
        }
    return initial


class RevisionForm(forms.Form):
    change_summary = text_field("What needs to change (optional)", max_length=500, required=False)


class WorkerSignForm(forms.Form):
    row_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)
    differs_from_referral = forms.BooleanField(
        label="The aims differ from the work the referral asked for", required=False
    )
    differs_note = long_text_field(
        "How they differ (the named social worker is told when the plan is signed)",
        called="How they differ",
        max_length=LONG_TEXT,
        required=False,
        rows=3,
    )


class PaperSignatureForm(forms.Form):
    row_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)
    signed_on = GovukDateField(
        label="Date the person signed",
        error_messages={"required": "Enter the date the person signed the plan"},
    )
    scan = forms.FileField(
        label="Scan of the signed plan (optional)",
        help_text="A PDF, JPEG or PNG file, 10 MB or smaller",
        required=False,
        widget=forms.FileInput,
    )
