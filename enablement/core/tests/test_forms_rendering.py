"""GOV.UK markup from Django's form renderer (templates/django/forms/) and GovukDateField."""

import datetime
import re

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import include, path

from enablement.core.forms import GovukDateField


class ExampleForm(forms.Form):
    name = forms.CharField(
        label="Full name",
        help_text="As it appears on their letters",
        error_messages={"required": "Enter the person's full name"},
    )
    date_of_birth = GovukDateField(label="Date of birth")
    contact = forms.ChoiceField(
        label="How should we contact them?",
        choices=[("phone", "Phone"), ("letter", "Letter")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how to contact them"},
    )
    needs = forms.MultipleChoiceField(
        label="Support needs (optional)",
        choices=[("bsl", "British Sign Language"), ("easy", "Easy read")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False)
    team = forms.ChoiceField(label="Team", choices=[("", "Choose a team"), ("n", "North")])
    consent = forms.BooleanField(label="They agree to be referred", required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def date_data(day, month, year, name="date_of_birth"):
    return {f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}


def invalid_form():
    form = ExampleForm(data=date_data("", "", ""))
    assert not form.is_valid()
    return form


def element(html: str, tag: str, **attrs) -> str:
    """The opening tag of the first `tag` carrying all `attrs` (attribute order free)."""
    for match in re.finditer(rf"<{tag}\b[^>]*>", html):
        if all(
            f'{k.rstrip("_").replace("_", "-")}="{v}"' in match.group(0) for k, v in attrs.items()
        ):
            return match.group(0)
    raise AssertionError(f"no <{tag}> with {attrs} in:\n{html}")


def test_the_form_renderer_can_find_djangos_own_widget_templates(settings):
    # TemplatesSetting looks only where TEMPLATES looks; the input, select and error
    # templates that GOV.UK markup wraps ship in the django.forms app.
    assert "django.forms" in settings.INSTALLED_APPS


def test_error_message_sits_beside_the_field_and_describes_the_input():
    form = invalid_form()
    html = form["name"].as_field_group()

    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert '<label class="govuk-label" for="id_name">Full name</label>' in html
    assert '<div id="id_name-hint" class="govuk-hint">As it appears on their letters</div>' in html
    assert (
        '<p id="id_name-error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span> Enter the person&#x27;s full name</p>'
    ) in html
    field = element(html, "input", id="id_name")
    assert 'class="govuk-input govuk-input--error"' in field
    assert 'aria-describedby="id_name-hint id_name-error"' in field


def test_valid_field_has_no_error_markup():
    form = ExampleForm(data={"name": "Ada Lovelace"})
    form.is_valid()
    html = form["name"].as_field_group()
    assert "govuk-form-group--error" not in html
    assert "govuk-error-message" not in html
    assert 'aria-describedby="id_name-hint"' in element(html, "input", id="id_name")
    assert 'value="Ada Lovelace"' in html


def test_error_summary_links_each_error_to_its_field():
    form = invalid_form()
    form.add_error(None, "This person already has an open referral")
    html = render_to_string("includes/error_summary.html", {"form": form})

    assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in html
    assert 'data-module="govuk-error-summary"' in html
    assert "<li>This person already has an open referral</li>" in html
    assert '<a href="#id_name">Enter the person&#x27;s full name</a>' in html
    assert '<a href="#id_date_of_birth_0">Enter date of birth</a>' in html
    assert '<a href="#id_contact_0">Select how to contact them</a>' in html
    assert '<a href="#id_team">This field is required.</a>' in html


def test_error_summary_renders_nothing_for_a_valid_or_unbound_form():
    assert render_to_string("includes/error_summary.html", {"form": ExampleForm()}).strip() == ""


def test_radios_are_a_fieldset_with_a_legend_and_linkable_first_option():
    html = invalid_form()["contact"].as_field_group()
    assert '<fieldset class="govuk-fieldset" aria-describedby="id_contact-error">' in html
    assert '<legend class="govuk-fieldset__legend">How should we contact them?</legend>' in html
    assert 'class="govuk-radios" data-module="govuk-radios"' in html
    first = element(html, "input", id="id_contact_0")
    assert 'class="govuk-radios__input"' in first
    assert 'type="radio"' in first
    assert 'value="phone"' in first
    assert (
        '<label class="govuk-label govuk-radios__label" for="id_contact_1">Letter</label>' in html
    )


def test_checkboxes_keep_what_was_ticked():
    form = ExampleForm(data={"needs": ["easy"]})
    form.is_valid()
    html = form["needs"].as_field_group()
    assert 'class="govuk-checkboxes" data-module="govuk-checkboxes"' in html
    assert "checked" in element(html, "input", id="id_needs_1")
    assert "checked" not in element(html, "input", id="id_needs_0")


def test_single_checkbox_textarea_select_and_hidden_field():
    html = str(ExampleForm())
    checkbox = element(html, "input", id="id_consent")
    assert 'class="govuk-checkboxes__input"' in checkbox
    assert (
        '<label class="govuk-label govuk-checkboxes__label" for="id_consent">'
        "They agree to be referred</label>"
    ) in html
    assert 'class="govuk-textarea"' in element(html, "textarea", id="id_notes")
    assert 'class="govuk-select"' in element(html, "select", id="id_team")
    hidden = element(html, "input", id="id_token")
    assert 'type="hidden"' in hidden
    assert "class=" not in hidden


def test_form_template_renders_non_field_errors():
    form = invalid_form()
    form.add_error(None, "Something about the whole form")
    html = str(form)
    assert (
        '<p class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> '
        "Something about the whole form</p>"
    ) in html


def test_date_input_markup():
    html = ExampleForm()["date_of_birth"].as_field_group()
    assert (
        '<fieldset class="govuk-fieldset" role="group" aria-describedby="id_date_of_birth-hint">'
        in (html)
    )
    assert '<legend class="govuk-fieldset__legend">Date of birth</legend>' in html
    assert "For example, 27 3 1985" in html
    assert '<div class="govuk-date-input" id="id_date_of_birth">' in html
    for index, (label, width) in enumerate((("Day", 2), ("Month", 2), ("Year", 4))):
        box = element(html, "input", id=f"id_date_of_birth_{index}")
        assert f'name="date_of_birth_{index}"' in box
        assert f'class="govuk-input govuk-date-input__input govuk-input--width-{width}"' in box
        assert 'inputmode="numeric"' in box
        assert f'for="id_date_of_birth_{index}">{label}</label>' in html


def test_date_parts_make_a_date():
    form = ExampleForm(data=date_data("27", "3", "1985"))
    form.is_valid()
    assert form.cleaned_data["date_of_birth"] == datetime.date(1985, 3, 27)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("07", "03", "1985"), datetime.date(1985, 3, 7)),
        ((" 27 ", "March", "1985"), datetime.date(1985, 3, 27)),
        (("27", "mar", "1985"), datetime.date(1985, 3, 27)),
        (("29", "2", "2024"), datetime.date(2024, 2, 29)),
    ],
)
def test_date_accepts_what_people_type(parts, expected):
    field = GovukDateField(label="Date of birth")
    assert field.clean(list(parts)) == expected


@pytest.mark.parametrize(
    ("parts", "message", "wrong"),
    [
        (("31", "2", "1985"), "Date of birth must be a real date", {"day"}),
        (("29", "2", "2023"), "Date of birth must be a real date", {"day"}),
        (("1", "13", "1985"), "Date of birth must be a real date", {"month"}),
        (("x", "3", "1985"), "Date of birth must be a real date", {"day"}),
        (("1", "3", "85"), "Year must include 4 numbers", {"year"}),
        (("", "3", "1985"), "Date of birth must include a day", {"day"}),
        (("27", "", ""), "Date of birth must include a month and year", {"month", "year"}),
    ],
)
def test_date_errors_say_what_is_wrong_and_mark_only_that_box(parts, message, wrong):
    form = ExampleForm(data=date_data(*parts))
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == [message]
    html = form["date_of_birth"].as_field_group()
    assert 'aria-describedby="id_date_of_birth-hint id_date_of_birth-error"' in html
    for index, part in enumerate(("day", "month", "year")):
        box = element(html, "input", id=f"id_date_of_birth_{index}")
        assert ("govuk-input--error" in box) == (part in wrong), (part, box)


def test_31_february_is_not_a_real_date():
    form = ExampleForm(data=date_data("31", "2", "1985"))
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == ["Date of birth must be a real date"]


def test_required_empty_date_asks_for_the_date():
    form = ExampleForm(data=date_data("", "", ""))
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == ["Enter date of birth"]
    html = form["date_of_birth"].as_field_group()
    for index in range(3):
        assert "govuk-input--error" in element(html, "input", id=f"id_date_of_birth_{index}")


def test_unlabelled_date_and_optional_date():
    assert GovukDateField(required=False).clean(["", "", ""]) is None
    with pytest.raises(forms.ValidationError, match="Enter a date"):
        GovukDateField().clean(["", "", ""])
    with pytest.raises(forms.ValidationError, match="Date must include a year"):
        GovukDateField().clean(["1", "2", ""])
    with pytest.raises(forms.ValidationError, match="Discharge date must include a day'"):
        GovukDateField(label="Discharge date (optional)", required=False).clean(["", "2", "2025"])


def test_a_form_level_date_error_marks_every_box():
    form = ExampleForm(data=date_data("1", "1", "2999"))
    form.is_valid()
    form.add_error("date_of_birth", "Date of birth must be in the past")
    html = form["date_of_birth"].as_field_group()
    for index in range(3):
        assert "govuk-input--error" in element(html, "input", id=f"id_date_of_birth_{index}")


def test_bound_date_keeps_what_was_typed_and_initial_date_is_split():
    html = ExampleForm(data=date_data("31", "2", "1985"))["date_of_birth"].as_field_group()
    assert 'value="31"' in element(html, "input", id="id_date_of_birth_0")
    initial = ExampleForm(initial={"date_of_birth": datetime.date(1985, 3, 27)})
    html = initial["date_of_birth"].as_field_group()
    assert 'value="27"' in element(html, "input", id="id_date_of_birth_0")
    assert 'value="1985"' in element(html, "input", id="id_date_of_birth_2")


# Just enough URLs for base.html, so its tests do not depend on the real URLconf.
urlpatterns = [
    path(
        "accounts/",
        include(
            (
                [
                    path("sign-out/", HttpResponse, name="sign-out"),
                    path("account/", HttpResponse, name="account"),
                ],
                "accounts",
            )
        ),
    ),
]


class SignedInUser:
    is_authenticated = True
    username = "ada"

    def get_full_name(self):
        return "Ada Lovelace"


def render_page(user, context=None, blocks=""):
    # A plain Context: the project's context processors need the real URLconf.
    request = RequestFactory().get("/people/")
    request.user = user
    template = Template('{% extends "base.html" %}' + blocks)
    return template.render(Context({"request": request, "csrf_token": "t0k3n", **(context or {})}))


def test_base_layout_is_not_branded_as_govuk():
    html = render_page(AnonymousUser(), blocks="{% block title %}Sign in{% endblock %}")
    assert '<html lang="en-GB" class="govuk-template">' in html
    assert "<title>Sign in \N{EN DASH} Enablement</title>" in html
    assert '<a href="#main-content" class="govuk-skip-link"' in html
    assert '<a href="/" class="govuk-generic-header__homepage-link">Enablement</a>' in html
    assert '<main class="govuk-main-wrapper" id="main-content">' in html
    assert 'href="/api/v1/docs"' in html
    assert "govuk-header__logotype" not in html
    assert "crown" not in html.lower()
    assert "GDS Transport" not in html
    assert "Sign out" not in html
    assert "<nav" not in html


@pytest.mark.urls(__name__)
def test_signed_in_header_has_navigation_and_a_sign_out_form():
    nav_items = [
        {"label": "Home", "url": "/", "current": False},
        {"label": "People", "url": "/people/", "current": True},
    ]
    html = render_page(
        SignedInUser(),
        {"service_name": "Reablement", "nav_items": nav_items, "user_role_label": "Worker"},
    )
    assert 'govuk-generic-header__homepage-link">Reablement</a>' in html
    assert 'class="govuk-service-navigation" data-module="govuk-service-navigation"' in html
    current = element(html, "a", href="/people/")
    assert 'aria-current="page"' in current
    assert "aria-current" not in element(
        html, "a", href="/", class_="govuk-service-navigation__link"
    )
    assert "Signed in as <strong>Ada Lovelace</strong> (Worker)" in html
    form = element(html, "form", action="/accounts/sign-out/")
    assert 'method="post"' in form
    assert 'name="csrfmiddlewaretoken" value="t0k3n"' in html
    assert '<button type="submit" class="app-link-button">Sign out</button>' in html
    assert 'href="/accounts/account/">Your account</a>' in html


def test_messages_are_notification_banners():
    class Message:
        def __init__(self, text, level_tag):
            self.text, self.level_tag = text, level_tag

        def __str__(self):
            return self.text

    messages = [Message("Referral saved", "success"), Message("Check the address", "info")]
    html = render_page(AnonymousUser(), {"messages": messages})
    success = element(html, "div", role="alert")
    assert "govuk-notification-banner--success" in success
    assert 'aria-labelledby="govuk-notification-banner-title-1"' in success
    assert 'id="govuk-notification-banner-title-1">Success</h2>' in html
    assert 'id="govuk-notification-banner-title-2">Important</h2>' in html
    assert '<p class="govuk-notification-banner__heading">Check the address</p>' in html


def test_a_back_link_before_main_is_in_a_landmark_and_breadcrumbs_stay_as_they_are():
    back = '{% block beforeContent %}<a href="/" class="govuk-back-link">Back</a>{% endblock %}'
    html = render_page(AnonymousUser(), blocks=back)
    assert '<nav aria-label="Back link"><a href="/" class="govuk-back-link">Back</a></nav>' in html
    crumbs = (
        '{% block beforeContent %}<nav class="govuk-breadcrumbs" aria-label="Breadcrumb">'
        "</nav>{% endblock %}"
    )
    html = render_page(AnonymousUser(), blocks=crumbs)
    assert html.count("<nav") == 1
