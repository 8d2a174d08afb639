"""The dashboard's reads: narrow fact rows for one service and period.

One query per fact kind, never one per row: each reads only the columns a figure needs with
`.values()`, so no person, referral or episode object is built and nothing personal leaves
this module (the rows carry ids, dates and codes). The service comes through the access
door (`access.services_overseen`); the team is one of that service's.
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.db.models import FilteredRelation, Q
from django.utils import timezone

from enablement.accounts import access
from enablement.accounts.roles import ROLES, Role
from enablement.casework.models import Episode
from enablement.catalogue.models import StaffMember, Team
from enablement.closures.models import ClosureStatus
from enablement.core.replica import reporting_reads
from enablement.feedback.models import EvaluationAnswer, Feedback, Incident
from enablement.outcomes.models import Assessment
from enablement.referrals.models import Referral
from enablement.reporting import rules
from enablement.visits.models import Visit


def services(user):
    return access.services_overseen(user).order_by("name")


def service_teams(service):
    """The teams a dashboard of the service covers (its stamps are keyed on these too)."""
    return service.teams.order_by("name")


def teams(user, service):
    if service is None or not services(user).filter(pk=service.pk).exists():
        return Team.objects.none()
    return service_teams(service)


def _moment(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def _days():
    """The local date of a moment. The time zone is looked up once: Django's per-call
    look-up costs more than the rest of a row at thousands of rows."""
    tz = timezone.get_current_timezone()

    def day(moment: datetime | None) -> date | None:
        return moment.astimezone(tz).date() if moment else None

    return day


def referral_facts(service, start: date, end: date) -> list[rules.ReferralFact]:
    """Referrals received or decided in the period."""
    after, before = _moment(start), _moment(end + timedelta(days=1))
    _day = _days()
    rows = (
        Referral.objects.filter(service=service)
        .filter(
            Q(received_at__gte=after, received_at__lt=before)
            | Q(decided_at__gte=after, decided_at__lt=before)
        )
        .values_list(
            "id",
            "person_id",
            "team_id",
            "received_at",
            "decided_at",
            "status",
            "service_settings__screening_working_days",
        )
    )
    return [
        rules.ReferralFact(pk, person, team, _day(received), _day(decided), status, days)
        for pk, person, team, received, decided, status, days in rows
    ]


def episode_facts(service, start: date, end: date) -> list[rules.EpisodeFact]:
    """Episodes open at some time from 12 months before the period to its end: the
    re-referral figure looks back that far, the others at the period."""
    before = _moment(end + timedelta(days=1))
    since = _moment(rules.shift_month(start, -rules.RE_REFERRAL_MONTHS))
    _day = _days()
    rows = (
        Episode.objects.filter(service=service, allocated_at__lt=before)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=since))
        .values_list(
            "id",
            "person_id",
            "team_id",
            "worker_id",
            "referral__decided_at",
            "allocated_at",
            "started_on",
            "closed_at",
            "closure_reason",
            "extended_weeks",
            "service_settings__hourly_cost",
        )
    )
    return [
        rules.EpisodeFact(
            pk,
            person,
            team,
            worker,
            _day(accepted),
            _day(allocated),
            started,
            _day(closed),
            reason,
            bool(extended),
            cost,
        )
        for (
            pk,
            person,
            team,
            worker,
            accepted,
            allocated,
            started,
            closed,
            reason,
            extended,
            cost,
        ) in rows
    ]


def visit_facts(service, start: date, end: date) -> list[rules.VisitFact]:
    """Visits planned in the period, and every visit of an episode closed in it (its cost
    counts all its hours)."""
    after, before = _moment(start), _moment(end + timedelta(days=1))
    _day = _days()
    rows = (
        Visit.objects.filter(episode__service=service)
        .filter(
            Q(planned_for__gte=after, planned_for__lt=before)
            | Q(episode__closed_at__gte=after, episode__closed_at__lt=before)
        )
        .values_list("episode_id", "episode__team_id", "planned_for", "outcome", "hours")
    )
    return [
        rules.VisitFact(episode, team, _day(planned), outcome, hours)
        for episode, team, planned, outcome, hours in rows
    ]


def worker_facts(service, start: date, end: date) -> list[rules.WorkerFact]:
    """The service's workers who hold a caseload now, with their FTE now."""
    rows = (
        StaffMember.objects.filter(
            team__service=service, active=True, user__groups__name=ROLES[Role.WORKER].group
        )
        .values_list("id", "team_id", "user__first_name", "user__last_name", "fte")
        .distinct()
    )
    return [
        rules.WorkerFact(pk, team, f"{first} {last}".strip(), fte)
        for pk, team, first, last, fte in rows
    ]


def _in(field: str, start: date, end: date) -> Q:
    """[start, end] as whole local days, on a datetime column."""
    return Q(**{f"{field}__gte": _moment(start), f"{field}__lt": _moment(end + timedelta(days=1))})


def evaluation_facts(service, start: date, end: date) -> list[rules.EvaluationFact]:
    """Evaluations submitted in the period, with their rating answers: one row per answer,
    gathered into one fact per evaluation (an evaluation with no rating answered has none)."""
    _day = _days()
    rows = (
        EvaluationAnswer.objects.filter(evaluation__service=service, rating__isnull=False)
        .filter(_in("evaluation__submitted_at", start, end))
        .values_list(
            "evaluation_id",
            "evaluation__episode__team_id",
            "evaluation__audience",
            "evaluation__submitted_at",
            "rating",
        )
        .order_by("evaluation_id")
    )
    found: dict[int, tuple] = {}
    ratings: dict[int, list[int]] = defaultdict(list)
    for pk, team, audience, submitted, rating in rows:
        found[pk] = (team, audience, _day(submitted))
        ratings[pk].append(rating)
    return [
        rules.EvaluationFact(pk, team, audience, submitted, tuple(ratings[pk]))
        for pk, (team, audience, submitted) in found.items()
    ]


def status_facts(service, start: date, end: date) -> list[rules.StatusFact]:
    """Episodes closed in the period with employment and accommodation at the planning
    meeting and at the agreed closure (a proposal the senior did not agree says nothing)."""
    _day = _days()
    rows = (
        Episode.objects.filter(service=service)
        .filter(_in("closed_at", start, end))
        .annotate(
            agreed=FilteredRelation("closures", condition=Q(closures__status=ClosureStatus.AGREED))
        )
        .values_list(
            "id",
            "team_id",
            "closed_at",
            "meeting__employment_status",
            "agreed__employment_status",
            "meeting__accommodation_status",
            "agreed__accommodation_status",
        )
        .order_by("id")
    )
    # Keyed by episode: one agreed closure an episode, but a second row must not count twice.
    return list(
        {
            pk: rules.StatusFact(
                pk, team, _day(closed), e_start or "", e_close or "", a_start or "", a_close or ""
            )
            for pk, team, closed, e_start, e_close, a_start, a_close in rows
        }.values()
    )


def score_facts(service, start: date, end: date) -> list[rules.ScoreFact]:
    """The complete outcome scores of episodes closed in the period."""
    _day = _days()
    rows = (
        Assessment.objects.filter(episode__service=service, score__isnull=False)
        .filter(_in("episode__closed_at", start, end))
        .values_list(
            "episode_id",
            "episode__team_id",
            "episode__closed_at",
            "instrument__code",
            "instrument__name",
            "occasion",
            "number",
            "score",
        )
        .order_by()
    )
    return [
        rules.ScoreFact(episode, team, _day(closed), code, name, occasion, number, score)
        for episode, team, closed, code, name, occasion, number, score in rows
    ]


def feedback_facts(service, start: date, end: date) -> list[rules.FeedbackFact]:
    """Compliments and complaints received in the period, with a complaint's response due
    date (stored when it was received) and when it was answered."""
    _day = _days()
    rows = (
        Feedback.objects.filter(service=service)
        .filter(_in("received_at", start, end))
        .values_list("kind", "received_at", "respond_due", "responded_at")
        .order_by()
    )
    return [
        rules.FeedbackFact(kind, _day(received), due, _day(responded))
        for kind, received, due, responded in rows
    ]


def incident_facts(service, start: date, end: date) -> list[rules.IncidentFact]:
    """Serious incidents and safeguarding concerns recorded in the period."""
    _day = _days()
    rows = (
        Incident.objects.filter(service=service)
        .filter(_in("recorded_at", start, end))
        .values_list("kind", "team_id", "recorded_at")
        .order_by()
    )
    return [rules.IncidentFact(kind, team, _day(recorded)) for kind, team, recorded in rows]


# Each fact kind's reader.
FACT_LOADERS: dict[str, Callable] = {
    "referrals": referral_facts,
    "episodes": episode_facts,
    "visits": visit_facts,
    "workers": worker_facts,
    "evaluations": evaluation_facts,
    "statuses": status_facts,
    "scores": score_facts,
    "feedback": feedback_facts,
    "incidents": incident_facts,
}


@reporting_reads()
def facts(service, start: date, end: date, kinds) -> dict[str, list]:
    """Every fact kind the figures need, read from the read replica when one is configured
    and fresh (core/replica.py): the dashboard and its exports call this only."""
    return {kind: FACT_LOADERS[kind](service, start, end) for kind in sorted(set(kinds))}
