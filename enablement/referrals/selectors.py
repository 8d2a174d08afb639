"""Reading referrals: the clocks are computed when read, from the rules and the calendar, so
a page is right even if no background job has run."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from enablement.accounts import access
from enablement.referrals import rules
from enablement.referrals.rules import Status


@dataclass(frozen=True)
class Clocks:
    screening_due: date | None
    screening_overdue: bool
    hold_until: date | None


def clocks(referral, *, today: date, calendar) -> Clocks:
    settings = referral.service_settings
    due = None
    if referral.status in (Status.SUBMITTED, Status.VALIDATED, Status.ON_HOLD):
        due = rules.screening_due(settings, timezone.localdate(referral.received_at), calendar)
    hold_until = None
    if referral.status == Status.ON_HOLD:
        hold = next((h for h in referral.holds.all() if h.is_open), None)
        if hold:
            hold_until = rules.hold_expires_after(settings, hold.started_on, calendar)
    overdue = rules.is_overdue(due, today) and referral.status != Status.ON_HOLD
    return Clocks(screening_due=due, screening_overdue=overdue, hold_until=hold_until)


def previous_outcomes(user, referral):
    """Earlier referrals of the same person to the same service, for whoever screens a
    re-referral (seed 000 §9)."""
    if referral.person_id is None:
        # Not yet matched: whose history this is has not been decided.
        return access.visible_referrals(user).none()
    return (
        access.visible_referrals(user)
        .filter(person=referral.person, service=referral.service)
        .exclude(pk=referral.pk)
        .order_by("-received_at")[:10]
    )
