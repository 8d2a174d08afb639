"""Pure rules of accounts: no database, no request, no clock.

Sign-in: who must use a second factor, which API token lifetimes may be chosen, and whether
a token is still good.

Separation of duties and break-glass:

A system administrator keeps accounts, teams and services but sees no case data (DESIGN.md
section 1). So the one who gives a role that sees case data is not the one who decides it
(a provision manager of the service concerned, or a quality manager), and a system
administrator's sight of a record in an emergency is one person, for a reason, for a while.
"""

from collections.abc import Set
from datetime import datetime, timedelta

from enablement.accounts.roles import CASE_DATA_ROLES, Role

REASON_MAX = 500
REASON_MIN = 10


def needs_approval(role: Role) -> bool:
    """A role that sees case data is only asked for; the others are given directly."""
    return Role(role) in CASE_DATA_ROLES


def grant_decision_problem(
    *,
    decider_id: int,
    decider_roles: Set[Role],
    decider_services: Set[int],
    requested_by_id: int,
    for_user_id: int,
    services_concerned: Set[int],
    pending: bool,
) -> str | None:
    """None if this user may approve or refuse the request, else why not.

    A provision manager decides for the services they oversee (all of those the request
    touches); a request that touches no service (a quality manager, a referrer outside any
    team) is for a quality manager. Nobody decides a request they made or one that gives
    them a role."""
    if not pending:
        return "This request has already been decided"
    if decider_id == requested_by_id:
        return "You asked for this role, so someone else must decide"
    if decider_id == for_user_id:
        return "This request would give you a role, so someone else must decide"
    if Role.QUALITY_MANAGER in decider_roles:
        return None
    if (
        Role.PROVISION_MANAGER in decider_roles
        and services_concerned
        and set(services_concerned) <= set(decider_services)
    ):
        return None
    return "Only a provision manager of the service concerned or a quality manager can decide"


def reason_problem(reason: str, *, what: str = "why") -> str | None:
    text = (reason or "").strip()
    if not text:
        return f"Say {what}"
    if len(text) < REASON_MIN:
        return f"Say {what} in at least {REASON_MIN} characters"
    if len(text) > REASON_MAX:
        return f"Say {what} in {REASON_MAX} characters or fewer"
    return None


def break_glass_until(now: datetime, hours: float) -> datetime:
    """When an emergency grant made now stops."""
    if hours <= 0:
        raise ValueError("Break-glass must last some time")
    return now + timedelta(hours=hours)


def break_glass_live(expires_at: datetime, now: datetime) -> bool:
    return now < expires_at


# --- Sign-in ---------------------------------------------------------------------------

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
