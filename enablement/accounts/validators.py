from django.conf import settings
from django.core.exceptions import ValidationError


class DemoPasswordValidator:
    """The demo's password is published in the README; anywhere but the demo it would be
    the first password a guesser tries."""

    def validate(self, password, user=None):
        from enablement.demo.loader import DEMO_PASSWORD

        if not settings.DEMO and password.strip().lower() == DEMO_PASSWORD.lower():
            raise ValidationError(
                "This is the demo's published password. Choose a different password",
                code="demo_password",
            )

    def get_help_text(self):
        return "Your password cannot be the demo's published password."
