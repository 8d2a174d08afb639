"""The pure sign-in rules: who must use a second factor, token lifetimes and expiry."""

import datetime as dt

import pytest

from enablement.accounts import rules
from enablement.accounts.roles import Role

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_staff_stands_for_every_role_but_the_person_and_carer():
    assert rules.required_roles(["staff"]) == frozenset(Role) - {Role.PERSON, Role.CARER}
    assert rules.required_roles([]) == frozenset()
    assert rules.required_roles(["sysadmin", "quality_manager"]) == {
        Role.SYSADMIN,
        Role.QUALITY_MANAGER,
    }


def test_an_unknown_role_is_refused():
    with pytest.raises(ValueError):
        rules.required_roles(["superuser"])


@pytest.mark.parametrize(
    "roles,required,has_device,expected",
    [
        ({Role.PROVISION_MANAGER}, {Role.PROVISION_MANAGER}, False, True),
        ({Role.WORKER}, {Role.PROVISION_MANAGER}, False, False),
        # Chosen by the user: once set up it is always asked for.
        ({Role.WORKER}, {Role.PROVISION_MANAGER}, True, True),
        ({Role.WORKER, Role.SYSADMIN}, {Role.SYSADMIN}, False, True),
        (set(), {Role.SYSADMIN}, False, False),
    ],
)
def test_must_verify(roles, required, has_device, expected):
    assert (
        rules.must_verify(
            roles=frozenset(roles), required=frozenset(required), has_device=has_device
        )
        is expected
    )


def test_portal_users_are_not_offered_a_second_factor():
    assert not rules.may_use_second_factor(frozenset({Role.PERSON}))
    assert not rules.may_use_second_factor(frozenset({Role.CARER}))
    assert rules.may_use_second_factor(frozenset({Role.REFERRER}))


@pytest.mark.parametrize(
    "max_days,choices,default",
    [
        (365, (30, 90, 180, 365), 90),
        (180, (30, 90, 180), 90),
        (60, (30,), 30),
        (7, (7,), 7),
        (1000, (30, 90, 180, 365), 90),
    ],
)
def test_token_lifetimes_never_pass_the_maximum(max_days, choices, default):
    assert rules.token_lifetimes(max_days) == choices
    assert rules.default_token_days(max_days) == default


def test_a_token_works_until_its_expiry_and_not_at_it():
    expires = rules.token_expires_at(NOW, 90)
    assert expires == NOW + dt.timedelta(days=90)
    second = dt.timedelta(seconds=1)
    assert rules.token_is_live(revoked_at=None, expires_at=expires, now=expires - second)
    assert not rules.token_is_live(revoked_at=None, expires_at=expires, now=expires)
    assert not rules.token_is_live(revoked_at=NOW, expires_at=expires, now=NOW + second)
