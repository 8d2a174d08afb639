"""A hub's levels handed on to another service (seed 003: Enhanced goes to the Network):
checked as settings, and against the services that exist where settings are saved."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from enablement.catalogue import rules
from enablement.catalogue.models import Service
from enablement.catalogue.services import service_create, service_settings_change
from enablement.demo.services import BEP, SERVICES

HUB = BEP["values"]


def test_the_demo_hands_enhanced_to_the_network_with_its_seed_section():
    assert HUB["level_destinations"] == {"enhanced": "BEN"}
    assert "seed 003" in BEP["sources"]["level_destinations"]
    network = next(s for s in SERVICES if s["code"] == "BEN")
    assert network["values"]["routing"] == "direct"
    assert "demo assumption" in network["sources"]["length_weeks"]
    assert network["values"]["length_weeks"] > HUB["length_weeks"]  # a longer programme


@pytest.mark.parametrize(
    "change,message",
    [
        (
            {"level_destinations": {"gold": "BEN"}},
            "“gold” is not one of this service's levels",
        ),
        (
            {"level_destinations": {"signposting": "BEN"}},
            "Signposting ends the referral",
        ),
        ({"level_destinations": {"enhanced": ""}}, "Give the short code of the service"),
        (
            {"routing": "direct", "levels": [], "level_destinations": {"enhanced": "BEN"}},
            "Only a hub service hands levels on",
        ),
    ],
)
def test_bad_level_destinations_are_refused_with_a_message(change, message):
    problems = rules.settings_problems({**HUB, **change})
    assert message in problems["level_destinations"]


def test_no_destinations_is_fine():
    assert "level_destinations" not in rules.settings_problems({**HUB, "level_destinations": {}})


@pytest.mark.parametrize(
    "code,message",
    [
        ("NOPE", "There is no open service with the short code “NOPE”"),
        ("BEP", "cannot be handed on to this service itself"),
        ("AFD", "has its own front door"),
    ],
)
def test_saving_a_destination_that_is_not_another_direct_service_is_refused(
    code, message, demo, user_for
):
    bep = Service.objects.get(code="BEP")
    with pytest.raises(ValidationError) as error:
        service_settings_change(
            service=bep,
            values={"level_destinations": {"enhanced": code}},
            note="Try another destination",
            actor=user_for("sysadmin"),
            now=demo,
        )
    assert message in error.value.message_dict["level_destinations"][0]
    assert bep.current_settings.level_destinations == {"enhanced": "BEN"}


def test_a_closed_network_cannot_be_named(demo, user_for):
    Service.objects.filter(code="BEN").update(active=False)
    with pytest.raises(ValidationError) as error:
        service_create(
            code="BEP2",
            name="Another hub service",
            organisation="London Borough of Barnet",
            values=HUB,
            actor=user_for("sysadmin"),
            now=demo,
        )
    assert "no open service" in error.value.message_dict["level_destinations"][0]


def test_the_settings_page_shows_the_problem_beside_the_field(demo, client_for):
    from enablement.catalogue.tests.test_catalogue_pages import _form_data

    bep = Service.objects.get(code="BEP")
    response = client_for("sysadmin").post(
        "/services/BEP/change/",
        _form_data(
            bep.current_settings,
            level_destinations="enhanced: NOPE",
            change_note="Point Enhanced somewhere else",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is no open service with the short code “NOPE”" in html
    assert 'id="id_level_destinations-error"' in html
    assert bep.settings_versions.count() == 1


def test_the_service_page_names_the_level_and_the_service_in_words(demo, client_for):
    page = client_for("pm.bep").get("/services/BEP/").content.decode()
    assert "Enhanced: Barnet Enablement Network" in page
    assert "enhanced: BEN" not in page


@pytest.mark.parametrize(
    "text,message",
    [
        ("enhanced: BEN, KPS", "Give one value after “enhanced:”, not 2"),
        ("enhanced: BEN\nenhanced: KPS", "“enhanced” is on more than one line"),
    ],
)
def test_a_typed_setting_is_never_cut_short_silently(text, message):
    from enablement.catalogue.forms import KeyedLinesField

    with pytest.raises(forms.ValidationError) as error:
        KeyedLinesField(single=True, label="Levels", required=False).clean(text)
    assert message in str(error.value)
