"""Evaluation and feedback actions: one function per change, each writing its rows and its
event (and, where someone is told, the inbox and outbox) in one transaction."""

import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from enablement.accounts.roles import Role
from enablement.casework.models import Episode, EpisodeStatus
from enablement.core.limits import refuse_too_long
from enablement.core.workdays import ENGLAND_AND_WALES
from enablement.feedback import rules
from enablement.feedback.models import (
    Audience,
    Channel,
    Evaluation,
    EvaluationAnswer,
    EvaluationLink,
    EvaluationQuestion,
    Feedback,
    FeedbackKind,
    FeedbackSettings,
    Incident,
    IncidentKind,
    PartnerFeedback,
    ReceivedHow,
    Theme,
)
from enablement.governance.services import record_event
from enablement.notifications.models import OutboxMessage
from enablement.notifications.services import notify


def current_procedure(service) -> FeedbackSettings | None:
    return FeedbackSettings.objects.filter(service=service).order_by("-version").first()


@transaction.atomic
def change_procedure(*, service, values: Mapping, change_note: str = "", actor, now: datetime):
    """A new version of the service's complaints procedure; open complaints keep theirs."""
    problems = rules.procedure_problems(dict(values))
    if problems:
        raise ValidationError(problems)
    fields = (
        "complaints_procedure",
        "complaints_email",
        "complaints_phone",
        "complaints_textphone",
    )
    refuse_too_long(FeedbackSettings, {k: values.get(k, "") for k in fields})
    before = current_procedure(service)
    version = FeedbackSettings.objects.create(
        service=service,
        version=(before.version + 1) if before else 1,
        created_at=now,
        created_by=actor if actor and actor.pk else None,
        change_note=change_note,
        **{k: values.get(k, "") for k in fields},
        acknowledge_working_days=values["acknowledge_working_days"],
        respond_working_days=values["respond_working_days"],
        sources=dict(values.get("sources") or {}),
    )
    record_event(
        kind="feedback.procedure_changed",
        summary=f"{service.code}: complaints procedure version {version.version}",
        actor=actor,
        now=now,
        service=service,
        data={"version": version.version},
    )
    return version


# --- The evaluation ----------------------------------------------------------------------------


def questions_for(service, audience: str) -> list[EvaluationQuestion]:
    return list(
        EvaluationQuestion.objects.filter(service=service, audience=audience, active=True).order_by(
            "position"
        )
    )


def _evaluation_event(episode, evaluation, actor, now) -> None:
    record_event(
        kind="feedback.evaluation_received",
        summary=f"{episode.referral.reference}: evaluation received "
        f"({evaluation.get_audience_display().lower()}, "
        f"{evaluation.get_channel_display().lower()})",
        actor=actor,
        now=now,
        person=episode.person,
        service=episode.service,
        referral=episode.referral,
        episode=episode,
        data={"evaluation": evaluation.pk, "channel": evaluation.channel},
    )


def _submit(*, episode, audience, channel, answers, actor, now) -> Evaluation:
    if audience not in Audience.values:
        raise ValidationError({"audience": "Say whose evaluation this is"})
    questions = questions_for(episode.service, audience)
    problems = rules.answer_problems(
        [rules.Question(q.pk, q.kind, q.text) for q in questions], dict(answers)
    )
    for q in questions:
        text = answers.get(q.pk)
        if q.kind == "text" and isinstance(text, str) and len(text) > 5000:
            problems[f"q{q.pk}"] = "Your answer must be 5,000 characters or fewer"
    if problems:
        raise ValidationError(problems)
    evaluation = Evaluation.objects.create(
        episode=episode,
        service=episode.service,
        audience=audience,
        channel=channel,
        submitted_at=now,
        recorded_by=actor if actor and actor.pk else None,
    )
    EvaluationAnswer.objects.bulk_create(
        EvaluationAnswer(
            evaluation=evaluation,
            question=q,
            rating=int(answers[q.pk]) if q.kind == "rating" else None,
            text="" if q.kind == "rating" else (answers.get(q.pk) or "").strip(),
        )
        for q in questions
    )
    _evaluation_event(episode, evaluation, actor, now)
    return evaluation


@transaction.atomic
def record_paper_evaluation(*, episode: Episode, audience: str, answers, actor, now):
    """Staff type in a paper evaluation the person or carer filled in."""
    return _submit(
        episode=episode,
        audience=audience,
        channel=Channel.PAPER,
        answers=answers,
        actor=actor,
        now=now,
    )


@transaction.atomic
def submit_in_portal(*, episode: Episode, audience: str, answers, actor, now):
    if episode.status != EpisodeStatus.CLOSED:
        raise ValidationError({"__all__": "The evaluation opens when the enablement has closed"})
    if Evaluation.objects.filter(
        episode=episode, audience=audience, recorded_by=actor, channel=Channel.PORTAL
    ).exists():
        raise ValidationError({"__all__": "You have already sent your evaluation. Thank you."})
    return _submit(
        episode=episode,
        audience=audience,
        channel=Channel.PORTAL,
        answers=answers,
        actor=actor,
        now=now,
    )


def make_link(*, episode: Episode, audience: str, now: datetime) -> tuple[EvaluationLink, str]:
    """A new single-use link; returns the row and the token (shown once, in the email)."""
    token = secrets.token_urlsafe(32)
    link = EvaluationLink.objects.create(
        episode=episode,
        audience=audience,
        token_hash=rules.hash_token(token),
        created_at=now,
        expires_at=now + timedelta(days=rules.LINK_VALID_DAYS),
    )
    return link, token


def link_url(token: str) -> str:
    base = settings.ENABLEMENT_BASE_URL.rstrip("/")
    return f"{base}{reverse('feedback:evaluation-link', args=[token])}"


def send_evaluation_links(*, episode: Episode, actor, now: datetime) -> int:
    """At an agreed closure whose evaluation was offered by link: one email to the person
    and one to each carer with an email address, each with its own single-use link. Called
    inside the closure's transaction. The email names no person and no service's case,
    only the service (the link itself is the secret). With no address, the worker is told
    to offer the portal or paper instead. Returns how many links were sent."""
    to = []
    if episode.person.email:
        to.append((Audience.PERSON, episode.person.email))
    to += [(Audience.CARER, c.email) for c in episode.person.carers.all() if c.email]
    for audience, email in to:
        link, token = make_link(episode=episode, audience=audience, now=now)
        expires = link.expires_at
        OutboxMessage.objects.create(
            referral=episode.referral,
            to_email=email,
            subject=f"{settings.ENABLEMENT_SERVICE_NAME}: tell us what you thought of your support",
            body=(
                f"Your support from {episode.service.name} has ended. Please tell us what "
                "you thought of it: it takes about five minutes and helps us improve.\n\n"
                f"{link_url(token)}\n\n"
                f"The link works once and until {timezone.localdate(expires):%-d %B %Y}. "
                "You do not need an account."
            ),
            created_at=now,
        )
    record_event(
        kind="feedback.evaluation_links_sent",
        summary=f"{episode.referral.reference}: evaluation link sent to {len(to)} "
        f"{'person' if len(to) == 1 else 'people'}",
        actor=actor,
        now=now,
        person=episode.person,
        service=episode.service,
        referral=episode.referral,
        episode=episode,
        data={"links": len(to)},
    )
    if not to:
        notify(
            users=[episode.worker.user],
            subject=f"Referral {episode.referral.reference}: no email for the evaluation link",
            body=f"{episode.person.full_name} has no email address recorded, so the "
            "evaluation link could not be sent. Offer the portal or a paper evaluation, "
            "and type the paper one in from the episode page.",
            now=now,
            referral=episode.referral,
        )
    return len(to)


def find_link(token: str) -> EvaluationLink | None:
    return (
        EvaluationLink.objects.select_related("episode__service", "episode__referral")
        .filter(token_hash=rules.hash_token(token or ""))
        .first()
    )


@transaction.atomic
def submit_by_link(*, token: str, answers, now: datetime) -> Evaluation:
    """The evaluation from a single-use link: the link row is locked, so two submissions at
    once make one evaluation; a used or expired link is refused."""
    found = find_link(token)
    if found is None:
        raise ValidationError({"__all__": "This link is not recognised"})
    link = EvaluationLink.objects.select_for_update().get(pk=found.pk)
    state = rules.link_state(expires_at=link.expires_at, used_at=link.used_at, now=now)
    if state == "used":
        raise ValidationError({"__all__": "This link has already been used"})
    if state == "expired":
        raise ValidationError({"__all__": "This link has expired"})
    evaluation = _submit(
        episode=found.episode,
        audience=link.audience,
        channel=Channel.LINK,
        answers=answers,
        actor=None,
        now=now,
    )
    link.used_at, link.evaluation = now, evaluation
    link.save(update_fields=["used_at", "evaluation"])
    return evaluation


@transaction.atomic
def tag_answer(*, answer: EvaluationAnswer, theme_ids, actor, now: datetime) -> None:
    themes = list(Theme.objects.filter(pk__in=list(theme_ids)))
    answer.themes.set(themes)
    episode = answer.evaluation.episode
    record_event(
        kind="feedback.themes_tagged",
        summary=f"Evaluation answer tagged: {', '.join(t.name for t in themes) or 'no themes'}",
        actor=actor,
        now=now,
        person=episode.person,
        service=answer.evaluation.service,
        episode=episode,
        data={"answer": answer.pk, "themes": [t.pk for t in themes]},
    )


# --- Compliments and complaints ----------------------------------------------------------------


def _managers(service):
    from enablement.closures.services import _people_with

    return _people_with(Role.PROVISION_MANAGER, services=service.pk)


def _team_seniors(team) -> list:
    from enablement.closures.services import _people_with

    return _people_with(Role.SENIOR, team=team.pk) if team is not None else []


@transaction.atomic
def receive_feedback(*, service, kind: str, values: Mapping, actor, now: datetime) -> Feedback:
    """A compliment or complaint, from the public form (actor None) or recorded by staff. A
    complaint gets its acknowledgement and response due dates now, from the service's
    current complaints procedure, and the provision managers are told."""
    summary = (values.get("summary") or "").strip()
    problems = {}
    if kind not in FeedbackKind.values:
        problems["kind"] = "Say whether this is a compliment or a complaint"
    if not summary:
        problems["summary"] = "Enter what they told us"
    if values.get("received_how") not in ReceivedHow.values:
        problems["received_how"] = "Say how it was received"
    if problems:
        raise ValidationError(problems)
    row = {
        "from_whom": values.get("from_whom") or "other",
        "from_name": (values.get("from_name") or "").strip(),
        "contact_email": (values.get("contact_email") or "").strip(),
        "contact_phone": (values.get("contact_phone") or "").strip(),
        "summary": summary,
    }
    refuse_too_long(Feedback, row)
    procedure = None
    due = None
    if kind == FeedbackKind.COMPLAINT:
        procedure = current_procedure(service)
        if procedure is None:
            raise ValidationError(
                {"__all__": f"{service.name} has no complaints procedure set up yet"}
            )
        due = rules.complaint_due(
            timezone.localdate(now),
            acknowledge_days=procedure.acknowledge_working_days,
            respond_days=procedure.respond_working_days,
            calendar=ENGLAND_AND_WALES,
        )
    feedback = Feedback.objects.create(
        service=service,
        kind=kind,
        received_at=now,
        received_how=values["received_how"],
        person=values.get("person"),
        recorded_by=actor if actor and actor.pk else None,
        procedure=procedure,
        acknowledge_due=due.acknowledge if due else None,
        respond_due=due.respond if due else None,
        **row,
    )
    label = feedback.get_kind_display().lower()
    record_event(
        kind=f"feedback.{kind}_received",
        summary=f"{service.code}: {label} received ({feedback.get_received_how_display().lower()})",
        actor=actor,
        now=now,
        person=feedback.person,
        service=service,
        data={"feedback": feedback.pk},
    )
    if kind == FeedbackKind.COMPLAINT:
        notify(
            users=_managers(service),
            subject=f"A complaint about {service.name}",
            body=f"A complaint was received on {timezone.localdate(now):%-d %B %Y}. "
            f"Acknowledge it by {due.acknowledge:%-d %B %Y} and respond by "
            f"{due.respond:%-d %B %Y}. Open Complaints and compliments to act on it.",
            now=now,
        )
    return feedback


def _open_complaint(feedback: Feedback) -> Feedback:
    locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if locked.kind != FeedbackKind.COMPLAINT:
        raise ValidationError({"__all__": "Only a complaint is acknowledged and answered"})
    return locked


@transaction.atomic
def acknowledge_complaint(*, feedback: Feedback, actor, now: datetime) -> Feedback:
    locked = _open_complaint(feedback)
    if locked.acknowledged_at is not None:
        raise ValidationError({"__all__": "This complaint has already been acknowledged"})
    locked.acknowledged_at, locked.acknowledged_by = now, actor
    locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
    record_event(
        kind="feedback.complaint_acknowledged",
        summary=f"{locked.service.code}: complaint acknowledged by {actor}",
        actor=actor,
        now=now,
        person=locked.person,
        service=locked.service,
        data={"feedback": locked.pk, "due": locked.acknowledge_due.isoformat()},
    )
    feedback.acknowledged_at, feedback.acknowledged_by = now, actor
    return locked


@transaction.atomic
def respond_to_complaint(*, feedback: Feedback, response: str, actor, now: datetime) -> Feedback:
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": "Enter the response"})
    refuse_too_long(Feedback, {"response": response})
    locked = _open_complaint(feedback)
    if locked.responded_at is not None:
        raise ValidationError({"__all__": "This complaint has already been answered"})
    if locked.acknowledged_at is None:
        # A response acknowledges it too: nobody has to click twice to close it.
        locked.acknowledged_at, locked.acknowledged_by = now, actor
    locked.response, locked.responded_at, locked.responded_by = response, now, actor
    locked.save(
        update_fields=[
            "acknowledged_at",
            "acknowledged_by",
            "response",
            "responded_at",
            "responded_by",
        ]
    )
    record_event(
        kind="feedback.complaint_answered",
        summary=f"{locked.service.code}: complaint answered by {actor}",
        actor=actor,
        now=now,
        person=locked.person,
        service=locked.service,
        data={"feedback": locked.pk, "due": locked.respond_due.isoformat()},
    )
    return locked


# --- Serious incidents and safeguarding concerns ------------------------------------------------


@transaction.atomic
def record_incident(
    *, kind: str, referral, episode=None, values: Mapping, actor, now: datetime
) -> Incident:
    """Recorded on an episode or a referral and told, in the same transaction, to the
    team's seniors and the service's provision managers."""
    description = (values.get("description") or "").strip()
    action_taken = (values.get("action_taken") or "").strip()
    occurred_on = values.get("occurred_on")
    problems = {}
    if kind not in IncidentKind.values:
        problems["kind"] = "Say whether this is a serious incident or a safeguarding concern"
    if not description:
        problems["description"] = "Enter what happened"
    if occurred_on is None:
        problems["occurred_on"] = "Enter the date it happened"
    elif occurred_on > timezone.localdate(now):
        problems["occurred_on"] = "The date it happened must be today or in the past"
    if problems:
        raise ValidationError(problems)
    refuse_too_long(Incident, {"description": description, "action_taken": action_taken})
    team = episode.team if episode is not None else referral.team
    incident = Incident.objects.create(
        kind=kind,
        service=referral.service,
        team=team,
        person=referral.person,
        episode=episode,
        referral=referral,
        occurred_on=occurred_on,
        description=description,
        action_taken=action_taken,
        recorded_at=now,
        recorded_by=actor,
    )
    label = incident.get_kind_display()
    record_event(
        kind=f"feedback.{kind}",
        summary=f"{referral.reference}: {label.lower()} recorded by {actor}",
        actor=actor,
        now=now,
        person=referral.person,
        service=referral.service,
        referral=referral,
        episode=episode,
        data={"incident": incident.pk},
    )
    notify(
        users=[*_team_seniors(team), *_managers(referral.service)],
        subject=f"Referral {referral.reference}: {label.lower()}",
        body=f"{actor} recorded a {label.lower()} about {referral.person.full_name} "
        f"({incident.occurred_on:%-d %B %Y}): {description}"
        + (f"\n\nWhat has been done: {action_taken}" if action_taken else ""),
        now=now,
        referral=referral,
    )
    return incident


# --- Partner agencies --------------------------------------------------------------------------


@transaction.atomic
def record_partner_feedback(*, service, values: Mapping, actor, now: datetime):
    agency = (values.get("agency") or "").strip()
    text = (values.get("feedback") or "").strip()
    problems = {}
    if not agency:
        problems["agency"] = "Enter the agency's name"
    if not text:
        problems["feedback"] = "Enter their feedback"
    if values.get("received_on") is None:
        problems["received_on"] = "Enter the date it was received"
    if problems:
        raise ValidationError(problems)
    refuse_too_long(PartnerFeedback, {"agency": agency, "feedback": text})
    row = PartnerFeedback.objects.create(
        service=service,
        agency=agency,
        received_on=values["received_on"],
        feedback=text,
        recorded_at=now,
        recorded_by=actor,
    )
    record_event(
        kind="feedback.partner_feedback",
        summary=f"{service.code}: feedback from {agency}",
        actor=actor,
        now=now,
        service=service,
        data={"partner_feedback": row.pk},
    )
    return row
