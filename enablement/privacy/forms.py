from django import forms

from enablement.privacy.services import REASON_MAX

_TOO_LONG = f"The reason must be {REASON_MAX} characters or fewer"


class PlaceHoldForm(forms.Form):
    reason = forms.CharField(
        label="Why must the record be kept?",
        help_text="For example a claim, a complaint, a safeguarding review or a court order. "
        "Say who asked and any reference.",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter why the record must be kept",
            "max_length": _TOO_LONG,
        },
    )


class LiftHoldForm(forms.Form):
    lift_reason = forms.CharField(
        label="Why is the hold no longer needed?",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the hold is no longer needed",
            "max_length": _TOO_LONG,
        },
    )
