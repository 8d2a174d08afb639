"""Reads of evaluation and feedback, scoped through the access door. The rows are for the
services `access.feedback_services` gives the user; the counts at the end are aggregates for
the dashboard, which scopes its own services (a commissioner sees those)."""

from datetime import date, datetime, time

from django.db.models import Avg, Count, Q
from django.utils import timezone

from enablement.accounts import access
from enablement.casework.models import EpisodeStatus
from enablement.feedback.models import (
    Channel,
    Evaluation,
    EvaluationAnswer,
    Feedback,
    FeedbackKind,
    Incident,
    PartnerFeedback,
    QuestionKind,
)
from enablement.governance import reads


def _start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def _between(field: str, start: date | None, end: date | None) -> Q:
    """[start, end] as whole days, on a datetime column."""
    q = Q()
    if start:
        q &= Q(**{f"{field}__gte": _start(start)})
    if end:
        q &= Q(**{f"{field}__lt": _start(end) + timezone.timedelta(days=1)})
    return q


def feedback_list(user, *, kind: str = FeedbackKind.COMPLAINT, service=None, open_only=False):
    rows = Feedback.objects.filter(service__in=access.feedback_services(user), kind=kind)
    if service is not None:
        rows = rows.filter(service=service)
    if open_only:
        rows = rows.filter(responded_at__isnull=True)
    if kind == FeedbackKind.COMPLAINT:
        # The soonest due first; answered ones after, newest first.
        rows = rows.order_by("responded_at", "respond_due", "-received_at")
    rows = list(rows.select_related("service", "person")[:200])
    reads.shown_people(r.person_id for r in rows if r.person_id)
    return rows


def get_feedback(user, pk) -> Feedback:
    from django.http import Http404

    row = (
        Feedback.objects.filter(service__in=access.feedback_services(user), pk=pk)
        .select_related("service", "person", "procedure", "acknowledged_by", "responded_by")
        .first()
    )
    if row is None:
        raise Http404
    if row.person_id:
        reads.viewed(person=row.person)
    return row


def incidents(user, *, service=None):
    rows = Incident.objects.filter(service__in=access.feedback_services(user))
    if service is not None:
        rows = rows.filter(service=service)
    rows = list(rows.select_related("service", "person", "referral", "team", "recorded_by")[:200])
    reads.shown_referrals(r.referral for r in rows)
    return rows


def partner_feedback(user):
    return list(
        PartnerFeedback.objects.filter(service__in=access.feedback_services(user)).select_related(
            "service", "recorded_by"
        )[:200]
    )


def free_text_answers(user, *, service=None, start=None, end=None, audience="", theme=None):
    """The free-text answers for the qualitative analysis, newest first. No names: the
    analysis reads what was said, by service, period and whose version."""
    rows = (
        EvaluationAnswer.objects.filter(
            evaluation__service__in=access.feedback_services(user),
            question__kind=QuestionKind.TEXT,
        )
        .exclude(text="")
        .filter(_between("evaluation__submitted_at", start, end))
    )
    if service is not None:
        rows = rows.filter(evaluation__service=service)
    if audience:
        rows = rows.filter(evaluation__audience=audience)
    if theme is not None:
        rows = rows.filter(themes=theme)
    rows = (
        rows.select_related("evaluation__service", "question", "evaluation__episode")
        .prefetch_related("themes")
        .order_by("-evaluation__submitted_at", "pk")
    )
    return rows


def get_answer(user, pk) -> EvaluationAnswer:
    from django.http import Http404

    row = (
        EvaluationAnswer.objects.filter(
            evaluation__service__in=access.feedback_services(user), pk=pk
        )
        .select_related("evaluation__episode__person", "evaluation__service")
        .first()
    )
    if row is None:
        raise Http404
    return row


def portal_evaluations(user):
    """The closed enablements of the people this portal user sees, each with whether this
    user has sent its evaluation: (episode, audience, done)."""
    from enablement.casework.models import Episode

    audience = "person" if hasattr(user, "person_record") else "carer"
    episodes = list(
        Episode.objects.filter(
            person__in=access.visible_people(user), status=EpisodeStatus.CLOSED
        ).select_related("service", "person")
    )
    done = set(
        Evaluation.objects.filter(
            episode__in=episodes, recorded_by=user, channel=Channel.PORTAL
        ).values_list("episode_id", flat=True)
    )
    return [(e, audience, e.pk in done) for e in episodes]


# --- For the dashboard: aggregates, no rows ------------------------------------------------------


def counts(*, services, start: date, end: date) -> dict[int, dict[str, int]]:
    """Compliments, complaints and serious incidents (with safeguarding concerns counted
    apart) per service id, received or recorded between start and end inclusive."""
    out: dict[int, dict[str, int]] = {
        s.pk: {"compliments": 0, "complaints": 0, "serious_incidents": 0, "safeguarding": 0}
        for s in services
    }
    for row in (
        Feedback.objects.filter(service__in=services)
        .filter(_between("received_at", start, end))
        .values("service_id", "kind")
        .annotate(n=Count("id"))
    ):
        out[row["service_id"]][f"{row['kind']}s"] = row["n"]
    for row in (
        Incident.objects.filter(service__in=services)
        .filter(_between("recorded_at", start, end))
        .values("service_id", "kind")
        .annotate(n=Count("id"))
    ):
        key = "serious_incidents" if row["kind"] == "serious_incident" else "safeguarding"
        out[row["service_id"]][key] = row["n"]
    return out


def satisfaction(*, services, start: date, end: date) -> dict[tuple[int, str], dict]:
    """Per (service id, audience): the number of evaluations and the mean of their rating
    answers (1-5), for evaluations submitted between start and end inclusive."""
    out = {}
    evaluations = Evaluation.objects.filter(service__in=services).filter(
        _between("submitted_at", start, end)
    )
    for row in evaluations.values("service_id", "audience").annotate(n=Count("id")):
        out[(row["service_id"], row["audience"])] = {"evaluations": row["n"], "mean": None}
    for row in (
        EvaluationAnswer.objects.filter(evaluation__in=evaluations, rating__isnull=False)
        .values("evaluation__service_id", "evaluation__audience")
        .annotate(mean=Avg("rating"))
    ):
        key = (row["evaluation__service_id"], row["evaluation__audience"])
        out[key]["mean"] = round(float(row["mean"]), 1)
    return out
