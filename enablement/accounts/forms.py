from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms

from enablement.accounts import rules
from enablement.accounts.services import REASON_MAX_LENGTH
from enablement.core.limits import email_field, text_field

CHOOSING_ADVICE = (
    "At least 12 characters. Not a common password, not only numbers and not like your name "
    "or username. A few unrelated words make a strong password."
)


class SignInForm(auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your system administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


def _days_label(days: int) -> str:
    # A lifetime is counted in days, not calendar months (`core.dates.add_months`), so the
    # label says days: 365 days from 1 March 2027 is 29 February 2028, not "a year".
    return {180: "180 days (about 6 months)", 365: "365 days (about a year)"}.get(
        days, f"{days} days"
    )


class ApiTokenForm(forms.Form):
    name = text_field(
        label="What is the token for?",
        called="What the token is for",
        max_length=100,
        help_text="For example, the link from the council case system",
        error_messages={"required": "Enter what the token is for"},
    )
    days = forms.TypedChoiceField(
        label="How long should it work?",
        help_text="After this the token stops working and you make a new one",
        coerce=int,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Choose how long the token works"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        max_days = settings.API_TOKEN_MAX_DAYS
        field = self.fields["days"]
        field.choices = [(d, _days_label(d)) for d in rules.token_lifetimes(max_days)]
        field.initial = rules.default_token_days(max_days)
        # A form sent without a choice (another program, an old bookmark) gets the default.
        field.empty_value = field.initial


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
        error_messages={
            "required": "Enter the username of the account",
            "max_length": "Username must be 150 characters or fewer",
        },
    )
    role = forms.ChoiceField(
        label="Role", widget=forms.RadioSelect, error_messages={"required": "Select the role"}
    )
    team = forms.ModelChoiceField(
        label="Team (for a service admin, worker or senior)",
        queryset=None,
        required=False,
        empty_label="No team",
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


class _NewPasswordLabels:
    def _label_new_passwords(self):
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = CHOOSING_ADVICE
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password2"].help_text = ""
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.error_messages = {
            **self.error_messages,
            "password_mismatch": (
                "The two new passwords are different. Enter the same password twice"
            ),
        }


class PasswordChangeForm(_NewPasswordLabels, auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._label_new_passwords()
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        wrong = "Your current password is not right. Enter it again"
        self.error_messages["password_incorrect"] = wrong


class SetPasswordForm(_NewPasswordLabels, auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._label_new_passwords()


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = email_field("Email address")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        field.label = "Email address"
        field.help_text = "The email address your service holds for your account"
        field.error_messages["required"] = "Enter your email address"
        field.error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.com"
        )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        error_messages={
            "required": "Enter the code",
            "max_length": "Code must be 40 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label="Why is this account being switched off?",
        help_text="For example, left the council on 31 March. This is kept in the audit trail",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the account is being switched off",
            "max_length": f"The reason must be {REASON_MAX_LENGTH} characters or fewer",
        },
    )
