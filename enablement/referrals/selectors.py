"""Reading referrals: the clocks are computed when read, from the rules and the calendar, so
a page is right even if no background job has run."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from enablement.accounts import access
from enablement.catalogue.models import Service
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


def stored_facts(referral) -> rules.ReferralFacts:
    """What a stored referral says, as the checklist reads it. Before a public submission is
    matched, the person's facts are the submitter's words."""
    person = referral.person or getattr(referral, "submitted_details", None)
    return rules.ReferralFacts(
        named_social_worker_id=referral.named_social_worker_id,
        source=referral.source,
        risks={r.area: (r.description, r.assessed_on) for r in referral.risks.all()},
        need_identified=referral.need_identified,
        work_requested=referral.work_requested,
        intended_outcomes=referral.intended_outcomes,
        deliverable_within_length=referral.deliverable_within_length,
        consent_to_share=referral.consent_to_share,
        date_of_birth=person.date_of_birth if person else None,
        diagnosis_category=person.primary_diagnosis if person else None,
        changed_needs_statement=referral.changed_needs_statement,
    )


def to_gather(referral, *, today: date) -> list[str]:
    """The checklist items a minimum-data referral did not have to give and does not have,
    as their labels: the hub assessment gathers them (seed 003 "Referral sources")."""
    missing = rules.to_gather(referral.service_settings, stored_facts(referral), today=today)
    return [rules.CHECKLIST_LABELS[m.code] for m in missing]


def minimum_data_by_service() -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """For the referral form: each active service where some sources refer with minimum
    data, and what each of them must give (seed 003 "Referral sources")."""
    out = []
    for service in Service.objects.filter(active=True).order_by("name"):
        given = rules.minimum_data(service.current_settings)
        if given:
            out.append((service.name, given))
    return out
