"""The hub assessment's levels as pure rules (seed 003 LEH, "Enablement Plans")."""

from types import SimpleNamespace

import pytest

from enablement.referrals import rules
from enablement.referrals.rules import Action, Outcome


def _settings(**change):
    values = {
        "levels": ["signposting", "brief", "enhanced", "specialist"],
        "level_destinations": {"enhanced": "BEN"},
    }
    return SimpleNamespace(**(values | change))


@pytest.mark.parametrize(
    "level,outcome,destination,action",
    [
        ("signposting", Outcome.SIGNPOSTED, "", Action.SIGNPOST),
        ("brief", Outcome.HUB, "", Action.ASSESS),
        ("enhanced", Outcome.SERVICE, "BEN", Action.REFER_ON),
        ("specialist", Outcome.OUTSIDE, "", Action.REFER_ON),
    ],
)
def test_each_level_leads_where_seed_003_says(level, outcome, destination, action):
    route = rules.assessment_route(_settings(), level)
    assert (route.outcome, route.destination) == (outcome, destination)
    assert rules.assessment_action(_settings(), level) == action


def test_where_a_level_goes_is_the_service_settings_not_the_code():
    # With no Network configured, Enhanced is referred on outside and named by hand.
    bare = _settings(level_destinations={})
    assert rules.assessment_route(bare, "enhanced").outcome == Outcome.OUTSIDE
    # A service may hand Specialist on to a service of its own too.
    both = _settings(level_destinations={"enhanced": "BEN", "specialist": "CMHT"})
    assert rules.assessment_route(both, "specialist") == rules.AssessmentRoute(
        Outcome.SERVICE, "CMHT"
    )


def test_a_level_the_service_does_not_offer_is_an_assessment_that_says_so():
    settings = _settings(levels=["signposting", "brief"])
    assert rules.assessment_action(settings, "enhanced") == Action.ASSESS
    problems = _problems(settings, level="enhanced")
    assert problems["level"] == (
        "Select a level this service offers (Pre-enablement signposting, Brief)"
    )


def _problems(settings=None, **given):
    facts = {
        "level": "brief",
        "reason": "Assessed",
        "hub_chosen": False,
        "information_given": "",
        "outside_service": "",
        "outside_contact": "",
    } | given
    return rules.assessment_problems(settings or _settings(), **facts)


@pytest.mark.parametrize(
    "given,expected",
    [
        ({"level": "brief"}, {"hub"}),
        ({"level": "brief", "hub_chosen": True}, set()),
        ({"level": "signposting"}, {"information_given"}),
        ({"level": "signposting", "information_given": "Leaflet"}, set()),
        ({"level": "enhanced"}, set()),  # the Network: nothing more to ask
        ({"level": "specialist"}, {"outside_service", "outside_contact"}),
        ({"level": "specialist", "outside_service": "CMHT"}, {"outside_contact"}),
        ({"level": "specialist", "outside_service": "CMHT", "outside_contact": "Dr A"}, set()),
        (
            {"level": "specialist", "outside_service": " ", "outside_contact": "\t"},
            {
                "outside_service",
                "outside_contact",
            },
        ),
        ({"level": "brief", "hub_chosen": True, "reason": "  "}, {"reason"}),
        ({"level": "gold", "reason": ""}, {"level", "reason"}),
    ],
)
def test_the_assessment_asks_only_for_what_the_level_needs(given, expected):
    assert set(_problems(**given)) == expected


def test_the_messages_say_what_to_do():
    problems = _problems(level="specialist")
    assert problems["outside_service"].startswith(
        "Name the service the person is referred on to at Specialist"
    )
    assert "community mental health team (CMHT)" in problems["outside_service"]
    assert problems["outside_contact"] == (
        "Name the contact at that service who takes the referral on"
    )
    assert _problems(level="brief")["hub"] == (
        "Select the hub for the person's area: Brief is delivered by a hub"
    )
