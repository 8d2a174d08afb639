"""Sign-in rules: who must use a second factor, which API token lifetimes may be chosen, and
whether a token is still good. Pure: no database, no request, no clock."""

from datetime import datetime, timedelta

from enablement.accounts.roles import Role

# People supported and carers sign in to see their own record; two-factor and API tokens are
# for staff and partners.
PORTAL_ROLES = frozenset({Role.PERSON, Role.CARER})
STAFF_ROLES = frozenset(Role) - PORTAL_ROLES

# Lifetimes offered when a token is made, in days; the default is the GOV.UK-style middle.
TOKEN_LIFETIMES = (30, 90, 180, 365)
DEFAULT_TOKEN_DAYS = 90


def required_roles(setting: list[str] | tuple[str, ...]) -> frozenset[Role]:
    """The roles named by OTP_REQUIRED_ROLES; `staff` stands for every staff role."""
    roles: set[Role] = set()
    for name in setting:
        if name == "staff":
            roles |= STAFF_ROLES
        else:
            roles.add(Role(name))
    return frozenset(roles)


def may_use_second_factor(roles: frozenset[Role]) -> bool:
    return bool(roles & STAFF_ROLES)


def second_factor_required(roles: frozenset[Role], required: frozenset[Role]) -> bool:
    return bool(roles & required)


def must_verify(*, roles: frozenset[Role], required: frozenset[Role], has_device: bool) -> bool:
    """Whether a signed-in session must pass a second factor before anything else: always
    when the user has one set up (they chose it, or were made to), and when their role
    requires one."""
    return has_device or second_factor_required(roles, required)


def token_lifetimes(max_days: int) -> tuple[int, ...]:
    """The lifetimes a maker may choose, never beyond the configured maximum; if the maximum
    is shorter than every usual choice it is itself the only choice."""
    allowed = tuple(d for d in TOKEN_LIFETIMES if d <= max_days)
    return allowed or (max_days,)


def default_token_days(max_days: int) -> int:
    allowed = token_lifetimes(max_days)
    return DEFAULT_TOKEN_DAYS if DEFAULT_TOKEN_DAYS in allowed else max(allowed)


def token_expires_at(created_at: datetime, days: int) -> datetime:
    return created_at + timedelta(days=days)


def token_is_live(*, revoked_at: datetime | None, expires_at: datetime, now: datetime) -> bool:
    return revoked_at is None and now < expires_at
