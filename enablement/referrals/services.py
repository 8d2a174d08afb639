"""One action function per change of a referral. Each checks the transition table, writes
the state, an event and the notifications in one transaction, and takes the acting user
and the time from its caller."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from enablement.accounts.roles import Role
from enablement.catalogue.models import Service, Skill, Team
from enablement.core.limits import length_problems, refuse_too_long, too_long_message
from enablement.core.workdays import ENGLAND_AND_WALES
from enablement.governance.services import record_event
from enablement.notifications.services import notify
from enablement.people.models import Person
from enablement.people.rules import age_on
from enablement.referrals import rules
from enablement.referrals.models import (
    Hold,
    Referral,
    ReferralReturn,
    RiskInformation,
    Screening,
    SubmittedDetails,
    TriageDecision,
)
from enablement.referrals.rules import Action, Status

REFERRAL_FIELDS = (
    "source",
    "named_social_worker",
    "held_by_senior_social_worker",
    "need_identified",
    "work_requested",
    "intended_outcomes",
    "deliverable_within_length",
    "joint_working_requested",
    "consent_to_share",
    "changed_needs_statement",
    "previous_ended_on",
    "ongoing_cmh_social_work",
    "diagnosed_need",
    "eligible_needs",
    "preventative_entitlement",
)

SUBMITTED_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "nhs_number",
    "postcode",
    "phone",
    "email",
    "primary_diagnosis",
    "carer_name",
)

# Rule fields that are named differently on the referral form and the API.
FORM_FIELD = {
    "named_social_worker_id": "named_social_worker",
    "diagnosis_category": "__all__",
    "date_of_birth": "__all__",
}


@dataclass(frozen=True)
class RiskEntry:
    description: str
    assessed_on: date | None


def _transition(referral: Referral, action: Action) -> Status:
    try:
        return rules.next_status(
            Status(referral.status), action, routing=referral.service_settings.routing
        )
    except rules.TransitionNotAllowed as exc:
        raise ValidationError({"__all__": str(exc)}) from exc


def _placeholder_reference() -> str:
    """Unique until the row has its id and gets its real reference, SERVICE-000123."""
    return f"new-{uuid.uuid4().hex[:16]}"


def _locked(referral: Referral) -> Referral:
    """The row, locked: two people acting on one referral at once act one after the other."""
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("service_settings", "service", "person", "team")
        .get(pk=referral.pk)
    )


def _facts(values: dict, risks: dict, person: Person) -> rules.ReferralFacts:
    named = values.get("named_social_worker")
    return rules.ReferralFacts(
        named_social_worker_id=named.pk if named else None,
        source=values.get("source") or "",
        risks={rules.RiskArea(a): (r.description, r.assessed_on) for a, r in risks.items()},
        need_identified=bool(values.get("need_identified")),
        work_requested=values.get("work_requested") or "",
        intended_outcomes=values.get("intended_outcomes") or "",
        deliverable_within_length=bool(values.get("deliverable_within_length")),
        consent_to_share=bool(values.get("consent_to_share")),
        date_of_birth=person.date_of_birth,
        diagnosis_category=person.primary_diagnosis,
        changed_needs_statement=values.get("changed_needs_statement") or "",
    )


def submission_problems(
    *, settings, values: dict, risks: dict, person: Person, today: date
) -> dict[str, str]:
    """What stops a referral being submitted at all: the checklist, age, and the
    re-referral rule. Keyed by form field."""
    problems = _length_problems(values, risks)
    for missing in rules.validation_problems(settings, _facts(values, risks, person), today=today):
        field = FORM_FIELD.get(missing.field, missing.field)
        problems.setdefault(field, missing.message)
    if age_on(person.date_of_birth, today) < settings.min_age:
        problems["date_of_birth"] = (
            f"{person.full_name} is {age_on(person.date_of_birth, today)}: this service is for "
            f"people aged {settings.min_age} and over"
        )
    previous = values.get("previous_ended_on")
    if previous is not None and previous > today:
        # Also keeps absurd years away from the month arithmetic of the window.
        problems["previous_ended_on"] = "The last enablement cannot have ended in the future"
        previous = None
    flag = rules.re_referral_flag(settings, last_ended_on=previous, submitted_on=today)
    if flag and not rules.may_go_on(flag, values.get("changed_needs_statement") or ""):
        problems["changed_needs_statement"] = flag.message
    return problems


_REFERRAL_TEXTS = ("work_requested", "intended_outcomes", "changed_needs_statement")


def _length_problems(values: dict, risks: dict) -> dict[str, str]:
    texts = {k: values[k] for k in _REFERRAL_TEXTS if k in values}
    problems = length_problems(Referral, texts)
    limit = RiskInformation._meta.get_field("description").max_length
    for area, risk in risks.items():
        if len(risk.description or "") > limit:
            label = rules.RiskArea(area).label
            problems[f"risk_{area}_description"] = too_long_message(label, limit)
    return problems


def _write_risks(referral: Referral, risks: dict) -> None:
    referral.risks.all().delete()
    RiskInformation.objects.bulk_create(
        RiskInformation(
            referral=referral, area=str(area), description=r.description, assessed_on=r.assessed_on
        )
        for area, r in risks.items()
    )


def team_people(team: Team | None, service: Service, *roles: Role):
    """Staff of the referral's team (or, before a hub is assigned, of the whole service)."""
    from django.contrib.auth.models import Group

    from enablement.accounts.roles import ROLES

    groups = Group.objects.filter(name__in=[ROLES[r].group for r in roles])
    users = get_user_model().objects.filter(is_active=True, groups__in=groups)
    if team is not None:
        return list(users.filter(staff__team=team).distinct())
    return list(users.filter(staff__team__service=service).distinct())


def _event(
    referral: Referral, *, kind: str, summary: str, actor, now: datetime, data: dict | None = None
) -> None:
    """The referral's event on the person's timeline, naming the referral."""
    record_event(
        kind=kind,
        summary=summary,
        actor=actor,
        now=now,
        person=referral.person,
        service=referral.service,
        referral=referral,
        data={"referral": referral.pk, **(data or {})},
    )


def _tell_social_worker(referral: Referral, subject: str, body: str, now: datetime) -> None:
    notify(
        users=[referral.named_social_worker, referral.referrer],
        subject=subject,
        body=body,
        referral=referral,
        now=now,
    )


def submit_referral(
    *,
    service: Service,
    team: Team | None,
    person: Person | None,
    values: dict,
    risks: dict[str, RiskEntry],
    referrer,
    actor,
    now: datetime,
    submitted_details: dict | None = None,
) -> Referral:
    """A referral made by staff names a person they can see. A public submission names no
    person: its details are kept on the referral, unverified, for the admin to match
    (`match_person`)."""
    if (person is None) == (submitted_details is None):
        raise ValueError("A referral names a person, or carries submitted details: one of them")
    settings = service.current_settings
    # The rules read the date of birth and diagnosis; for a public submission they are the
    # submitter's words, held in an unsaved record that is never written.
    facts_person = person or Person(
        given_name=submitted_details["given_name"],
        family_name=submitted_details["family_name"],
        date_of_birth=submitted_details["date_of_birth"],
        primary_diagnosis=submitted_details["primary_diagnosis"],
    )
    if team is not None and team.service_id != service.pk:
        raise ValidationError({"team": f"{team.name} is not a team of {service.name}"})
    if team is None and settings.routing == "direct":
        raise ValidationError({"team": "Select the team whose area the person lives in"})
    problems = submission_problems(
        settings=settings,
        values=values,
        risks=risks,
        person=facts_person,
        today=timezone.localdate(now),
    )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        referral = Referral.objects.create(
            reference=_placeholder_reference(),
            service=service,
            service_settings=settings,
            team=team,
            person=person,
            status=Status.SUBMITTED,
            referrer=referrer,
            created_at=now,
            first_submitted_at=now,
            received_at=now,
            **{k: values.get(k) for k in REFERRAL_FIELDS if k in values},
        )
        referral.reference = f"{service.code}-{referral.pk:06d}"
        referral.save(update_fields=["reference"])
        if submitted_details is not None:
            SubmittedDetails.objects.create(
                referral=referral,
                **{
                    k: submitted_details.get(k) or ""
                    for k in SUBMITTED_FIELDS
                    if k != "date_of_birth"
                },
                date_of_birth=submitted_details["date_of_birth"],
            )
        _write_risks(referral, risks)
        _event(
            referral,
            kind="referral.submitted",
            summary=f"Referral {referral.reference} to {service.name}",
            actor=actor,
            now=now,
        )
        notify(
            users=team_people(team, service, Role.ADMIN),
            subject=f"New referral {referral.reference}",
            body=f"{facts_person.full_name} has been referred to {service.name}."
            + ("" if person else " The details are unverified: match them to a record first."),
            referral=referral,
            now=now,
        )
        _tell_social_worker(
            referral,
            f"Referral {referral.reference} received",
            f"Your referral of {facts_person.full_name} to {service.name} has been "
            "received and will be checked by the service admin.",
            now,
        )
    return referral


def return_referral(
    *, referral: Referral, missing: list[str], note: str, actor, now: datetime
) -> Referral:
    known = dict(rules.CHECKLIST)
    if not missing:
        raise ValidationError({"missing": "Select what is missing or wrong"})
    unknown = [m for m in missing if m not in known]
    if unknown:
        raise ValidationError({"missing": f"Not on the checklist: {', '.join(unknown)}"})
    refuse_too_long(ReferralReturn, {"note": note})
    with transaction.atomic():
        referral = _locked(referral)
        referral.status = _transition(referral, Action.RETURN)
        referral.save(update_fields=["status"])
        ReferralReturn.objects.create(
            referral=referral, missing=missing, note=note, returned_by=actor, returned_at=now
        )
        reasons = "\n".join(f"- {known[m]}" for m in missing)
        _event(
            referral,
            kind="referral.returned",
            summary=f"Referral {referral.reference} returned: {len(missing)} to correct",
            actor=actor,
            now=now,
            data={"missing": missing},
        )
        _tell_social_worker(
            referral,
            f"Referral {referral.reference} returned: please correct it",
            f"The referral of {referral.person_name} was returned. What is missing:\n"
            f"{reasons}\n{note}".strip(),
            now,
        )
    return referral


def resubmit_referral(
    *, referral: Referral, values: dict, risks: dict[str, RiskEntry], actor, now: datetime
) -> Referral:
    settings = referral.service_settings
    # Only a returned referral can be resubmitted: say so before judging its contents.
    referral.refresh_from_db(fields=["status"])
    _transition(referral, Action.RESUBMIT)
    merged = {k: getattr(referral, k) for k in REFERRAL_FIELDS} | values
    problems = submission_problems(
        settings=settings,
        values=merged,
        risks=risks,
        person=referral.person,
        today=timezone.localdate(now),
    )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        referral = _locked(referral)
        referral.status = _transition(referral, Action.RESUBMIT)
        for k in REFERRAL_FIELDS:
            setattr(referral, k, merged[k])
        referral.received_at = now
        referral.save()
        _write_risks(referral, risks)
        referral.returns.filter(resubmitted_at__isnull=True).update(resubmitted_at=now)
        _event(
            referral,
            kind="referral.resubmitted",
            summary=f"Referral {referral.reference} corrected and resubmitted",
            actor=actor,
            now=now,
        )
        notify(
            users=team_people(referral.team, referral.service, Role.ADMIN),
            subject=f"Referral {referral.reference} resubmitted",
            body=f"The referral of {referral.person_name} has been corrected.",
            referral=referral,
            now=now,
        )
    return referral


def validate_referral(*, referral: Referral, actor, now: datetime) -> Referral:
    with transaction.atomic():
        referral = _locked(referral)
        if referral.awaiting_match:
            raise ValidationError(
                {"__all__": "Match the person to a record (or record them as new) first"}
            )
        referral.status = _transition(referral, Action.VALIDATE)
        referral.validated_at = now
        referral.save(update_fields=["status", "validated_at"])
        _event(
            referral,
            kind="referral.validated",
            summary=f"Referral {referral.reference} validated",
            actor=actor,
            now=now,
        )
    return referral


def hand_on(referral: Referral, *, destination: Service, team: Team, by: str, now: datetime):
    """A linked referral in `destination`, already screened and accepted by the front door
    that hands it on (the autism panel, seed 001 §10; a Barnet hub for the Network, seed 003):
    it joins the team's waiting list at this moment, the acceptance date, with no second
    validation or screening and no destination rule to refuse it. Nothing is typed again.
    Call inside the caller's transaction; the caller records the event."""
    created = Referral.objects.create(
        reference=_placeholder_reference(),
        service=destination,
        service_settings=destination.current_settings,
        team=team,
        person=referral.person,
        status=Status.ACCEPTED,
        source=referral.source,
        referrer=referral.referrer,
        named_social_worker=referral.named_social_worker,
        routed_from=referral,
        created_at=now,
        first_submitted_at=referral.first_submitted_at,
        received_at=now,
        validated_at=now,
        decided_at=now,
        decision_reason=f"Screened and accepted by {by}",
        **{
            k: getattr(referral, k)
            for k in REFERRAL_FIELDS
            if k not in ("source", "named_social_worker")
        },
    )
    created.reference = f"{destination.code}-{created.pk:06d}"
    created.save(update_fields=["reference"])
    created.skills_needed.set(referral.skills_needed.all())
    RiskInformation.objects.bulk_create(
        RiskInformation(
            referral=created, area=r.area, description=r.description, assessed_on=r.assessed_on
        )
        for r in referral.risks.all()
    )
    _event(
        created,
        kind="referral.handed_on",
        summary=f"Referral {created.reference} accepted from {by} onto the waiting list",
        actor=None,
        now=now,
        data={"from": referral.pk},
    )
    notify(
        users=team_people(team, destination, Role.SENIOR, Role.ADMIN),
        subject=f"Referral {created.reference} accepted from {by}: ready to allocate",
        body=f"{referral.person_name} was accepted by {by} and is on the waiting list of "
        f"{team.name}, {destination.name}.",
        referral=created,
        now=now,
    )
    return created


def route_referral(
    *,
    referral: Referral,
    destination: Service | None,
    team: Team | None,
    outside_service: str,
    reason: str,
    actor,
    now: datetime,
) -> Referral:
    """A triage panel sends the referral to one of its services (a new, linked referral in
    that service's queue, nothing typed again) or to an outside service."""
    if not reason.strip():
        raise ValidationError({"reason": "Record the reason for the panel's decision"})
    refuse_too_long(TriageDecision, {"reason": reason, "outside_service": outside_service})
    if destination is None and not outside_service.strip():
        raise ValidationError({"destination": "Select a service, or name the outside service"})
    if destination is not None:
        if destination.code not in referral.service_settings.route_destinations:
            raise ValidationError({"destination": f"The panel does not route to {destination}"})
        if team is None or team.service_id != destination.pk:
            raise ValidationError({"team": f"Select a team of {destination.name}"})
    with transaction.atomic():
        referral = _locked(referral)
        referral.status = _transition(referral, Action.TRIAGE_ROUTE)
        referral.decided_at = now
        referral.decision_reason = reason
        referral.save(update_fields=["status", "decided_at", "decision_reason"])
        created = None
        if destination is not None:
            created = hand_on(
                referral, destination=destination, team=team, by=referral.service.name, now=now
            )
        TriageDecision.objects.create(
            referral=referral,
            destination=destination,
            outside_service=outside_service,
            reason=reason,
            created_referral=created,
            decided_by=actor,
            decided_at=now,
        )
        where = destination.name if destination else outside_service
        _event(
            referral,
            kind="referral.routed",
            # The reason stays on the triage decision, which retention can blank; the
            # timeline is append-only audit and keeps no free text about the person.
            summary=f"Referral {referral.reference} routed to {where}",
            actor=actor,
            now=now,
            data={"created": created.pk if created else None},
        )
        _tell_social_worker(
            referral,
            f"Referral {referral.reference} redirected",
            f"The triage panel has routed {referral.person_name} to {where}. Reason: {reason}",
            now,
        )
    return referral


def _level_destination(referral: Referral, code: str, team: Team | None, label: str):
    """The service and team a level is handed on to, or the problem to show."""
    destination = Service.objects.filter(code=code, active=True).first()
    if destination is None or destination.pk == referral.service_id:
        return (
            None,
            None,
            {
                "level": f"{label} is set to go to service “{code}”, which is not open to "
                "referrals: ask the system administrator to correct this service's settings"
            },
        )
    teams = list(destination.teams.filter(active=True))
    if team is not None:
        if team not in teams:
            return None, None, {"destination_team": f"Select a team of {destination.name}"}
        return destination, team, {}
    if len(teams) == 1:
        return destination, teams[0], {}
    if not teams:
        return (
            None,
            None,
            {
                "level": f"{destination.name} has no team to take the referral: ask the system "
                "administrator to add one"
            },
        )
    return None, None, {"destination_team": f"Select the team of {destination.name}"}


def assess_referral(
    *,
    referral: Referral,
    hub: Team | None,
    level: str,
    reason: str,
    information_given: str,
    actor,
    now: datetime,
    outside_service: str = "",
    outside_contact: str = "",
    destination_team: Team | None = None,
) -> Referral:
    """A hub service's single assessment assigns a level (seed 003 LEH, "Enablement
    Plans"), and the level decides where the person goes (`rules.assessment_route`):
    signposting ends the referral with the information given; Brief goes to the chosen
    hub's queue to screen and allocate; a level the settings hand on (Enhanced: the
    Network) becomes an accepted referral on that service's waiting list from today; any
    other (Specialist) is referred on outside, with the service and its named contact
    recorded. The referrer and the named social worker are told."""
    texts = {
        "reason": reason,
        "information_given": information_given,
        "outside_service": outside_service,
        "outside_contact": outside_contact,
    }
    refuse_too_long(TriageDecision, texts)
    settings = referral.service_settings
    problems = rules.assessment_problems(
        settings,
        level=level,
        reason=reason,
        hub_chosen=hub is not None,
        information_given=information_given,
        outside_service=outside_service,
        outside_contact=outside_contact,
    )
    if problems:
        raise ValidationError(problems)
    route = rules.assessment_route(settings, level)
    label = rules.level_label(level)
    destination = team = None
    if route.outcome == rules.Outcome.HUB and hub.service_id != referral.service_id:
        raise ValidationError({"hub": f"Select one of the hubs of {referral.service.name}"})
    if route.outcome == rules.Outcome.SERVICE:
        destination, team, problems = _level_destination(
            referral, route.destination, destination_team, label
        )
        if problems:
            raise ValidationError(problems)
    if route.outcome != rules.Outcome.OUTSIDE:
        outside_service = outside_contact = ""
    if route.outcome != rules.Outcome.SIGNPOSTED:
        information_given = ""
    if route.outcome != rules.Outcome.HUB:
        hub = None
    with transaction.atomic():
        referral = _locked(referral)
        referral.status = _transition(referral, rules.assessment_action(settings, level))
        referral.level = level
        if hub is not None:
            referral.team = hub
        else:
            referral.decided_at = now
            referral.decision_reason = (
                information_given if route.outcome == rules.Outcome.SIGNPOSTED else reason
            )
        referral.save()
        created = None
        if destination is not None:
            created = hand_on(
                referral,
                destination=destination,
                team=team,
                by=f"the hub assessment ({label})",
                now=now,
            )
        decision = TriageDecision.objects.create(
            referral=referral,
            hub=hub,
            level=level,
            destination=destination,
            outside_service=outside_service.strip(),
            outside_contact=outside_contact.strip(),
            created_referral=created,
            reason=reason,
            information_given=information_given,
            decided_by=actor,
            decided_at=now,
        )
        where = {
            rules.Outcome.SIGNPOSTED: "signposted",
            rules.Outcome.HUB: f"{hub.name if hub else ''}",
            rules.Outcome.SERVICE: f"referred on to {destination.name if destination else ''}",
            rules.Outcome.OUTSIDE: f"referred on to {outside_service.strip()}",
        }[route.outcome]
        _event(
            referral,
            kind="referral.assessed",
            # No free text about the person on the append-only timeline: the reason and
            # the named contact stay on the triage decision, which retention can blank.
            summary=f"Referral {referral.reference} assessed: {label}, {where}",
            actor=actor,
            now=now,
            data={
                "level": level,
                "outcome": str(route.outcome),
                "created": created.pk if created else None,
            },
        )
        _tell_about_assessment(referral, decision, route.outcome, label, now)
    return referral


def _tell_about_assessment(
    referral: Referral, triage: TriageDecision, outcome, label: str, now: datetime
) -> None:
    """The hub's senior and admin hear of a Brief referral in their queue; the referrer and
    the named social worker hear where the person went, whatever the level."""
    name, ref = referral.person_name, referral.reference
    if outcome == rules.Outcome.HUB:
        notify(
            users=team_people(referral.team, referral.service, Role.SENIOR, Role.ADMIN),
            subject=f"Referral {ref} assessed for {referral.team.name}: ready to screen",
            body=f"The hub assessment placed {name} at {label} with {referral.team.name}. "
            "Screen it, then allocate it from the waiting list.",
            referral=referral,
            now=now,
        )
        subject = f"Referral {ref} assessed: {label}, {referral.team.name}"
        body = f"The hub assessment placed {name} at {label}, with {referral.team.name}."
    elif outcome == rules.Outcome.SIGNPOSTED:
        subject = f"Referral {ref}: signposted"
        body = (
            f"The hub assessment found {name} needs information and advice rather than "
            f"enablement (pre-enablement signposting). Information given:\n"
            f"{triage.information_given}"
        )
    elif outcome == rules.Outcome.SERVICE:
        subject = f"Referral {ref} referred on to {triage.destination.name}"
        body = (
            f"The hub assessment placed {name} at {label} and referred them on to "
            f"{triage.destination.name}, where they are on the waiting list as "
            f"{triage.created_referral.reference}. Reason: {triage.reason}"
        )
    else:
        subject = f"Referral {ref} referred on to {triage.outside_service}"
        body = (
            f"The hub assessment placed {name} at {label} and referred them on to "
            f"{triage.outside_service}; the contact there is {triage.outside_contact}. "
            f"Reason: {triage.reason}"
        )
    _tell_social_worker(referral, subject, body, now)


DECISION_ACTIONS = {
    "accept": Action.SCREEN_ACCEPT,
    "decline": Action.SCREEN_DECLINE,
    "not_ready": Action.SCREEN_NOT_READY,
}


def screen_referral(
    *,
    referral: Referral,
    decision: str,
    desktop_check_complete: bool,
    complex_features: list[str],
    risk_notes: str,
    not_appropriate: list[str],
    reason: str,
    actor,
    now: datetime,
    skills_needed: list[str] = (),
) -> Referral:
    skills = list(Skill.objects.filter(code__in=set(skills_needed)))
    unknown_skills = set(skills_needed) - {s.code for s in skills}
    if unknown_skills:
        raise ValidationError(
            {"skills_needed": f"Not a skill we record: {', '.join(sorted(unknown_skills))}"}
        )
    unknown = set(not_appropriate) - set(referral.service_settings.not_appropriate_factors)
    if unknown:
        raise ValidationError(
            {"not_appropriate": f"Not one of this service's reasons: {', '.join(sorted(unknown))}"}
        )
    if decision not in DECISION_ACTIONS:
        raise ValidationError({"decision": "Select accept, decline or not ready"})
    refuse_too_long(Screening, {"risk_notes": risk_notes, "reason": reason})
    settings = referral.service_settings
    today = timezone.localdate(now)
    verdict = rules.eligibility(
        settings,
        date_of_birth=referral.person.date_of_birth,
        on=today,
        diagnosis_category=referral.person.primary_diagnosis,
        ongoing_cmh_social_work=referral.ongoing_cmh_social_work,
        diagnosed_need=referral.diagnosed_need,
        eligible_needs=referral.eligible_needs,
        preventative_entitlement=referral.preventative_entitlement,
        not_appropriate=not_appropriate,
    )
    if decision == "accept":
        problems = {}
        if not desktop_check_complete:
            problems["desktop_check_complete"] = "Complete the desktop check before accepting"
        if verdict.outcome == rules.Eligibility.NOT_ELIGIBLE:
            problems["decision"] = "Not eligible: " + "; ".join(verdict.reasons)
        flag = rules.re_referral_flag(
            settings,
            last_ended_on=referral.previous_ended_on,
            submitted_on=timezone.localdate(referral.received_at),
        )
        if flag and not rules.may_go_on(flag, referral.changed_needs_statement):
            problems["decision"] = flag.message
        if verdict.outcome == rules.Eligibility.NEEDS_JUDGEMENT and not reason.strip():
            problems["reason"] = "Eligibility needs judgement: record why you accept"
        if problems:
            raise ValidationError(problems)
    elif not reason.strip():
        raise ValidationError({"reason": "Record the reason for the decision"})
    with transaction.atomic():
        referral = _locked(referral)
        referral.status = _transition(referral, DECISION_ACTIONS[decision])
        referral.decided_at = now
        referral.decision_reason = reason
        referral.save(update_fields=["status", "decided_at", "decision_reason"])
        Screening.objects.create(
            referral=referral,
            desktop_check_complete=desktop_check_complete,
            complex_features=complex_features,
            risk_notes=risk_notes,
            not_appropriate=not_appropriate,
            eligibility=verdict.outcome,
            eligibility_reasons=list(verdict.reasons),
            decision=decision,
            reason=reason,
            screened_by=actor,
            screened_at=now,
        )
        if decision == "accept":
            referral.skills_needed.set(skills)
        label = Status(referral.status).label
        _event(
            referral,
            kind=f"referral.{decision}",
            summary=f"Referral {referral.reference} screened: {label}",
            actor=actor,
            now=now,
            data={"eligibility": verdict.outcome},
        )
        _tell_social_worker(
            referral,
            f"Referral {referral.reference}: {label.lower()}",
            f"The referral of {referral.person_name} to {referral.service.name} has been "
            f"screened: {label.lower()}.{(' Reason: ' + reason) if reason else ''}",
            now,
        )
    return referral


def hold_referral(*, referral: Referral, concern: str, actor, now: datetime) -> Hold:
    if not referral.service_settings.complex_risk_hold:
        raise ValidationError({"__all__": f"{referral.service.name} does not use holds"})
    if not concern.strip():
        raise ValidationError({"concern": "Describe the risk concern for the social worker"})
    refuse_too_long(Hold, {"concern": concern})
    with transaction.atomic():
        referral = _locked(referral)
        referral.status = _transition(referral, Action.HOLD)
        referral.save(update_fields=["status"])
        hold = Hold.objects.create(
            referral=referral,
            concern=concern,
            started_at=now,
            started_on=timezone.localdate(now),
            started_by=actor,
        )
        until = rules.hold_expires_after(
            referral.service_settings, hold.started_on, ENGLAND_AND_WALES
        )
        _event(
            referral,
            kind="referral.on_hold",
            summary=f"Referral {referral.reference} on hold: complex risk",
            actor=actor,
            now=now,
            data={"hold": hold.pk},
        )
        _tell_social_worker(
            referral,
            f"Referral {referral.reference} on hold: your answer is needed",
            f"A risk concern about {referral.person_name}:\n{concern}\n\nPlease answer "
            f"by the end of {until:%A %-d %B %Y}. With no answer the referral will be closed as "
            "'not ready for enablement'.",
            now,
        )
    return hold


def answer_hold(*, referral: Referral, answer: str, actor, now: datetime) -> Referral:
    if not answer.strip():
        raise ValidationError({"answer": "Enter your answer to the concern"})
    refuse_too_long(Hold, {"answer": answer})
    if actor.pk not in (referral.named_social_worker_id, referral.referrer_id):
        raise ValidationError({"__all__": "Only the named social worker can answer the hold"})
    with transaction.atomic():
        referral = _locked(referral)
        referral.status = _transition(referral, Action.ANSWER_HOLD)
        referral.save(update_fields=["status"])
        hold = referral.holds.select_for_update().get(
            answered_at__isnull=True, expired_at__isnull=True
        )
        hold.answered_at, hold.answer, hold.answered_by = now, answer, actor
        hold.save(update_fields=["answered_at", "answer", "answered_by"])
        _event(
            referral,
            kind="referral.hold_answered",
            summary=f"Referral {referral.reference}: social worker answered the hold",
            actor=actor,
            now=now,
        )
        notify(
            users=[hold.started_by, *team_people(referral.team, referral.service, Role.SENIOR)],
            subject=f"Hold answered on {referral.reference}",
            body=f"The social worker answered:\n{answer}",
            referral=referral,
            now=now,
        )
    return referral


def expire_holds(*, now: datetime, calendar=ENGLAND_AND_WALES) -> int:
    """Close every hold whose time has run out. Safe to run again: a hold is closed only
    while it is still open, under a row lock, so nothing is closed or sent twice."""
    today = timezone.localdate(now)
    closed = 0
    open_holds = Hold.objects.filter(answered_at__isnull=True, expired_at__isnull=True)
    for hold in open_holds.select_related("referral__service_settings"):
        if not rules.hold_has_expired(
            hold.referral.service_settings, hold.started_on, today, calendar
        ):
            continue
        with transaction.atomic():
            locked = Hold.objects.select_for_update().get(pk=hold.pk)
            if not locked.is_open:
                continue
            referral = _locked(hold.referral)
            referral.status = _transition(referral, Action.EXPIRE_HOLD)
            referral.decided_at = now
            referral.decision_reason = (
                "Not ready for enablement: the named social worker did not answer the risk "
                "concern in time. The person remains open to the named social worker."
            )
            referral.save(update_fields=["status", "decided_at", "decision_reason"])
            locked.expired_at = now
            locked.save(update_fields=["expired_at"])
            _event(
                referral,
                kind="referral.hold_expired",
                summary=f"Referral {referral.reference} closed: not ready for "
                "enablement (no answer to the hold)",
                actor=None,
                now=now,
                data={"hold": locked.pk},
            )
            _tell_social_worker(
                referral, f"Referral {referral.reference} closed", referral.decision_reason, now
            )
            closed += 1
    return closed


def match_person(
    *, referral: Referral, person: Person | None, actor, now: datetime, without_nhs_number=False
) -> Referral:
    """The admin decides who a public submission is about: an existing record (`person`),
    or a new record made from the submitted details. Until this runs, nothing from the
    public form has touched any person's record. A carer named on the form is added only
    to a new record; on an existing one it stays on the referral for staff to check."""
    from enablement.people.services import carer_add, person_create

    with transaction.atomic():
        referral = _locked(referral)
        if not referral.awaiting_match:
            raise ValidationError({"__all__": "This referral has already been matched"})
        details = referral.submitted_details
        if person is None:
            values = {k: getattr(details, k) for k in SUBMITTED_FIELDS if k != "carer_name"}
            if without_nhs_number:
                values["nhs_number"] = None
            person = person_create(values=values, actor=actor, now=now, team=referral.team)
            if details.carer_name:
                carer_add(
                    person=person,
                    values={"name": details.carer_name, "relationship": "Carer (self-referral)"},
                    actor=actor,
                    now=now,
                )
            decision = SubmittedDetails.Decision.NEW
        else:
            decision = SubmittedDetails.Decision.EXISTING
        referral.person = person
        referral.save(update_fields=["person"])
        details.decision, details.decided_by, details.decided_at = decision, actor, now
        details.save(update_fields=["decision", "decided_by", "decided_at"])
        _event(
            referral,
            kind="referral.matched",
            summary=f"Referral {referral.reference}: {decision.label.lower()}",
            actor=actor,
            now=now,
            data={"decision": decision.value, "submitted_as": details.full_name},
        )
    return referral
