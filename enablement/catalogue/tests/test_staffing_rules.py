"""The pure staffing rule (issue 10 item 9): which roles a service's path needs on which
team, and the sentence that says what cannot happen without them."""

import pytest

from enablement.catalogue.rules import TeamStaffing, staffing_gaps

FULL = frozenset({"admin", "senior", "worker"})


def team(name, kind="locality", roles=FULL, id=None):
    return TeamStaffing(id or abs(hash(name)) % 1000, name, kind, frozenset(roles))


def gaps(routing, teams, handed_on_from=()):
    return staffing_gaps(routing, teams, service_name="Svc", handed_on_from=handed_on_from)


# --- direct ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["locality", "service_wide"])
def test_a_complete_direct_team_has_no_gap(kind):
    assert gaps("direct", [team("Kent East", kind)]) == []


@pytest.mark.parametrize(
    "roles,missing,message",
    [
        (
            {"admin", "senior"},
            ("worker",),
            "Kent West has no worker: referrals accepted there cannot be allocated",
        ),
        (
            {"admin", "worker"},
            ("senior",),
            "Kent West has no senior: nobody can allocate its waiting list",
        ),
        (
            {"senior", "worker"},
            ("admin",),
            "Kent West has no admin: referrals to it cannot be validated",
        ),
        (
            set(),
            ("admin", "senior", "worker"),
            "Kent West has no admin, no senior and no worker: referrals to it cannot be "
            "validated; nobody can allocate its waiting list; referrals accepted there cannot "
            "be allocated",
        ),
        # Roles that do not read a queue do not stand in for one that does.
        (
            {"provision_manager", "quality_manager", "referrer", "sysadmin"},
            ("admin", "senior", "worker"),
            None,
        ),
    ],
)
def test_each_missing_role_of_a_direct_team_is_named(roles, missing, message):
    (gap,) = gaps("direct", [team("Kent West", roles=roles, id=7)])
    assert (gap.team_id, gap.team_name, gap.missing) == (7, "Kent West", missing)
    if message:
        assert gap.message == message


def test_each_direct_team_is_judged_on_its_own():
    """An admin in Kent East does not validate for Kent West: each team reads its own queue."""
    found = gaps("direct", [team("Kent East"), team("Kent West", roles={"senior", "worker"})])
    assert [(g.team_name, g.missing) for g in found] == [("Kent West", ("admin",))]


def test_a_direct_service_with_no_team_has_no_team_gap():
    # Nobody can refer to it (a referral names a team), so no queue waits unread.
    assert gaps("direct", []) == []


# --- panel front door ---------------------------------------------------------------------


def test_a_panel_needs_an_admin_and_a_senior_but_no_worker():
    assert gaps("panel", [team("Autism triage panel", "panel", {"admin", "senior"})]) == []


@pytest.mark.parametrize(
    "roles,missing,message",
    [
        (
            {"admin", "worker"},
            ("senior",),
            "Panel has no senior: nobody on the panel can route the referrals it validates",
        ),
        (
            {"senior"},
            ("admin",),
            "Panel has no admin: referrals to the front door cannot be validated",
        ),
    ],
)
def test_a_panel_missing_a_role_is_flagged(roles, missing, message):
    (gap,) = gaps("panel", [team("Panel", "panel", roles)])
    assert (gap.missing, gap.message) == (missing, message)


def test_a_panel_service_without_a_panel_team_is_flagged_as_a_whole():
    (gap,) = gaps("panel", [team("Somewhere", "locality")])
    assert gap.team_id is None
    assert gap.message == "Svc has no triage panel team: nobody can validate or route its referrals"


def test_other_teams_of_a_panel_service_need_nothing():
    found = gaps("panel", [team("Panel", "panel", {"admin", "senior"}), team("Office", roles=())])
    assert found == []


# --- hub service --------------------------------------------------------------------------


def test_a_hub_service_needs_one_admin_anywhere_and_each_hub_a_senior_and_a_worker():
    teams = [
        team("Barnet West", "hub", {"admin", "senior", "worker"}),
        team("Barnet North", "hub", {"senior", "worker"}),
    ]
    assert gaps("hub", teams) == []


def test_a_hub_service_without_an_admin_is_flagged_once():
    both = {"senior", "worker"}
    found = gaps("hub", [team("West", "hub", both), team("North", "hub", both)])
    assert [(g.team_id, g.missing) for g in found] == [(None, ("admin",))]
    assert found[0].message == (
        "Svc has no admin on any team: referrals to its single point of referral cannot be "
        "validated"
    )


@pytest.mark.parametrize(
    "roles,missing,message",
    [
        (
            {"admin", "worker"},
            ("senior",),
            "South has no senior: nobody can allocate the referrals assessed to this hub",
        ),
        (
            {"admin", "senior"},
            ("worker",),
            "South has no worker: referrals assessed to this hub cannot be allocated",
        ),
    ],
)
def test_a_hub_missing_a_role_is_flagged(roles, missing, message):
    found = gaps("hub", [team("North", "hub"), team("South", "hub", roles)])
    assert [(g.team_name, g.missing, g.message) for g in found] == [("South", missing, message)]


def test_a_hub_service_with_no_hub_is_flagged():
    found = gaps("hub", [team("Single point of referral", "service_wide", {"admin"})])
    assert [g.message for g in found] == ["Svc has no hub: assessed referrals have nowhere to go"]


def test_a_non_hub_team_of_a_hub_service_may_hold_just_the_admin():
    teams = [team("Single point", "service_wide", {"admin"}), team("West", "hub")]
    assert gaps("hub", teams) == []


# --- services others hand on to -----------------------------------------------------------


def test_a_destination_needs_one_team_with_both_a_senior_and_a_worker():
    teams = [team("A", roles={"admin", "senior"}), team("B", roles={"admin", "worker"})]
    found = gaps("direct", teams, handed_on_from=["Autism front door"])
    assert found[-1].team_id is None
    assert found[-1].message == (
        "Svc has no team with both a senior and a worker: referrals handed on by Autism "
        "front door cannot be allocated"
    )
    # The team gaps are there too: a senior allocates only to their own team's workers.
    assert [g.team_name for g in found[:-1]] == ["A", "B"]


def test_a_destination_with_no_team_at_all_is_flagged():
    found = gaps("direct", [], handed_on_from=["Hub B", "Hub A", "Hub A"])
    assert [g.message for g in found] == [
        "Svc has no team with both a senior and a worker: referrals handed on by Hub A and "
        "Hub B cannot be allocated"
    ]


def test_a_staffed_destination_is_not_flagged():
    assert gaps("direct", [team("KPS Kent")], handed_on_from=["Front door"]) == []


def test_a_service_nobody_hands_on_to_needs_no_such_team():
    assert gaps("hub", [team("West", "hub", {"admin", "senior", "worker"})]) == []


def test_a_service_reached_only_through_a_front_door_needs_no_admin():
    """The autism services and the Network take no referrals of their own (seed 001 §1, seed
    003): the front door validates and screens, so nobody there validates."""
    no_admin = team("KPS Kent", "service_wide", roles={"senior", "worker"})
    assert (
        staffing_gaps(
            "direct", [no_admin], service_name="KPS", handed_on_from=["AFD"], takes_referrals=False
        )
        == []
    )
    [gap] = staffing_gaps("direct", [no_admin], service_name="KPS", handed_on_from=["AFD"])
    assert gap.missing == ("admin",)
