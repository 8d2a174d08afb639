from decimal import Decimal

from django import forms

from enablement.catalogue.models import Service, Skill
from enablement.core.limits import long_text_field

YES_NO_ANY = [("", "Either"), ("yes", "Asked for"), ("no", "Not asked for")]
OUTCOMES = [
    ("", "All"),
    ("fits", "Someone has room now"),
    ("waits", "Waits: nobody fits today"),
]


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.service.code}: {obj.name}"


class WaitingListFilter(forms.Form):
    service = forms.ModelChoiceField(
        label="Service",
        queryset=None,
        required=False,
        empty_label="Any of mine",
        to_field_name="code",
        error_messages={"invalid_choice": "Select one of your services"},
    )
    team = TeamChoiceField(
        label="Team",
        queryset=None,
        empty_label="My team, or all my teams",
        required=False,
        error_messages={"invalid_choice": "Select one of your teams"},
    )
    skill = forms.ModelChoiceField(
        label="Skill needed",
        queryset=Skill.objects.all(),
        to_field_name="code",
        required=False,
        empty_label="Any",
        error_messages={"invalid_choice": "Select a skill from the list"},
    )
    joint_working = forms.ChoiceField(label="Joint working", choices=YES_NO_ANY, required=False)
    outcome = forms.ChoiceField(label="Today", choices=OUTCOMES, required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams.select_related("service").order_by(
            "service__name", "name"
        )
        self.fields["service"].queryset = Service.objects.filter(
            pk__in=teams.values("service")
        ).order_by("name")

    def clean(self):
        data = super().clean()
        team, service = data.get("team"), data.get("service")
        if team and service and team.service_id != service.pk:
            self.add_error("team", f"{team.name} is not a team of {service.name}")
        return data


class AllocateForm(forms.Form):
    worker = forms.ChoiceField(
        label="Allocate to",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the worker to allocate to"},
    )
    override = forms.BooleanField(
        label="Override: allocate although this worker cannot take it now (no room, on "
        "leave, or a needed skill missing)",
        required=False,
    )
    reason = long_text_field(
        label="Reason (needed if you do not choose the first proposal)",
        required=False,
        max_length=2000,
        rows=3,
    )

    out_of_order_reason = long_text_field(
        label="Why this referral goes first",
        required=False,
        max_length=2000,
        rows=3,
    )

    def __init__(self, *args, candidates, passed=None, passed_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        if passed is None:
            # In order: nothing to explain.
            del self.fields["out_of_order_reason"]
        else:
            field = self.fields["out_of_order_reason"]
            field.label = f"Why this referral goes before {passed.reference}"
            field.help_text = (
                f"{passed.reference} was accepted on {passed_on:%-d %B %Y}, has waited longer "
                "and a worker has room for it today. Referrals are allocated in order of the "
                "date accepted, so say why this one goes first."
            )
        self.fields["worker"].choices = [
            (
                str(c.worker.id),
                f"{c.worker.name}: {'; '.join(c.reasons)}",
            )
            for c in candidates
        ]
        first = next((c for c in candidates if c.fits), None)
        if first is not None:
            self.fields["worker"].initial = str(first.worker.id)


class SkillsNeededForm(forms.Form):
    skills_needed = forms.ModelMultipleChoiceField(
        label="Skills the allocated worker must have",
        queryset=Skill.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select skills from the list"},
    )


class CaseloadFilter(forms.Form):
    team = TeamChoiceField(
        label="Team",
        queryset=None,
        required=False,
        empty_label="All my teams",
        error_messages={"invalid_choice": "Select one of your teams"},
    )
    beyond_room = forms.BooleanField(
        label="Only workers with more open episodes than places", required=False
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams.select_related("service").order_by(
            "service__name", "name"
        )


class ForecastForm(forms.Form):
    service = forms.ModelChoiceField(
        label="Service",
        queryset=None,
        empty_label=None,
        required=False,
        error_messages={"invalid_choice": "Select one of your services"},
    )
    fte_change = forms.DecimalField(
        label="What if we add or lose full-time equivalent staff (for example 1, 0.6 or -1)",
        required=False,
        min_value=Decimal("-50"),
        max_value=Decimal("50"),
        max_digits=4,
        decimal_places=2,
        # A text box, as the GOV.UK Design System advises for numbers: a browser's number
        # box drops what it cannot parse, so a mistake would vanish instead of being shown.
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter a number of full-time equivalents, like 1 or -0.6",
            "min_value": "Enter a change of 50 full-time equivalents or fewer",
            "max_value": "Enter a change of 50 full-time equivalents or fewer",
            "max_digits": "Enter a change of 50 full-time equivalents or fewer",
            "max_decimal_places": "Enter the change to 2 decimal places at most, like 0.6",
        },
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services.order_by("name")
