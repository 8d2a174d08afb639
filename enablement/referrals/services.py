"""One action function per change of a referral. Each checks the transition table, writes
the state, an event and the notifications in one transaction, and takes the acting user
and the time from its caller."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from enablement.accounts.roles import Role
from enablement.casework import selectors as casework_selectors
from enablement.catalogue.models import Service, ServiceSettings, Skill, Team
from enablement.core.batches import claim_batch, run_batches, unflushed_commit, with_ids
from enablement.core.limits import length_problems, refuse_too_long, too_long_message
from enablement.core.workdays import ENGLAND_AND_WALES
from enablement.governance.services import event_row, record_event, record_events
from enablement.notifications.services import Notice, email_person, notify, notify_many
from enablement.people.models import Person
from enablement.people.rules import age_on
from enablement.referrals import rules, selectors
from enablement.referrals.models import (
    Hold,
    Referral,
    ReferralReturn,
    RiskInformation,
    Screening,
    SubmittedDetails,
    TriageDecision,
    ValidationUndo,
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
    "previous_ended_typed",
    "ongoing_cmh_social_work",
    "diagnosed_need",
    "eligible_needs",
    "preventative_entitlement",
    "residence_override_reason",
    "face_to_face_assessment",
    "eligibility_assessed_on",
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
    "contact_method",
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


def _move_clock(referral: Referral) -> None:
    """Writes the screening due date the referral's (new) status and receipt give it, by its
    own settings version and the working-day calendar (ADR 0032). Every action that changes
    the status or the receipt calls it before saving, in its transaction, so the stored date
    is right without any job having run."""
    referral.screening_due = rules.stored_screening_due(
        referral.status,
        referral.service_settings,
        timezone.localdate(referral.received_at),
        ENGLAND_AND_WALES,
    )


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
    for field, problem in _eligibility_question_problems(settings, values, person, today).items():
        problems.setdefault(field, problem)
    if age_on(person.date_of_birth, today) < settings.min_age:
        problems["date_of_birth"] = (
            f"{person.full_name} is {age_on(person.date_of_birth, today)}: this service is for "
            f"people aged {settings.min_age} and over"
        )
    previous = values.get("previous_ended_on")
    if values.get("previous_ended_typed") and previous is not None and previous > today:
        # Also keeps absurd years away from the month arithmetic of the window.
        problems["previous_ended_on"] = "The last enablement cannot have ended in the future"
        previous = None
    refused = rules.re_referral_problem(
        settings,
        last_ended_on=previous,
        submitted_on=today,
        changed_needs_statement=values.get("changed_needs_statement") or "",
    )
    if refused is not None:
        problems[refused.field] = refused.message
    return problems


def previous_end(
    *, service: Service, settings, person: Person | None, typed: date | None, now: datetime
) -> dict:
    """When the person's last enablement with the service ended, as the referral stores it:
    `previous_ended_on` and `previous_ended_typed`.

    Read from the product's own closed episodes of the service (seed 000 §9) whenever it
    holds one, and then a typed date is ignored. Only when it holds none may the referrer's
    typed date stand, for an enablement before this system, marked as typed."""
    ended = casework_selectors.last_enablement_end(
        person.pk if person is not None else None,
        selectors.re_referral_services(service, settings),
        before=now,
    )
    if ended is not None:
        return {"previous_ended_on": ended, "previous_ended_typed": False}
    return {"previous_ended_on": typed, "previous_ended_typed": typed is not None}


def _residence(values: dict, person: Person) -> rules.Residence:
    return rules.Residence(person.postcode, values.get("residence_override_reason") or "")


def _eligibility_question_problems(settings, values: dict, person: Person, today: date) -> dict:
    """Ordinary residence (seed 000 §1) and the eligibility assessment's date (seed 000 §5).
    A public submission names no record, so has no postcode here: the admin's match does."""
    problems = {}
    if (refusal := rules.residence_refusal(settings, _residence(values, person))) is not None:
        problems["residence_override_reason"] = refusal
    assessed_on = values.get("eligibility_assessed_on")
    if (problem := rules.assessed_on_problem(assessed_on, person.date_of_birth, today)) is not None:
        problems["eligibility_assessed_on"] = problem
    return problems


def _residence_event_data(values: dict) -> dict:
    """That a referral outside the area was made with a reason; the reason itself stays on
    the referral (which retention can blank), not in the append-only timeline."""
    return (
        {"residence_override": True}
        if (values.get("residence_override_reason") or "").strip()
        else {}
    )


_REFERRAL_TEXTS = (
    "work_requested",
    "intended_outcomes",
    "changed_needs_statement",
    "residence_override_reason",
)


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
    if team is not None and not team.active:
        raise ValidationError({"team": f"{team.name} is not taking referrals: choose another team"})
    current = casework_selectors.open_enablement(
        person.pk if person is not None else None,
        selectors.re_referral_services(service, settings),
    )
    if current is not None:
        # Seed 000 §9: a further enablement is considered only after one has finished.
        raise ValidationError(
            {
                "__all__": f"{person.full_name} is already being supported by "
                f"{current.service.name}, allocated on {current.allocated_at:%-d %B %Y}: "
                "a new referral can be made once that enablement has ended"
            }
        )
    values = values | previous_end(
        service=service,
        settings=settings,
        person=person,
        typed=values.get("previous_ended_on"),
        now=now,
    )
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
            # The clock starts on receipt (ADR 0032).
            screening_due=rules.stored_screening_due(
                Status.SUBMITTED, settings, timezone.localdate(now), ENGLAND_AND_WALES
            ),
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
            data=_residence_event_data(values),
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
    *,
    referral: Referral,
    missing: list[str],
    note: str,
    actor,
    now: datetime,
    person_told_by: str = "",
) -> Referral:
    """Back to whoever made the referral, with what is missing. A public submission has no
    referrer with an inbox: the admin says how the person is told (`person_told_by`), by an
    email sent from here or by recording that they phoned or wrote (issue 10 item 8)."""
    known = dict(rules.CHECKLIST)
    if not missing:
        raise ValidationError({"missing": "Select what is missing or wrong"})
    unknown = [m for m in missing if m not in known]
    if unknown:
        raise ValidationError({"missing": f"Not on the checklist: {', '.join(unknown)}"})
    refuse_too_long(ReferralReturn, {"note": note})
    details = SubmittedDetails.objects.filter(referral=referral).first()
    _check_person_told(referral, details, person_told_by)
    with transaction.atomic():
        referral = _locked(referral)
        referral.status = _transition(referral, Action.RETURN)
        _move_clock(referral)
        referral.save(update_fields=["screening_due", "status"])
        ReferralReturn.objects.create(
            referral=referral,
            missing=missing,
            note=note,
            returned_by=actor,
            returned_at=now,
            person_told_by=person_told_by if details else "",
        )
        reasons = "\n".join(f"- {known[m]}" for m in missing)
        _event(
            referral,
            kind="referral.returned",
            summary=f"Referral {referral.reference} returned: {len(missing)} to correct",
            actor=actor,
            now=now,
            data={"missing": missing} | ({"person_told_by": person_told_by} if details else {}),
        )
        if details and person_told_by == rules.TOLD_BY_EMAIL:
            email_person(
                to_email=details.email,
                body=rules.returned_email(
                    referral.reference, missing, referral.service.contact_phone
                ),
                referral=referral,
                now=now,
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
    typed = merged["previous_ended_on"] if "previous_ended_on" in values else None
    if "previous_ended_on" not in values and referral.previous_ended_typed:
        typed = referral.previous_ended_on
    merged |= previous_end(
        service=referral.service, settings=settings, person=referral.person, typed=typed, now=now
    )
    problems = submission_problems(
        settings=settings,
        values=merged,
        risks=risks,
        # Not yet matched, a public submission is judged on what the form said.
        person=referral.person or _submitted_person(referral),
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
        _move_clock(referral)
        referral.save()
        _write_risks(referral, risks)
        referral.returns.filter(resubmitted_at__isnull=True).update(resubmitted_at=now)
        _event(
            referral,
            kind="referral.resubmitted",
            summary=f"Referral {referral.reference} corrected and resubmitted",
            actor=actor,
            now=now,
            data=_residence_event_data(merged),
        )
        notify(
            users=team_people(referral.team, referral.service, Role.ADMIN),
            subject=f"Referral {referral.reference} resubmitted",
            body=f"The referral of {referral.person_name} has been corrected.",
            referral=referral,
            now=now,
        )
    return referral


def validate_referral(
    *,
    referral: Referral,
    actor,
    now: datetime,
    case_system_requested_on: date | None = None,
    case_system_confirmed_on: date | None = None,
    case_system_already_open: bool = False,
) -> Referral:
    """The admin's validation. Where the referral's settings have the case-system step (seed
    000 process overview), it records the date the admin asked for the person to be opened to
    the locality team with a named social worker (and the date confirmed, if known), or that
    they are already open; elsewhere the case-system arguments must be left out."""
    with transaction.atomic():
        referral = _locked(referral)
        if referral.awaiting_match:
            raise ValidationError(
                {"__all__": "Match the person to a record (or record them as new) first"}
            )
        step = rules.case_system_at_validation(
            step=referral.service_settings.case_system_step,
            requested_on=case_system_requested_on,
            confirmed_on=case_system_confirmed_on,
            already_open=case_system_already_open,
            received_on=_received_on(referral),
            today=timezone.localdate(now),
        )
        if step.problems:
            raise ValidationError(dict(step.problems))
        referral.status = _transition(referral, Action.VALIDATE)
        referral.validated_at = now
        referral.case_system_requested_on = step.requested_on
        referral.case_system_confirmed_on = step.confirmed_on
        _move_clock(referral)
        referral.save(
            update_fields=[
                "status",
                "screening_due",
                "validated_at",
                "case_system_requested_on",
                "case_system_confirmed_on",
            ]
        )
        _event(
            referral,
            kind="referral.validated",
            summary=f"Referral {referral.reference} validated",
            actor=actor,
            now=now,
        )
        if case_system_already_open:
            _case_system_event(referral, "already_open", actor=actor, now=now)
        else:
            if step.requested_on is not None:
                _case_system_event(referral, "requested", actor=actor, now=now)
            if step.confirmed_on is not None:
                _case_system_event(referral, "confirmed", actor=actor, now=now)
    return referral


def undo_validation(*, referral: Referral, reason: str, actor, now: datetime) -> Referral:
    """The admin takes back a validation made by mistake, before screening starts: the
    referral is submitted again, in the admin's queue, with the reason kept on a row.

    The case-system dates recorded at validation are kept: asking the locality team to open
    the person happened outside this system and undoing the validation does not take it back.
    Validating again offers them on the validation page and records what the admin then
    gives."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the validation is undone"})
    refuse_too_long(ValidationUndo, {"reason": reason})
    with transaction.atomic():
        referral = _locked(referral)
        problem = rules.undo_validation_problem(
            selectors.validation_facts(referral), routing=referral.service_settings.routing
        )
        if problem:
            raise ValidationError({"__all__": problem})
        referral.status = _transition(referral, Action.UNDO_VALIDATE)
        validated_at, referral.validated_at = referral.validated_at, None
        _move_clock(referral)
        referral.save(update_fields=["screening_due", "status", "validated_at"])
        ValidationUndo.objects.create(
            referral=referral,
            reason=reason,
            validated_at=validated_at,
            undone_by=actor,
            undone_at=now,
        )
        _event(
            referral,
            kind="referral.validation_undone",
            # The reason stays on the row, which retention can blank (see route_referral).
            summary=f"Referral {referral.reference}: validation undone, back with the admin",
            actor=actor,
            now=now,
        )
    return referral


def _received_on(referral: Referral) -> date:
    """The day the referral first reached the service: nothing about it happened before."""
    return timezone.localdate(referral.first_submitted_at or referral.received_at)


_CASE_SYSTEM = "to the locality team with a named social worker on the case system"


def _case_system_event(referral: Referral, kind: str, *, actor, now: datetime) -> None:
    """One event for each part of the step: asked, confirmed, or found already open."""
    asked, confirmed = referral.case_system_requested_on, referral.case_system_confirmed_on
    if kind == "requested":
        summary = f"asked on {asked:%-d %B %Y} for the person to be opened {_CASE_SYSTEM}"
    elif kind == "confirmed":
        summary = f"confirmed on {confirmed:%-d %B %Y} that the person is open {_CASE_SYSTEM}"
    else:
        summary = f"the person is already open {_CASE_SYSTEM}"
    _event(
        referral,
        kind=f"referral.case_system_{kind}",
        summary=f"Referral {referral.reference}: {summary}",
        actor=actor,
        now=now,
        data={
            "requested_on": asked.isoformat() if asked else None,
            "confirmed_on": confirmed.isoformat() if confirmed else None,
        },
    )


def confirm_case_system(
    *, referral: Referral, confirmed_on: date | None, actor, now: datetime
) -> Referral:
    """The admin records the day the case system confirmed the person is open to the
    locality team with a named social worker, after asking at validation."""
    with transaction.atomic():
        referral = _locked(referral)
        problem = rules.case_system_confirmation_problem(
            step=referral.has_case_system_step,
            requested_on=referral.case_system_requested_on,
            confirmed_already=referral.case_system_confirmed_on,
            confirmed_on=confirmed_on,
            received_on=_received_on(referral),
            today=timezone.localdate(now),
        )
        if problem:
            raise ValidationError({"confirmed_on": problem})
        referral.case_system_confirmed_on = confirmed_on
        referral.save(update_fields=["case_system_confirmed_on"])
        _case_system_event(referral, "confirmed", actor=actor, now=now)
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
    desktop_check_complete: bool = False,
    complex_features: list[str] = (),
    risk_notes: str = "",
    not_appropriate: list[str] = (),
    appropriate_factors: list[str] = (),
    needs_met_within_length: bool = False,
) -> Referral:
    """A triage panel's screening and decision (seed 001 §10): the desktop check, the risk
    screening tool, the service's factors and whether the needs can be met safely within
    its length, kept as the panel referral's screening; then either one of its enablement
    services takes the referral as screened and accepted (`hand_on`: on the chosen team's
    waiting list at this moment, nothing typed or screened again), or it goes to an
    outside service, recorded with the reason."""
    if not reason.strip():
        raise ValidationError({"reason": "Record the reason for the panel's decision"})
    refuse_too_long(TriageDecision, {"reason": reason, "outside_service": outside_service})
    refuse_too_long(Screening, {"risk_notes": risk_notes})
    if destination is None and not outside_service.strip():
        raise ValidationError({"destination": "Select a service, or name the outside service"})
    if destination is not None:
        if destination.code not in referral.service_settings.route_destinations:
            raise ValidationError({"destination": f"The panel does not route to {destination}"})
        if team is None or team.service_id != destination.pk:
            raise ValidationError({"team": f"Select a team of {destination.name}"})
    settings = referral.service_settings
    known_features = {code for code, _ in rules.COMPLEX_FEATURES}
    for field, ticked, known in (
        ("complex_features", complex_features, known_features),
        ("not_appropriate", not_appropriate, set(settings.not_appropriate_factors)),
        ("appropriate_factors", appropriate_factors, set(settings.appropriate_factors)),
    ):
        if unknown := set(ticked) - known:
            raise ValidationError(
                {field: f"Not one of this service's questions: {', '.join(sorted(unknown))}"}
            )
    verdict = referral_eligibility(
        referral,
        on=timezone.localdate(now),
        not_appropriate=not_appropriate,
        appropriate_factors=None,
    )
    problems = rules.panel_route_problems(
        settings,
        to_enablement=destination is not None,
        desktop_check_complete=desktop_check_complete,
        needs_met_within_length=needs_met_within_length,
        not_appropriate=not_appropriate,
        verdict=verdict,
    )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        referral = _locked(referral)
        referral.status = _transition(referral, Action.TRIAGE_ROUTE)
        referral.decided_at = now
        referral.decision_reason = reason
        _move_clock(referral)
        referral.save(update_fields=["screening_due", "status", "decided_at", "decision_reason"])
        Screening.objects.create(
            referral=referral,
            desktop_check_complete=desktop_check_complete,
            complex_features=list(complex_features),
            risk_notes=risk_notes,
            not_appropriate=list(not_appropriate),
            appropriate_factors=list(appropriate_factors),
            eligibility=verdict.outcome,
            eligibility_reasons=list(verdict.reasons),
            # Accepted for enablement, or not: enablement is not the right service.
            decision="accept" if destination is not None else "decline",
            reason=reason,
            screened_by=actor,
            screened_at=now,
        )
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
            data={
                "created": created.pk if created else None,
                "eligibility": verdict.outcome,
                "desktop_check_complete": desktop_check_complete,
                # Seed 001 §10: the panel confirmed the needs can be met safely in the length.
                "needs_met_within_weeks": settings.length_weeks
                if needs_met_within_length
                else None,
            },
        )
        if created is not None:
            _tell_social_worker(
                referral,
                f"Referral {referral.reference} accepted for {destination.name}",
                f"The {referral.service.name} panel has screened and accepted the referral "
                f"of {referral.person_name} for {destination.name} ({team.name}), where it "
                f"waits to be allocated to a worker as {created.reference}. Reason: {reason}",
                now,
            )
        else:
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
        _move_clock(referral)
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


def _check_factors(referral: Referral, not_appropriate, appropriate_factors) -> None:
    """The screener's eligibility answers name only the service's own factors."""
    settings = referral.service_settings
    unknown = set(not_appropriate) - set(settings.not_appropriate_factors)
    if unknown:
        raise ValidationError(
            {"not_appropriate": f"Not one of this service's reasons: {', '.join(sorted(unknown))}"}
        )
    unknown = set(appropriate_factors) - set(settings.appropriate_factors)
    if unknown:
        raise ValidationError(
            {
                "appropriate_factors": "Not one of this service's factors: "
                + ", ".join(sorted(unknown))
            }
        )


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
    appropriate_factors: list[str] = (),
    concern: str = "",
) -> Referral:
    """The senior's screening, on one page: the desktop check, the risk screening tool,
    eligibility and the decision (accept, decline, not ready, or a hold asking the named
    social worker `concern`). `appropriate_factors` are the service's "factors which would
    indicate that a referral to the service would be appropriate" (seed 000 §5, seed 001 §6)
    that the screener confirms; each one not confirmed asks for judgement, so accepting then
    needs a reason. Every problem with the answers is raised at once. Whatever the decision,
    the answers are kept on a screening of the referral."""
    skills = list(Skill.objects.filter(code__in=set(skills_needed)))
    unknown_skills = set(skills_needed) - {s.code for s in skills}
    if unknown_skills:
        raise ValidationError(
            {"skills_needed": f"Not a skill we record: {', '.join(sorted(unknown_skills))}"}
        )
    _check_factors(referral, not_appropriate, appropriate_factors)
    refuse_too_long(Screening, {"risk_notes": risk_notes, "reason": reason})
    refuse_too_long(Hold, {"concern": concern})
    settings = referral.service_settings
    today = timezone.localdate(now)
    verdict = referral_eligibility(
        referral, on=today, not_appropriate=not_appropriate, appropriate_factors=appropriate_factors
    )
    refused = None
    if decision == "accept":
        # Read again: the person may have been matched, or an episode closed, since.
        previous = previous_end(
            service=referral.service,
            settings=settings,
            person=referral.person,
            typed=referral.previous_ended_on if referral.previous_ended_typed else None,
            now=referral.received_at,
        )
        refusal = rules.re_referral_problem(
            settings,
            last_ended_on=previous["previous_ended_on"],
            submitted_on=timezone.localdate(referral.received_at),
            changed_needs_statement=referral.changed_needs_statement,
        )
        refused = refusal.message if refusal is not None else None
    problems = rules.screening_problems(
        decision,
        desktop_check_complete=desktop_check_complete,
        reason=reason,
        concern=concern,
        verdict=verdict,
        refused=refused,
        holds_allowed=settings.complex_risk_hold,
    )
    if problems:
        raise ValidationError(problems)
    if decision == "hold":
        return hold_referral(
            referral=referral,
            concern=concern,
            actor=actor,
            now=now,
            desktop_check_complete=desktop_check_complete,
            complex_features=complex_features,
            risk_notes=risk_notes,
            not_appropriate=not_appropriate,
            appropriate_factors=appropriate_factors,
        ).referral
    with transaction.atomic():
        referral = _locked(referral)
        referral.status = _transition(referral, DECISION_ACTIONS[decision])
        referral.decided_at = now
        referral.decision_reason = reason
        _move_clock(referral)
        referral.save(update_fields=["screening_due", "status", "decided_at", "decision_reason"])
        Screening.objects.create(
            referral=referral,
            desktop_check_complete=desktop_check_complete,
            complex_features=complex_features,
            risk_notes=risk_notes,
            not_appropriate=not_appropriate,
            # In the service's order, whatever order they came in.
            appropriate_factors=[
                f for f in referral.service_settings.appropriate_factors if f in appropriate_factors
            ],
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
            data={
                "eligibility": verdict.outcome,
                "appropriate_factors_confirmed": len(set(appropriate_factors)),
                "appropriate_factors_asked": len(referral.service_settings.appropriate_factors),
            },
        )
        _tell_social_worker(
            referral,
            f"Referral {referral.reference}: {label.lower()}",
            f"The referral of {referral.person_name} to {referral.service.name} has been "
            f"screened: {label.lower()}.{(' Reason: ' + reason) if reason else ''}",
            now,
        )
    return referral


def referral_eligibility(
    referral: Referral, *, on, not_appropriate=(), appropriate_factors=()
) -> rules.EligibilityDecision:
    """The eligibility rules on what the referral says and the screener's answers: one
    reading for the senior's screening, the panel's and a hold. `appropriate_factors` None
    leaves that question out (the panel records the factors as indications only). A public
    submission not yet matched has no record, so its age and diagnosis are not known."""
    person = referral.person
    return rules.eligibility(
        referral.service_settings,
        date_of_birth=person.date_of_birth if person else None,
        on=on,
        diagnosis_category=person.primary_diagnosis if person else None,
        ongoing_cmh_social_work=referral.ongoing_cmh_social_work,
        diagnosed_need=referral.diagnosed_need,
        eligible_needs=referral.eligible_needs,
        preventative_entitlement=referral.preventative_entitlement,
        not_appropriate=list(not_appropriate),
        residence=rules.Residence(
            person.postcode if person else None, referral.residence_override_reason
        ),
        needs_assessment=rules.NeedsAssessment(
            referral.face_to_face_assessment, referral.eligibility_assessed_on
        ),
        appropriate_factors=None if appropriate_factors is None else list(appropriate_factors),
    )


def hold_referral(
    *,
    referral: Referral,
    concern: str,
    actor,
    now: datetime,
    desktop_check_complete: bool = False,
    complex_features: Sequence[str] = (),
    risk_notes: str = "",
    not_appropriate: Sequence[str] = (),
    appropriate_factors: Sequence[str] = (),
) -> Hold:
    """The senior puts a referral on hold for complex risk and asks the named social worker.
    The desktop check, the risk screening tool's and the eligibility answers given with it
    are kept on a screening with the decision "hold", so nothing the senior found is lost:
    the screening page offers them again once the social worker has answered."""
    if not referral.service_settings.complex_risk_hold:
        raise ValidationError({"__all__": f"{referral.service.name} does not use holds"})
    if not concern.strip():
        raise ValidationError({"concern": "Describe the risk concern for the social worker"})
    refuse_too_long(Hold, {"concern": concern})
    refuse_too_long(Screening, {"risk_notes": risk_notes})
    unknown = set(complex_features) - set(rules.COMPLEX_FEATURE_LABELS)
    if unknown:
        raise ValidationError(
            {"complex_features": "Select complex-case features from the risk screening tool"}
        )
    _check_factors(referral, not_appropriate, appropriate_factors)
    with transaction.atomic():
        referral = _locked(referral)
        referral.status = _transition(referral, Action.HOLD)
        _move_clock(referral)
        referral.save(update_fields=["screening_due", "status"])
        verdict = referral_eligibility(
            referral,
            on=timezone.localdate(now),
            not_appropriate=not_appropriate,
            appropriate_factors=appropriate_factors,
        )
        screening = Screening.objects.create(
            referral=referral,
            desktop_check_complete=desktop_check_complete,
            # In the tool's order, whatever order they came in.
            complex_features=[c for c, _ in rules.COMPLEX_FEATURES if c in complex_features],
            risk_notes=risk_notes,
            not_appropriate=list(not_appropriate),
            appropriate_factors=[
                f for f in referral.service_settings.appropriate_factors if f in appropriate_factors
            ],
            eligibility=verdict.outcome,
            eligibility_reasons=list(verdict.reasons),
            decision="hold",
            screened_by=actor,
            screened_at=now,
        )
        started_on = timezone.localdate(now)
        until = rules.hold_expires_after(referral.service_settings, started_on, ENGLAND_AND_WALES)
        hold = Hold.objects.create(
            referral=referral,
            concern=concern,
            started_at=now,
            started_on=started_on,
            started_by=actor,
            expires_on=until,
        )
        _event(
            referral,
            kind="referral.on_hold",
            summary=f"Referral {referral.reference} on hold: complex risk",
            actor=actor,
            now=now,
            data={"hold": hold.pk, "screening": screening.pk},
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
        _move_clock(referral)
        referral.save(update_fields=["screening_due", "status"])
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


HOLD_EXPIRED_REASON = (
    "Not ready for enablement: the named social worker did not answer the risk "
    "concern in time. The person remains open to the named social worker."
)
SWEEP_BATCH = 2000


SWEEP_WINDOW = 100_000


def due_holds(today: date):
    """Open holds past their last day, in id order. The stored last day (written when the
    hold started) picks them in SQL, through the index of open holds (`hold_open_expires`);
    `rules.hold_has_expired` is the same rule, read from the row."""
    return Hold.objects.filter(
        answered_at__isnull=True, expired_at__isnull=True, expires_on__lt=today
    ).order_by("pk")


def expire_holds(
    *,
    now: datetime,
    batch_size: int = SWEEP_BATCH,
    window: int = SWEEP_WINDOW,
    workers: int | None = None,
) -> int:
    """Close every hold whose time has run out. Set-based (ADR 0038): the due holds are
    claimed `batch_size` at a time with their referrals, under row locks that skip rows
    another transaction holds, acted on in bulk and committed per batch, by up to `workers`
    connections side by side (settings.SWEEP_WORKERS; see core.batches.run_batches). Safe
    to run again and at the same time: a hold is closed only while it is still open, under
    its lock, so nothing is closed or sent twice."""
    today = timezone.localdate(now)
    closed = 0
    last = 0
    # Every settings version a batch may need, read once here: the batches share them.
    versions = {version.pk: version for version in ServiceSettings.objects.all()}
    due = due_holds(today)

    def expire_batch(ids: list[int]) -> int:
        with transaction.atomic():
            unflushed_commit()
            # Claimed by id alone, then checked still due under the lock, so a hold
            # another sweep closed or a person answered meanwhile is left alone; one locked
            # elsewhere is skipped, for the next run. (With the "due" conditions in the
            # claim, PostgreSQL's statistics, stale while a sweep closes a hundred thousand
            # holds, sent it through every open hold's index entry for every batch.) Only
            # the hold and its referral are joined: the claim locks every row it reads.
            rows = claim_batch(
                with_ids(Hold.objects, ids)
                .order_by("pk")
                .values_list("answered_at", "expired_at", "expires_on", *_CLAIMED),
                batch_size=len(ids),
            )
            held = [
                _ClaimedHold(*row[3:])
                for row in rows
                if row[0] is None and row[1] is None and row[2] is not None and row[2] < today
            ]
            return _expire_claimed(held, versions, now) if held else 0

    while True:
        # The ids first, up to `window` of them, unlocked, in one read: then each batch is
        # claimed by id, a look-up by primary key. Claiming "the next due rows in id order"
        # instead made PostgreSQL gather and sort every due hold again for every batch.
        ids = list(due.filter(pk__gt=last).values_list("pk", flat=True)[:window])
        if not ids:
            return closed
        last = ids[-1]
        batches = [ids[i : i + batch_size] for i in range(0, len(ids), batch_size)]
        closed += sum(run_batches(expire_batch, batches, workers=workers))


_CLAIMED = (
    "pk",
    "referral_id",
    "referral__reference",
    "referral__status",
    "referral__received_at",
    "referral__service_settings_id",
    "referral__person_id",
    "referral__service_id",
    "referral__named_social_worker_id",
    "referral__referrer_id",
)


@dataclass(frozen=True)
class _ClaimedHold:
    """A due hold and what closing it reads of its referral."""

    pk: int
    referral_id: int
    reference: str
    status: str
    received_at: datetime
    service_settings_id: int
    person_id: int | None
    service_id: int
    named_social_worker_id: int | None
    referrer_id: int | None


def _expire_claimed(held: list[_ClaimedHold], versions: dict, now: datetime) -> int:
    """What closing one hold writes (see `answer_hold` for one at a time), for a batch of
    locked open holds, one statement per table: the referrals closed not ready (grouped by
    the status and stored date they move to), the holds marked expired, a message to each
    referral's named social worker and referrer, and one event each."""
    moves: dict[tuple, list[int]] = {}
    events, notices = [], []
    for hold in held:
        version = versions[hold.service_settings_id]
        try:
            status = rules.next_status(
                Status(hold.status), Action.EXPIRE_HOLD, routing=version.routing
            )
        except rules.TransitionNotAllowed as exc:
            raise ValidationError({"__all__": str(exc)}) from exc
        # As `_move_clock` does for one referral.
        due = rules.stored_screening_due(
            status, version, timezone.localdate(hold.received_at), ENGLAND_AND_WALES
        )
        moves.setdefault((status, due), []).append(hold.referral_id)
        events.append(
            event_row(
                kind="referral.hold_expired",
                summary=f"Referral {hold.reference} closed: not ready for enablement (no "
                "answer to the hold)",
                actor=None,
                now=now,
                person_id=hold.person_id,
                service_id=hold.service_id,
                referral_id=hold.referral_id,
                data={"referral": hold.referral_id, "hold": hold.pk},
            )
        )
        notices.append(
            Notice(
                user_ids=(hold.named_social_worker_id, hold.referrer_id),
                subject=f"Referral {hold.reference} closed",
                body=HOLD_EXPIRED_REASON,
                referral_id=hold.referral_id,
                reference=hold.reference,
            )
        )
    for (status, due), pks in moves.items():
        with_ids(Referral.objects, pks).update(
            status=status, decided_at=now, decision_reason=HOLD_EXPIRED_REASON, screening_due=due
        )
    with_ids(Hold.objects, [hold.pk for hold in held]).update(expired_at=now)
    notify_many(notices, now=now)
    record_events(events)  # last: it takes the event chain's head (governance.services)
    return len(held)


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


# --- Self-referral hand-offs (issue 10 item 8) ----------------------------------------------


def _check_person_told(referral: Referral, details, person_told_by: str) -> None:
    if details is None:
        if person_told_by:
            raise ValidationError(
                {"person_told_by": "The referrer is told in their inbox: nothing to choose"}
            )
        return
    problem = rules.person_told_problem(
        person_told_by, email=details.email, service_phone=referral.service.contact_phone
    )
    if problem:
        raise ValidationError({"person_told_by": problem})


def _submitted_person(referral: Referral) -> Person:
    """What a public form said about the person, as an unsaved record for the rules to read;
    it is never written."""
    details = referral.submitted_details
    return Person(
        given_name=details.given_name,
        family_name=details.family_name,
        date_of_birth=details.date_of_birth,
        primary_diagnosis=details.primary_diagnosis,
    )


def withdraw_referral(*, referral: Referral, reason: str, actor, now: datetime) -> Referral:
    """The referral ends before a decision, with the reason: the referrer withdraws their
    own, and the service admin withdraws a self-referral on the person's behalf (the person
    has no account), for example when they say on the phone that they no longer want it."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the referral is withdrawn"})
    refuse_too_long(Referral, {"decision_reason": reason}, names={"decision_reason": "reason"})
    with transaction.atomic():
        referral = _locked(referral)
        referral.status = _transition(referral, Action.WITHDRAW)
        referral.decided_at = now
        referral.decision_reason = reason
        _move_clock(referral)
        referral.save(update_fields=["screening_due", "status", "decided_at", "decision_reason"])
        _event(
            referral,
            kind="referral.withdrawn",
            # The reason stays on the referral, which retention can blank (see route_referral).
            summary=f"Referral {referral.reference} withdrawn",
            actor=actor,
            now=now,
        )
        others = [
            u
            for u in [
                *team_people(referral.team, referral.service, Role.ADMIN),
                referral.referrer,
                referral.named_social_worker,
            ]
            if u is not None and u.pk != getattr(actor, "pk", None)
        ]
        notify(
            users=others,
            subject=f"Referral {referral.reference} withdrawn",
            body=f"The referral of {referral.person_name} was withdrawn. Reason: {reason}",
            referral=referral,
            now=now,
        )
    return referral


def recompute_deadlines(*, batch_size: int = 2000) -> tuple[int, int]:
    """Rewrites every stored screening due date and every open hold's last day from the
    rule, the row's own settings version and today's working-day calendar: for after the
    bank-holiday calendar or a settings version is corrected (ADR 0032). Reads and writes
    `batch_size` rows at a time, each batch in its own transaction, the rows locked; safe to
    run again (a second run changes nothing). Returns (rows checked, rows changed)."""
    checked = changed = 0
    settings_by_id: dict = {}

    def settings_of(version_id):
        if version_id not in settings_by_id:
            settings_by_id[version_id] = ServiceSettings.objects.get(pk=version_id)
        return settings_by_id[version_id]

    # A referral whose clock runs, or whose stored date should have been cleared.
    stored = Q(status__in=rules.SCREENING_CLOCK_STATUSES) | Q(screening_due__isnull=False)
    last = 0
    while True:
        with transaction.atomic():
            batch = list(
                Referral.objects.select_for_update()
                .filter(stored, pk__gt=last)
                .order_by("pk")
                .only("pk", "status", "received_at", "service_settings_id", "screening_due")[
                    :batch_size
                ]
            )
            if not batch:
                break
            last = batch[-1].pk
            moved = []
            for referral in batch:
                want = rules.stored_screening_due(
                    referral.status,
                    settings_of(referral.service_settings_id),
                    timezone.localdate(referral.received_at),
                    ENGLAND_AND_WALES,
                )
                if want != referral.screening_due:
                    referral.screening_due = want
                    moved.append(referral)
            Referral.objects.bulk_update(moved, ["screening_due"])
        checked += len(batch)
        changed += len(moved)
    last = 0
    while True:
        with transaction.atomic():
            batch = list(
                Hold.objects.select_for_update(of=("self",))
                .filter(answered_at__isnull=True, expired_at__isnull=True, pk__gt=last)
                .select_related("referral")
                .order_by("pk")
                .only("pk", "started_on", "expires_on", "referral__service_settings_id")[
                    :batch_size
                ]
            )
            if not batch:
                break
            last = batch[-1].pk
            moved = []
            for hold in batch:
                want = rules.stored_hold_expiry(
                    settings_of(hold.referral.service_settings_id),
                    hold.started_on,
                    ENGLAND_AND_WALES,
                )
                if want != hold.expires_on:
                    hold.expires_on = want
                    moved.append(hold)
            Hold.objects.bulk_update(moved, ["expires_on"])
        checked += len(batch)
        changed += len(moved)
    return checked, changed
