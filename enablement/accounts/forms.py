from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms

from enablement.accounts import rules
from enablement.accounts.services import REASON_MAX_LENGTH

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
    return {30: "30 days", 90: "90 days", 180: "6 months", 365: "1 year"}.get(days, f"{days} days")


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="What is the token for?",
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
        error_messages={"required": "Enter the code"},
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
