from django import forms
from django.contrib.auth.forms import AuthenticationForm

from enablement.core.limits import text_field


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
    name = text_field(
        label="What is the token for?",
        called="What the token is for",
        max_length=100,
        help_text="For example, the link from the council case system",
        error_messages={"required": "Enter what the token is for"},
    )
