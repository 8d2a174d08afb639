"""GOV.UK forms of evaluation and feedback. The action functions check the rules again."""

from django import forms

from enablement.core.forms import GovukDateField
from enablement.core.limits import email_field, long_text_field, text_field
from enablement.feedback.models import (
    Audience,
    FeedbackKind,
    FromWhom,
    IncidentKind,
    QuestionKind,
    ReceivedHow,
)

RATING_CHOICES = [
    ("5", "5: very good"),
    ("4", "4: good"),
    ("3", "3: neither good nor poor"),
    ("2", "2: poor"),
    ("1", "1: very poor"),
]


class EvaluationForm(forms.Form):
    """One field per question of the service's version for this audience, `q<id>`."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            if q.kind == QuestionKind.RATING:
                self.fields[f"q{q.pk}"] = forms.ChoiceField(
                    label=q.text,
                    help_text=q.hint,
                    choices=RATING_CHOICES,
                    widget=forms.RadioSelect,
                    error_messages={"required": f"Choose an answer from 1 to 5: {q.text}"},
                )
            else:
                self.fields[f"q{q.pk}"] = long_text_field(
                    label=f"{q.text} (optional)",
                    called="Your answer",
                    help_text=q.hint,
                    required=False,
                    rows=4,
                )

    def answers(self) -> dict:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}


class AudienceForm(forms.Form):
    audience = forms.ChoiceField(
        label="Whose evaluation is this?",
        choices=Audience.choices,
        widget=forms.RadioSelect,
        initial=Audience.PERSON,
        error_messages={"required": "Say whose evaluation this is"},
    )


class PublicFeedbackForm(forms.Form):
    service = forms.ChoiceField(
        label="Which service is it about?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the service it is about"},
    )
    kind = forms.ChoiceField(
        label="Is it a complaint or a compliment?",
        choices=FeedbackKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether it is a complaint or a compliment"},
    )
    from_whom = forms.ChoiceField(
        label="Who are you?",
        choices=FromWhom.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say who you are"},
    )
    summary = long_text_field(
        label="What would you like to tell us?",
        called="What you would like to tell us",
        error_messages={"required": "Tell us what happened"},
    )
    from_name = text_field(label="Your name (optional)", max_length=200, required=False)
    contact_email = email_field(
        label="Email address (optional)",
        required=False,
        help_text="We need an email address or a phone number to reply to a complaint",
    )
    contact_phone = text_field(label="Phone number (optional)", max_length=30, required=False)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(s.code, s.name) for s in services]

    def clean(self):
        data = super().clean()
        if (
            data.get("kind") == FeedbackKind.COMPLAINT
            and not (data.get("contact_email") or "").strip()
            and not (data.get("contact_phone") or "").strip()
            and "contact_email" not in self.errors
        ):
            self.add_error(
                "contact_email", "Enter an email address or a phone number so we can reply"
            )
        return data


class StaffFeedbackForm(PublicFeedbackForm):
    received_how = forms.ChoiceField(
        label="How was it received?",
        choices=[c for c in ReceivedHow.choices if c[0] != ReceivedHow.PUBLIC_FORM],
        widget=forms.RadioSelect,
        error_messages={"required": "Say how it was received"},
    )
    field_order = ["service", "kind", "received_how", "from_whom", "summary"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_whom"].label = "Who is it from?"
        self.fields["summary"].label = "What did they tell us?"
        self.fields["from_name"].label = "Their name (optional)"
        self.fields["contact_email"].help_text = ""

    def clean(self):
        # Staff may record a complaint made in person without contact details.
        return forms.Form.clean(self)


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you recording?",
        choices=IncidentKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether this is a serious incident or a safeguarding concern"
        },
    )
    occurred_on = GovukDateField(label="Date it happened")
    description = long_text_field(
        label="What happened?",
        called="What happened",
        error_messages={"required": "Enter what happened"},
    )
    action_taken = long_text_field(label="What has been done so far? (optional)", required=False)


class RespondForm(forms.Form):
    response = long_text_field(
        label="Response", error_messages={"required": "Enter the response"}, rows=6
    )


class PartnerFeedbackForm(forms.Form):
    service = forms.ChoiceField(label="Service", error_messages={"required": "Select the service"})
    agency = text_field(
        label="Agency", max_length=200, error_messages={"required": "Enter the agency's name"}
    )
    received_on = GovukDateField(label="Date received")
    feedback = long_text_field(
        label="Their feedback", error_messages={"required": "Enter their feedback"}
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", "Choose a service")] + [
            (s.code, s.name) for s in services
        ]


class AnalysisFilterForm(forms.Form):
    service = forms.ChoiceField(label="Service", required=False)
    start = forms.DateField(label="From (YYYY-MM-DD)", required=False)
    end = forms.DateField(label="To (YYYY-MM-DD)", required=False)
    audience = forms.ChoiceField(
        label="Whose version", required=False, choices=[("", "Both"), *Audience.choices]
    )
    theme = forms.ChoiceField(label="Theme", required=False)

    def __init__(self, *args, services, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", "All services")] + [
            (s.code, s.name) for s in services
        ]
        self.fields["theme"].choices = [("", "Any theme")] + [(str(t.pk), t.name) for t in themes]


class ProcedureForm(forms.Form):
    complaints_procedure = long_text_field(
        label="Complaints procedure",
        help_text="Shown on the public form and in the portal",
        error_messages={"required": "Enter the complaints procedure"},
    )
    complaints_email = email_field(label="Complaints email address (optional)", required=False)
    complaints_phone = text_field(
        label="Complaints phone number (optional)", max_length=30, required=False
    )
    complaints_textphone = text_field(label="Text phone (optional)", max_length=30, required=False)
    acknowledge_working_days = forms.IntegerField(
        label="Acknowledge a complaint within how many working days?",
        min_value=1,
        max_value=60,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter a number of working days from 1 to 60",
            "invalid": "Enter a number of working days from 1 to 60",
            "min_value": "Enter a number of working days from 1 to 60",
            "max_value": "Enter a number of working days from 1 to 60",
        },
    )
    respond_working_days = forms.IntegerField(
        label="Respond to a complaint within how many working days?",
        min_value=1,
        max_value=60,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter a number of working days from 1 to 60",
            "invalid": "Enter a number of working days from 1 to 60",
            "min_value": "Enter a number of working days from 1 to 60",
            "max_value": "Enter a number of working days from 1 to 60",
        },
    )
    change_note = text_field(label="Why is it changing? (optional)", max_length=500, required=False)
