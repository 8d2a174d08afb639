from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your system administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="What is the token for?",
        max_length=100,
        help_text="For example, the link from the council case system",
        error_messages={"required": "Enter what the token is for"},
    )


def _reason_field(label: str, say: str, hint: str = "") -> forms.CharField:
    from enablement.accounts.rules import REASON_MAX

    return forms.CharField(
        label=label,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=hint,
        error_messages={
            "required": say,
            "max_length": f"{say} in {REASON_MAX} characters or fewer",
        },
    )


class RoleGiveForm(forms.Form):
    """A system administrator gives an existing account one more role."""

    username = forms.CharField(
        label="Username of the account",
        max_length=150,
        error_messages={"required": "Enter the username of the account"},
    )
    role = forms.ChoiceField(
        label="Role", widget=forms.RadioSelect, error_messages={"required": "Select the role"}
    )
    team = forms.ModelChoiceField(
        label="Team (for a service admin, worker or senior)", queryset=None, required=False
    )
    services = forms.ModelMultipleChoiceField(
        label="Services they oversee (provision managers only)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = _reason_field(
        "Why they need this role",
        "Say why they need this role",
        "A role that sees people's records waits for a provision manager of the service, or "
        "a quality manager, to approve it",
    )

    def __init__(self, *args, **kwargs):
        from enablement.accounts.roles import ROLES
        from enablement.catalogue.models import Service, Team

        super().__init__(*args, **kwargs)
        # People supported and carers get portal accounts from their own record, not here.
        self.fields["role"].choices = [
            (r.value, info.label) for r, info in ROLES.items() if r.value not in ("person", "carer")
        ]
        self.fields["team"].queryset = Team.objects.select_related("service")
        self.fields["services"].queryset = Service.objects.all()

    def clean_username(self):
        from django.contrib.auth import get_user_model

        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username__iexact=username).first()
        if user is None:
            raise forms.ValidationError("No account has this username")
        self.cleaned_data["user"] = user
        return username

    def clean(self):
        from enablement.accounts.roles import TEAM_CASE_ROLES, Role

        data = super().clean()
        role = data.get("role")
        if role and Role(role) in TEAM_CASE_ROLES and not data.get("team"):
            self.add_error("team", "Select the team a service admin, worker or senior works in")
        if role == Role.PROVISION_MANAGER and not data.get("services"):
            self.add_error("services", "Select the services the provision manager oversees")
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve: give the role"), ("refuse", "Refuse")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select approve or refuse"},
    )
    comment = forms.CharField(
        label="Comment (needed to refuse)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Comment in 500 characters or fewer"},
    )


class BreakGlassForm(forms.Form):
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=20,
        help_text="The exact 10-digit NHS number, for example 943 476 5919",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "required": "Enter the NHS number",
            "max_length": "Enter the NHS number in 10 digits",
        },
    )
    reason = _reason_field(
        "Why do you need to see this record now?",
        "Say why you need to see this record now",
        "For example, the police asked for the next of kin of someone taken to hospital. "
        "Provision managers of the person's services see what you write",
    )
