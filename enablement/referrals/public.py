"""The public self-referral form: no account, rate-limited, gives a reference number.

Only services whose settings allow self-referral are offered. A form anyone can fill in
never attaches itself to a person's record, even one with the same NHS number: what it says
is kept on the referral as unverified, and the service admin decides who it is about
(`services.match_person`).
"""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django_ratelimit.core import get_usage

from enablement.catalogue.models import Service
from enablement.core import clock
from enablement.core.forms import GovukDateField
from enablement.core.formtools import add_errors
from enablement.core.limits import email_field, long_text_field, text_field
from enablement.core.net import request_client_address
from enablement.people.rules import normalise_nhs_number, normalise_postcode
from enablement.people.validation import person_problems
from enablement.referrals import rules, services


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
    # How they want to hear from the service, and the detail it needs (issue 10 item 8).
    contact_method = forms.ChoiceField(
        label="How would you like us to contact you?",
        widget=forms.RadioSelect,
        choices=[
            ("phone", "By phone"),
            ("email", "By email"),
            ("letter", "By letter, to the postcode above (we will check the address with you)"),
        ],
        error_messages={"required": "Choose how you would like us to contact you"},
    )
    phone = text_field(
        label="Phone number",
        required=False,
        max_length=30,
        help_text="We need this if you would like us to phone you",
    )
    email = email_field(
        label="Email address",
        required=False,
        help_text="We need this if you would like us to email you",
    )
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
        # The same checks of NHS number, postcode and date of birth as a staff member's
        # form, so the admin is not left to match details that could never be right.
        for field, problem in person_problems(data, today=clock.today()).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, problem)
        if "contact_method" in data:
            for field, problem in rules.contact_problems(data["contact_method"], data).items():
                if field not in self.errors:
                    self.add_error(field, problem)
        if data.get("service") and data.get("postcode") and "postcode" not in self.errors:
            problem = _outside_area(data["service"], data["postcode"])
            if problem:
                self.add_error("postcode", problem)
        return data


def _outside_area(code: str, postcode: str) -> str | None:
    """Refused before anything is saved, from the services' settings alone: nothing here
    reads a person's record, so the answer is the same whoever the details describe."""
    offered = self_referral_services()
    service = next((s for s in offered if s.code == code), None)
    if service is None:
        return None
    settings = service.current_settings
    return rules.outside_area_message(
        postcode,
        service_name=service.name,
        area_name=settings.area_name,
        area_postcode_districts=settings.area_postcode_districts,
        others=[
            rules.ServiceContact(
                s.name, s.contact_phone, s.current_settings.area_postcode_districts
            )
            for s in offered
            if s.pk != service.pk
        ],
    )


SUBMITTED = (
    "given_name",
    "family_name",
    "date_of_birth",
    "nhs_number",
    "postcode",
    "phone",
    "email",
    "primary_diagnosis",
    "carer_name",
    "contact_method",
)
RATE_GROUP = "self-referral"


def _client(group, request) -> str:
    return request_client_address(request)


def _at_limit(request, *, count: bool = False) -> bool:
    """Whether this client has sent as many accepted referrals as the limit allows. Only
    an accepted submission is counted (`count=True` after saving), so someone correcting
    mistakes on the form is never locked out by them."""
    usage = get_usage(
        request,
        group=RATE_GROUP,
        key=_client,
        rate=settings.SELF_REFERRAL_RATE,
        increment=count,
    )
    return usage is not None and usage["count"] >= usage["limit"]


def _details(data) -> dict:
    details = {k: data.get(k) for k in SUBMITTED}
    details["nhs_number"] = normalise_nhs_number(data.get("nhs_number") or "")
    details["postcode"] = normalise_postcode(data.get("postcode") or "")
    if data.get("source") != "carer":
        details["carer_name"] = ""
    return details


@login_not_required
def self_referral(request):
    if request.method == "POST" and _at_limit(request):
        return render(
            request,
            "referrals/self_referral_limited.html",
            {"services": self_referral_services()},
            status=429,
        )
    form = SelfReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data, now = form.cleaned_data, clock.now()
        service = Service.objects.get(code=data["service"])
        try:
            # Nothing here reads or writes a person's record: the details stay on the
            # referral, unverified, until the service admin matches them (issue 9).
            referral = services.submit_referral(
                service=service,
                team=None,
                person=None,
                submitted_details=_details(data),
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
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            _at_limit(request, count=True)
            request.session["self_referral_reference"] = referral.reference
            return redirect("self-referral-done")
    return render(request, "referrals/self_referral.html", {"form": form})


@login_not_required
def self_referral_done(request):
    reference = request.session.get("self_referral_reference")
    if not reference:
        return redirect("self-referral")
    return render(request, "referrals/self_referral_done.html", {"reference": reference})
