"""The public self-referral form: no account, rate-limited, gives a reference number.

Only services whose settings allow self-referral are offered. The person is matched to an
existing record by NHS number; any other likeness (name and date of birth) is left for the
admin to see as a possible duplicate, never merged.
"""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django_ratelimit.decorators import ratelimit

from enablement.catalogue.models import Service
from enablement.core import clock
from enablement.core.forms import GovukDateField
from enablement.core.formtools import add_errors
from enablement.core.limits import email_field, long_text_field, text_field
from enablement.people.models import Person
from enablement.people.rules import normalise_nhs_number
from enablement.people.services import person_create
from enablement.referrals import services


def self_referral_services():
    return [
        s for s in Service.objects.filter(active=True) if s.current_settings.self_referral_allowed
    ]


class SelfReferralForm(forms.Form):
    service = forms.ChoiceField(
        label="Which service would you like help from?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select a service"},
    )
    source = forms.ChoiceField(
        label="Who is filling in this form?",
        widget=forms.RadioSelect,
        choices=[
            ("self", "I am asking for help for myself"),
            ("carer", "I am a carer asking for help for someone I care for"),
        ],
        error_messages={"required": "Say who is filling in this form"},
    )
    given_name = text_field(
        label="First name of the person who needs help",
        max_length=100,
        error_messages={"required": "Enter their first name"},
    )
    family_name = text_field(
        label="Last name", max_length=100, error_messages={"required": "Enter their last name"}
    )
    date_of_birth = GovukDateField(label="Their date of birth")
    nhs_number = text_field(
        label="NHS number (optional)",
        required=False,
        max_length=14,
        help_text="10 digits, for example 943 476 5919",
    )
    postcode = text_field(
        label="Postcode",
        max_length=10,
        error_messages={"required": "Enter a postcode, like EN5 4BE"},
    )
    phone = text_field(
        label="Phone number",
        max_length=30,
        error_messages={"required": "Enter a phone number we can call"},
    )
    email = email_field(label="Email address (optional)", required=False)
    primary_diagnosis = forms.ChoiceField(
        label="Have they been told they have a mental health condition?",
        widget=forms.RadioSelect,
        choices=[("mental_health", "Yes"), ("none_recorded", "No, or not sure")],
        error_messages={"required": "Select yes, or no or not sure"},
    )
    carer_name = text_field(label="Your name (if you are a carer)", required=False, max_length=200)
    work_requested = long_text_field(
        label="What would you like help with?",
        called="What you would like help with",
        help_text="For example: getting out of the house to meet people, finding work, "
        "managing money",
        error_messages={"required": "Tell us what you would like help with"},
    )
    intended_outcomes = long_text_field(
        label="What would you like to be different? (optional)",
        called="What you would like to be different",
        required=False,
    )
    short_term = forms.BooleanField(
        label="I understand this is short-term support, for the weeks shown beside the service",
        required=False,
    )
    consent_to_share = forms.BooleanField(
        label="I agree that the service may use these details to contact me and to plan support",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The length is each service's own setting, never a number written here.
        self.fields["service"].choices = [
            (s.code, f"{s.name} (up to {s.current_settings.length_weeks} weeks)")
            for s in self_referral_services()
        ]

    def clean(self):
        data = super().clean()
        if data.get("source") == "carer" and not (data.get("carer_name") or "").strip():
            self.add_error("carer_name", "Enter your name")
        return data


def _person_for(data, now) -> Person:
    nhs = normalise_nhs_number(data.get("nhs_number") or "")
    if nhs:
        existing = Person.objects.filter(nhs_number=nhs).first()
        if existing:
            return existing
    return person_create(
        values={
            k: data.get(k)
            for k in (
                "given_name",
                "family_name",
                "date_of_birth",
                "nhs_number",
                "postcode",
                "phone",
                "email",
                "primary_diagnosis",
            )
        },
        actor=None,
        now=now,
        team=None,
    )


@login_not_required
@ratelimit(
    key="ip", rate=lambda group, request: settings.SELF_REFERRAL_RATE, method="POST", block=False
)
def self_referral(request):
    if getattr(request, "limited", False):
        return render(request, "referrals/self_referral_limited.html", status=429)
    form = SelfReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data, now = form.cleaned_data, clock.now()
        service = Service.objects.get(code=data["service"])
        try:
            from django.db import transaction

            with transaction.atomic():
                person = _person_for(data, now)
                referral = services.submit_referral(
                    service=service,
                    team=None,
                    person=person,
                    referrer=None,
                    actor=None,
                    now=now,
                    risks={},
                    values={
                        "source": data["source"],
                        "named_social_worker": None,
                        "need_identified": True,
                        "work_requested": data["work_requested"],
                        "intended_outcomes": data["intended_outcomes"],
                        "deliverable_within_length": data["short_term"],
                        "consent_to_share": data["consent_to_share"],
                    },
                )
                if data["source"] == "carer":
                    person.carers.create(
                        name=data["carer_name"], relationship="carer (self-referral)"
                    )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            request.session["self_referral_reference"] = referral.reference
            return redirect("self-referral-done")
    return render(request, "referrals/self_referral.html", {"form": form})


@login_not_required
def self_referral_done(request):
    reference = request.session.get("self_referral_reference")
    if not reference:
        return redirect("self-referral")
    return render(request, "referrals/self_referral_done.html", {"reference": reference})
