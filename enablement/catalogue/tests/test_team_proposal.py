"""The team proposed for a referral from the person's postcode (issue 12): the closest of
each team's postcode areas and districts wins."""

import pytest

from enablement.catalogue.rules import is_postcode_prefix, propose_team

EAST, WEST, SWALE = 1, 2, 3
KENT = [(EAST, ["CT", "TN23"]), (WEST, ["DA", "ME", "TN"]), (SWALE, ["me13", " ME10 "])]


@pytest.mark.parametrize(
    ("postcode", "team", "matched"),
    [
        ("CT9 1AA", EAST, "CT"),
        ("ct91aa", EAST, "CT"),  # case and spaces do not matter
        ("  CT1   3AA ", EAST, "CT"),
        ("TN23 1AA", EAST, "TN23"),  # a district beats its area
        ("TN2 3AA", WEST, "TN"),  # TN23 does not cover TN2
        ("ME13 8XZ", SWALE, "ME13"),
        ("ME14 1XQ", WEST, "ME"),
        ("me10 1aa", SWALE, "ME10"),
    ],
)
def test_the_closest_postcode_wins(postcode, team, matched):
    proposal = propose_team(KENT, postcode)
    assert proposal.team_id == team
    assert proposal.matched == matched


@pytest.mark.parametrize("postcode", ["SW1A 1AA", "", None, "CT9", "not a postcode"])
def test_no_team_is_proposed_where_none_covers_the_postcode(postcode):
    proposal = propose_team(KENT, postcode)
    assert proposal.team_id is None
    assert proposal.team_ids == ()


def test_two_teams_covering_a_postcode_equally_are_both_offered():
    proposal = propose_team([(1, ["CT"]), (2, ["CT"]), (3, ["ME"])], "CT9 1AA")
    assert proposal.team_id is None
    assert proposal.team_ids == (1, 2)


def test_a_district_prefix_covers_only_its_own_district():
    assert propose_team([(1, ["CT1"])], "CT10 1AA").team_id is None
    assert propose_team([(1, ["CT1"])], "CT1 1AA").team_id == 1


@pytest.mark.parametrize(
    ("text", "ok"), [("CT", True), ("NW11", True), ("W1A", True), ("12AB", False), ("CT1 3", False)]
)
def test_a_team_covers_postcode_areas_and_districts(text, ok):
    assert is_postcode_prefix(text) is ok
