"""Separation of duties and break-glass rules, exhaustively and without a database."""

from datetime import UTC, datetime, timedelta

import pytest

from enablement.accounts import rules
from enablement.accounts.roles import Role

SYSADMIN, PM, QM, OTHER = 1, 2, 3, 4
KERS, BEP = 10, 20


@pytest.mark.parametrize("role", list(Role))
def test_only_roles_that_see_no_case_data_are_given_directly(role):
    direct = {Role.SYSADMIN, Role.COMMISSIONER}
    assert rules.needs_approval(role) is (role not in direct)


def _problem(**overrides):
    facts = {
        "decider_id": PM,
        "decider_roles": {Role.PROVISION_MANAGER},
        "decider_services": {KERS},
        "requested_by_id": SYSADMIN,
        "for_user_id": OTHER,
        "services_concerned": {KERS},
        "pending": True,
    } | overrides
    return rules.grant_decision_problem(**facts)


def test_provision_manager_of_the_service_decides():
    assert _problem() is None


def test_provision_manager_of_another_service_does_not():
    assert "provision manager of the service" in _problem(services_concerned={BEP})


def test_provision_manager_must_oversee_every_service_concerned():
    assert _problem(services_concerned={KERS, BEP}) is not None
    assert _problem(services_concerned={KERS, BEP}, decider_services={KERS, BEP}) is None


def test_a_request_touching_no_service_is_for_a_quality_manager():
    assert _problem(services_concerned=set()) is not None
    assert (
        _problem(decider_id=QM, decider_roles={Role.QUALITY_MANAGER}, services_concerned=set())
        is None
    )


def test_quality_manager_decides_for_any_service():
    assert (
        _problem(
            decider_id=QM,
            decider_roles={Role.QUALITY_MANAGER},
            decider_services=set(),
            services_concerned={BEP},
        )
        is None
    )


@pytest.mark.parametrize(
    "roles", [{Role.SYSADMIN}, {Role.SENIOR}, {Role.COMMISSIONER}, {Role.WORKER}, set()]
)
def test_other_roles_never_decide(roles):
    assert _problem(decider_roles=roles) is not None


def test_nobody_decides_their_own_request_or_a_role_for_themselves():
    qm = {"decider_id": QM, "decider_roles": {Role.QUALITY_MANAGER, Role.SYSADMIN}}
    assert "You asked" in _problem(**qm, requested_by_id=QM)
    assert "give you a role" in _problem(**qm, for_user_id=QM)
    assert "give you a role" in _problem(for_user_id=PM)


def test_a_decided_request_is_not_decided_again():
    assert "already been decided" in _problem(pending=False)


@pytest.mark.parametrize(
    "reason,ok",
    [
        ("", False),
        ("   ", False),
        ("too short", False),
        ("x" * rules.REASON_MIN, True),
        ("x" * rules.REASON_MAX, True),
        ("x" * (rules.REASON_MAX + 1), False),
    ],
)
def test_a_reason_is_required_and_bounded(reason, ok):
    assert (rules.reason_problem(reason) is None) is ok


def test_break_glass_lasts_the_hours_given_and_not_a_moment_more():
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    until = rules.break_glass_until(now, 4)
    assert until == now + timedelta(hours=4)
    assert rules.break_glass_live(until, until - timedelta(seconds=1))
    assert not rules.break_glass_live(until, until)
    with pytest.raises(ValueError):
        rules.break_glass_until(now, 0)
