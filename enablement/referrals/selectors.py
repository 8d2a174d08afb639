"""Reading referrals. The clocks are stored on the rows by the actions that start or move
them (ADR 0032), so a page is right even if no background job has run, and lists filter and
sort by them in SQL."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q

from enablement.accounts import access
from enablement.casework import selectors as casework_selectors
from enablement.casework.selectors import PreviousEnablement
from enablement.catalogue.models import Service
from enablement.governance import reads
from enablement.referrals import rules
from enablement.referrals.models import Hold, Referral, TriageDecision
from enablement.referrals.rules import Status


@dataclass(frozen=True)
class Clocks:
    screening_due: date | None
    screening_overdue: bool
    hold_until: date | None


def clocks(referral, *, today: date) -> Clocks:
    """The referral's clocks, read from the stored dates (the action that moved the clock
    used the calendar). An open hold is read from `referral.holds.all()`, so a list
    prefetches the holds."""
    due = referral.screening_due
    hold_until = None
    if referral.status == Status.ON_HOLD:
        hold = next((h for h in referral.holds.all() if h.is_open), None)
        if hold:
            hold_until = hold.expires_on
    return Clocks(
        screening_due=due,
        screening_overdue=is_screening_overdue(referral, today),
        hold_until=hold_until,
    )


def is_screening_overdue(referral, today: date) -> bool:
    """One row's answer to `screening_overdue`, from its stored date (reads no other row)."""
    return (
        rules.is_overdue(referral.screening_due, today)
        and referral.status in rules.OVERDUE_STATUSES
    )


def screening_overdue(today: date) -> Q:
    """The referrals past their screening due date today, as a filter: `rules.is_overdue` on
    the stored date, with a hold pausing the clock. The status test is the rule's own, and
    keeps a row whose date was never cleared out of every count."""
    return Q(status__in=rules.OVERDUE_STATUSES, screening_due__lt=today)


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


def re_referral_services(service, settings) -> list[str]:
    """The services whose enablement counts as "the service" for the re-referral rule: the
    service itself and, for a front door that routes (the autism panel, seed 001 §1), the
    services it routes to, since its referrals become their episodes."""
    return [service.code, *settings.route_destinations]


@dataclass(frozen=True)
class PreviousForScreening:
    """The person's previous enablement with the service, for whoever screens a referral
    (seed 000 §9: "consideration will be given to the result of any outcomes and
    recommendations"). `referral_visible`: the user may open the earlier referral, so it is
    linked and its decision reason shown; otherwise only its reference."""

    enablement: PreviousEnablement
    referral_visible: bool


def previous_enablement(user, referral) -> PreviousForScreening | None:
    """The last enablement that ended before this referral was received, or None."""
    if referral.person_id is None:
        return None  # not yet matched: whose history this is has not been decided
    previous = casework_selectors.last_enablement(
        referral.person_id,
        re_referral_services(referral.service, referral.service_settings),
        before=referral.received_at,
        exclude_referral_id=referral.pk,
    )
    if previous is None:
        return None
    # The episode is shown whoever ran it, and logged as a read of its referral.
    reads.shown_referrals([Referral(pk=previous.referral_id, person_id=referral.person_id)])
    visible = access.visible_referrals(user).filter(pk=previous.referral_id).exists()
    return PreviousForScreening(enablement=previous, referral_visible=visible)


@dataclass(frozen=True)
class HandedOn:
    """Where a referral that a front door handed on came from (seed 001 §10): who screened
    and accepted it and when, the features the risk screening tool found, and whether this
    user may open the front door's referral (the link is shown only then)."""

    origin_id: int
    origin_reference: str
    by: str
    accepted_at: datetime
    complex_features: tuple[str, ...]
    may_open: bool


def handed_on(user, referral) -> HandedOn | None:
    if referral.routed_from_id is None:
        return None
    from enablement.referrals.models import Referral

    # Only names, a date and the screening tool's answers are read here, about the person
    # whose referral the user is already allowed to see; the origin itself opens only
    # through the access door.
    origin = Referral.objects.select_related("team", "service", "triage").get(
        pk=referral.routed_from_id
    )
    screening = origin.screenings.filter(decision="accept").first()
    labels = dict(rules.COMPLEX_FEATURES)
    team = origin.team.name if origin.team_id else ""
    by = f"{team} ({origin.service.name})" if team else origin.service.name
    triage = getattr(origin, "triage", None)
    return HandedOn(
        origin_id=origin.pk,
        origin_reference=origin.reference,
        by=by,
        accepted_at=triage.decided_at if triage else referral.validated_at,
        complex_features=tuple(
            labels.get(code, code) for code in (screening.complex_features if screening else [])
        ),
        may_open=access.visible_referrals(user).filter(pk=origin.pk).exists(),
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


def holds_answered(referrals) -> set[int]:
    """Of these referrals, those back for screening after the named social worker answered a
    hold, so the senior's lists can tag them "Hold answered"."""
    waiting = [r.pk for r in referrals if r.status == Status.VALIDATED]
    if not waiting:
        return set()
    return set(
        Hold.objects.filter(referral_id__in=waiting, answered_at__isnull=False).values_list(
            "referral_id", flat=True
        )
    )


def referral_flags(referral) -> list[rules.Flag]:
    """The flags of one referral: its risks, its latest screening's safeguarding finding, an
    open hold and the person's communication needs."""
    screening = referral.screenings.order_by("-screened_at").first()
    person = referral.person
    return rules.flags(
        communication_needs=person.communication_needs if person else "",
        risks=[(r.area, r.description) for r in referral.risks.all()],
        complex_features=screening.complex_features if screening else [],
        on_hold=referral.status == Status.ON_HOLD,
    )


def person_flags(person, referrals) -> list[rules.Flag]:
    """A person's flags: those of their current referrals (visible to this user), without
    repeats, and their communication needs."""
    seen, out = set(), []
    for referral in referrals:
        for flag in referral_flags(referral):
            if (flag.label, flag.detail) not in seen:
                seen.add((flag.label, flag.detail))
                out.append(flag)
    if not out:
        out = rules.flags(
            communication_needs=person.communication_needs,
            risks=[],
            complex_features=[],
            on_hold=False,
        )
    return out


def validation_facts(referral) -> rules.ValidationFacts:
    """What has happened to the referral since it was validated (issue 12: undo)."""
    return rules.ValidationFacts(
        status=referral.status,
        validated=referral.validated_at is not None,
        # A hold keeps the screening tool's answers as a screening of its own: it is the
        # hold, not a screening, that stops the undo.
        screened=referral.screenings.exclude(decision="hold").exists(),
        held=referral.holds.exists(),
        triaged=TriageDecision.objects.filter(referral=referral).exists(),
    )


def undo_validation_problem(referral) -> str | None:
    """Why this referral's validation may not be undone now, or None. A status the table
    has no undo from is answered without reading the referral's screenings and holds."""
    if rules.Action.UNDO_VALIDATE not in rules.allowed_actions(
        referral.status, routing=referral.service_settings.routing
    ):
        return rules.undo_validation_problem(
            rules.ValidationFacts(referral.status, False, False, False, False),
            routing=referral.service_settings.routing,
        )
    return rules.undo_validation_problem(
        validation_facts(referral), routing=referral.service_settings.routing
    )
