"""A hand-countable data set for the dashboard (issue 13 acceptance): two services, three
teams, four workers, 21 episodes with known dates, closure reasons, visits (hours, missed),
extensions and re-referrals, and referrals that never became episodes.

Everything is written straight to the tables the product's actions write, with the dates
given here, so a test can count each figure by hand from the tables below. Other figures
extend it: add columns to the specs (a score, a sequel, a complaint) and a writer for them.

Service TA ("Test Alpha", teams A1 and A2, a 2-working-day screening clock, £30 an hour in
settings version 1 and £40 in version 2) and TB ("Test Beta", team B1, £25 an hour).

The quality and outcome figures read the tables after EPISODES and REFERRALS: employment and
accommodation at the planning meeting and the agreed closure (STATUSES, with a closure the
senior did not agree that must not count), outcome scores (SCORES), evaluations
(EVALUATIONS), compliments and complaints (FEEDBACK) and incidents (INCIDENTS).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from enablement.accounts.roles import ROLES, Role
from enablement.casework.models import Episode, EpisodeStatus, PlanningMeeting
from enablement.catalogue.models import Service, ServiceSettings, StaffMember, Team
from enablement.closures.models import Closure, ClosureStatus
from enablement.feedback.models import (
    Evaluation,
    EvaluationAnswer,
    EvaluationQuestion,
    Feedback,
    Incident,
)
from enablement.outcomes.instruments import install_shipped
from enablement.outcomes.models import Assessment, Instrument
from enablement.people.models import Person
from enablement.referrals.models import Referral
from enablement.visits.models import Visit

D = date.fromisoformat

# Settings: the least a service needs, with the clock and the cost that the figures read.
SETTINGS = {
    "referral_sources": ["community_mh_social_work"],
    "needs_basis": "care_act",
    "diagnosis_categories": ["mental_health"],
    "length_weeks": 12,
    "caseload_per_fte": 15,
    "screening_working_days": 2,
}

SERVICES = {
    # code: (name, [hourly cost of each settings version], screening clock)
    "TA": ("Test Alpha", [Decimal("30.00"), Decimal("40.00")], 2),
    "TB": ("Test Beta", [Decimal("25.00")], None),
}
TEAMS = {"A1": "TA", "A2": "TA", "B1": "TB"}
WORKERS = {  # key: (team, FTE)
    "W1": ("A1", Decimal("1.0")),
    "W2": ("A1", Decimal("0.5")),
    "W3": ("A2", Decimal("1.0")),
    "W4": ("B1", Decimal("1.0")),
}


@dataclass(frozen=True)
class EpisodeSpec:
    key: str
    person: str  # the same person in two specs: a re-referral
    team: str
    worker: str
    received: str
    decided: str
    allocated: str
    started: str | None
    closed: str | None = None
    reason: str = ""
    extended: bool = False
    version: int = 1  # the settings version its referral started under
    visits: tuple[tuple[str, str, str | None], ...] = ()  # (planned on, outcome, hours)


EPISODES = (
    # Test Alpha, team A1
    EpisodeSpec(
        "E1",
        "P1",
        "A1",
        "W1",
        "2025-01-06",
        "2025-01-07",
        "2025-01-10",
        "2025-01-13",
        "2025-03-10",
        "goals_achieved",
        visits=(
            ("2025-01-20", "attended", "2"),
            ("2025-01-27", "attended", "2"),
            ("2025-02-03", "cancelled_by_person", None),
            ("2025-02-10", "attended", "1.5"),
        ),
    ),
    EpisodeSpec(
        "E2",
        "P2",
        "A1",
        "W1",
        "2025-01-06",
        "2025-01-09",
        "2025-01-20",
        "2025-01-22",
        "2025-03-20",
        "goals_achieved",
        extended=True,
        visits=(
            ("2025-01-27", "attended", "2"),
            ("2025-02-03", "not_engaged", None),
            ("2025-02-17", "attended", "3"),
        ),
    ),
    EpisodeSpec(
        "E3",
        "P3",
        "A1",
        "W1",
        "2025-01-08",
        "2025-01-10",
        "2025-01-24",
        "2025-01-27",
        "2025-02-21",
        "did_not_engage",
        visits=(
            ("2025-01-30", "not_engaged", None),
            ("2025-02-06", "not_engaged", None),
            ("2025-02-13", "cancelled_by_person", None),
        ),
    ),
    EpisodeSpec(
        "E4",
        "P4",
        "A1",
        "W2",
        "2025-01-13",
        "2025-01-14",
        "2025-02-03",
        "2025-02-05",
        "2025-03-31",
        "goals_achieved",
        version=2,
        visits=(
            ("2025-02-10", "attended", "2"),
            ("2025-02-24", "attended", "2"),
            ("2025-03-10", "attended", "2"),
        ),
    ),
    EpisodeSpec(
        "E5",
        "P5",
        "A1",
        "W1",
        "2025-01-13",
        "2025-01-15",
        "2025-02-05",
        None,
        "2025-02-14",
        "not_ready",
    ),
    EpisodeSpec(
        "E6",
        "P6",
        "A1",
        "W1",
        "2025-01-20",
        "2025-01-21",
        "2025-02-10",
        "2025-02-12",
        visits=(
            ("2025-02-17", "attended", "1"),
            ("2025-03-03", "cancelled_by_service", None),
            ("2025-03-17", "attended", "1"),
        ),
    ),
    EpisodeSpec(
        "E7",
        "P7",
        "A1",
        "W2",
        "2025-01-20",
        "2025-01-22",
        "2025-02-12",
        "2025-02-17",
        visits=(("2025-02-24", "attended", "2"), ("2025-03-24", "", None)),
    ),
    EpisodeSpec(
        "E8",
        "P8",
        "A1",
        "W2",
        "2025-02-03",
        "2025-02-04",
        "2025-02-24",
        "2025-02-26",
        visits=(("2025-03-05", "attended", "1"),),
    ),
    # Test Alpha, team A2
    EpisodeSpec(
        "E9",
        "P9",
        "A2",
        "W3",
        "2025-01-07",
        "2025-01-08",
        "2025-01-15",
        "2025-01-16",
        "2025-03-14",
        "goals_achieved",
        extended=True,
        visits=(("2025-01-23", "attended", "2.5"), ("2025-02-06", "attended", "2.5")),
    ),
    EpisodeSpec(
        "E10",
        "P10",
        "A2",
        "W3",
        "2025-02-10",
        "2025-02-13",
        "2025-02-20",
        "2025-02-24",
        visits=(("2025-03-03", "not_engaged", None),),
    ),
    EpisodeSpec("E11", "P11", "A2", "W3", "2025-02-11", "2025-02-12", "2025-02-25", "2025-02-27"),
    # Earlier enablements, and P12's re-referral within 12 months
    EpisodeSpec(
        "E12",
        "P12",
        "A1",
        "W1",
        "2024-03-04",
        "2024-03-05",
        "2024-03-11",
        "2024-03-12",
        "2024-06-14",
        "goals_achieved",
    ),
    EpisodeSpec("E13", "P12", "A1", "W2", "2025-02-17", "2025-02-18", "2025-03-03", "2025-03-05"),
    EpisodeSpec(
        "E15",
        "P15",
        "A1",
        "W1",
        "2023-11-06",
        "2023-11-07",
        "2023-11-13",
        "2023-11-14",
        "2024-02-17",
        "goals_achieved",
    ),
    EpisodeSpec(
        "E16",
        "P16",
        "A1",
        "W1",
        "2023-11-06",
        "2023-11-07",
        "2023-11-13",
        "2023-11-14",
        "2024-02-14",
        "goals_achieved",
    ),
    # Test Beta, team B1
    EpisodeSpec(
        "E21",
        "P21",
        "B1",
        "W4",
        "2025-01-06",
        "2025-01-07",
        "2025-01-13",
        "2025-01-14",
        "2025-02-28",
        "goals_achieved",
        visits=(("2025-01-21", "attended", "3"), ("2025-02-04", "attended", "3")),
    ),
    EpisodeSpec(
        "E22",
        "P22",
        "B1",
        "W4",
        "2025-01-07",
        "2025-01-08",
        "2025-01-14",
        "2025-01-15",
        "2025-02-28",
        "goals_achieved",
        visits=(("2025-01-22", "attended", "3"),),
    ),
    EpisodeSpec(
        "E23",
        "P23",
        "B1",
        "W4",
        "2025-01-08",
        "2025-01-09",
        "2025-01-15",
        "2025-01-16",
        "2025-03-07",
        "declined",
        visits=(("2025-01-23", "cancelled_by_person", None),),
    ),
    EpisodeSpec(
        "E24",
        "P24",
        "B1",
        "W4",
        "2025-01-09",
        "2025-01-10",
        "2025-01-16",
        "2025-01-17",
        "2025-03-14",
        "goals_achieved",
        visits=(("2025-01-24", "attended", "2"),),
    ),
    EpisodeSpec(
        "E25",
        "P25",
        "B1",
        "W4",
        "2025-01-10",
        "2025-01-13",
        "2025-01-17",
        "2025-01-20",
        "2025-03-21",
        "goals_achieved",
        extended=True,
        visits=(("2025-01-27", "attended", "2"), ("2025-02-10", "attended", "2")),
    ),
    EpisodeSpec("E26", "P26", "B1", "W4", "2025-02-03", "2025-02-04", "2025-02-10", "2025-02-11"),
)


@dataclass(frozen=True)
class ReferralSpec:
    """A referral that never became an episode."""

    key: str
    person: str
    team: str
    received: str
    status: str
    decided: str | None = None


REFERRALS = (
    ReferralSpec("Ra", "Pa", "A1", "2025-01-14", "declined", "2025-01-16"),
    ReferralSpec("Rb", "Pb", "A1", "2025-01-15", "not_ready", "2025-01-20"),
    ReferralSpec("Rc", "Pc", "A1", "2025-03-03", "accepted", "2025-03-04"),
    ReferralSpec("Rd", "Pd", "A2", "2025-03-10", "validated"),
    ReferralSpec("Re", "Pe", "A1", "2024-12-20", "declined", "2025-01-06"),
    # P15 comes back exactly 12 months after closing; P16 three days too late.
    ReferralSpec("R15", "P15", "A1", "2025-02-17", "declined", "2025-02-18"),
    ReferralSpec("R16", "P16", "A1", "2025-02-17", "validated"),
)


# Employment and accommodation (returns.vocab codes): at the planning meeting (None: no
# meeting, it never started) and at the agreed closure, with the sequel recorded then.
STATUSES = {
    # Test Alpha, closed in the period
    "E1": (
        ("seeking_work", "tenant_social"),
        ("paid_under_16", "tenant_social", "ended_as_planned"),
    ),
    "E2": (("not_seeking", "council_temporary"), ("not_seeking", "tenant_private", "no_change")),
    "E3": (
        ("seeking_work", "night_shelter"),
        ("seeking_work", "night_shelter", "progress_assessment"),
    ),
    "E4": (
        ("paid_16_plus", "owner_occupier"),
        ("paid_16_plus", "owner_occupier", "ended_as_planned"),
    ),
    "E5": (None, ("unknown", "short_term_guest", "progress_assessment")),
    "E9": (("voluntary", "with_family"), ("paid_unknown_hours", "with_family", "ended_as_planned")),
    # Open: its meeting counts nowhere until it closes.
    "E6": (("paid_16_plus", "owner_occupier"), None),
    # Test Beta: all five in emergency housing at the start, all settled at closure.
    "E21": (
        ("unknown", "council_temporary"),
        ("paid_16_plus", "tenant_social", "ended_as_planned"),
    ),
    "E22": (("seeking_work", "council_temporary"), ("seeking_work", "with_family", "no_change")),
    "E23": (("not_seeking", "refuge"), ("not_seeking", "supported", "progress_support_planning")),
    "E24": (("seeking_work", "short_term_guest"), ("paid_under_16", "sheltered", "no_change")),
    "E25": (("voluntary", "other_temporary"), ("voluntary", "owner_occupier", "ended_as_planned")),
}
# A closure proposed for E3 that the senior did not agree: its statuses must not count.
NOT_AGREED = {"E3": ("paid_16_plus", "owner_occupier")}

# Outcome scores: (instrument code, occasion, review number, score; None: an item missing).
SCORES = {
    "E1": (
        ("swemwbs", "baseline", 0, "16.88"),
        ("swemwbs", "review", 1, "19.25"),
        ("swemwbs", "closure", 0, "21.54"),
        ("recovery-person", "baseline", 0, "40"),
        ("recovery-person", "closure", 0, "55"),
    ),
    "E2": (
        ("swemwbs", "baseline", 0, "20.73"),
        ("swemwbs", "closure", 0, "19.98"),
        ("recovery-person", "baseline", 0, "50"),
        ("recovery-person", "closure", 0, "50"),
    ),
    "E3": (("swemwbs", "baseline", 0, "14.08"),),  # no later score: no change
    "E4": (
        ("swemwbs", "baseline", 0, "17.98"),
        ("swemwbs", "review", 1, "23.21"),
        ("swemwbs", "closure", 0, None),  # incomplete: the latest is the review
        ("recovery-person", "baseline", 0, "30"),
        ("recovery-person", "review", 1, "45"),
    ),
    "E9": (
        ("swemwbs", "review", 1, "18.59"),  # no baseline: no change
        ("swemwbs", "closure", 0, "22.35"),
        ("recovery-person", "baseline", 0, "60"),
        ("recovery-person", "closure", 0, "58"),
    ),
    "E6": (("swemwbs", "baseline", 0, "15.84"), ("swemwbs", "review", 1, "20.73")),  # open
    "E21": (("swemwbs", "baseline", 0, "16.36"), ("swemwbs", "closure", 0, "21.54")),
    "E22": (("swemwbs", "baseline", 0, "19.25"), ("swemwbs", "closure", 0, "22.35")),
    "E23": (("swemwbs", "baseline", 0, "21.54"), ("swemwbs", "closure", 0, "19.98")),
    "E24": (("swemwbs", "baseline", 0, "17.43"), ("swemwbs", "closure", 0, "24.11")),
    "E25": (("swemwbs", "baseline", 0, "14.75"), ("swemwbs", "closure", 0, "17.98")),
}

# Evaluations: (episode, audience, submitted on, answers to the three rating questions; an
# empty tuple answered only the free-text question).
EVALUATIONS = (
    ("E1", "person", "2025-03-12", (5, 4, 4)),
    ("E1", "carer", "2025-03-14", (3, 3, 4)),
    ("E2", "person", "2025-03-21", (2, 3, 3)),
    ("E3", "person", "2025-02-24", (4, 4, 5)),
    ("E4", "person", "2025-04-02", (5, 5, 5)),  # after the period
    ("E5", "person", "2025-02-20", ()),
    ("E9", "person", "2025-03-17", (5, 5, 5)),
    ("E9", "carer", "2025-03-17", (4, 5, 4)),
    ("E21", "person", "2025-03-03", (5, 5, 4)),
)

# Compliments and complaints: (service, kind, received, response due, responded).
FEEDBACK = (
    ("TA", "compliment", "2024-12-20", None, None),  # before the period
    ("TA", "compliment", "2025-01-15", None, None),
    ("TA", "complaint", "2025-01-20", "2025-02-17", "2025-02-10"),  # in time
    ("TA", "complaint", "2025-02-03", "2025-03-03", "2025-03-10"),  # late
    ("TA", "compliment", "2025-02-10", None, None),
    ("TA", "complaint", "2025-02-12", "2025-03-12", "2025-03-12"),  # in time, on the day
    ("TA", "compliment", "2025-03-05", None, None),
    ("TA", "complaint", "2025-03-20", "2025-04-17", None),  # overdue: not in time
    ("TA", "compliment", "2025-03-25", None, None),
    ("TA", "compliment", "2025-03-26", None, None),
    ("TA", "complaint", "2025-03-28", "2025-04-25", "2025-04-20"),  # in time
    ("TA", "complaint", "2025-03-31", "2025-07-31", None),  # not yet due: not counted
    ("TB", "complaint", "2025-02-05", "2025-03-05", "2025-03-01"),
)

# Serious incidents and safeguarding concerns: (episode, kind, recorded on).
INCIDENTS = (
    ("E1", "serious_incident", "2025-01-22"),
    ("E6", "safeguarding", "2025-02-11"),
    ("E10", "safeguarding", "2025-03-03"),
    ("E9", "serious_incident", "2025-03-18"),
    ("E7", "serious_incident", "2025-04-01"),  # after the period
    ("E21", "safeguarding", "2025-02-12"),
)


@dataclass
class Built:
    services: dict[str, Service] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    workers: dict[str, StaffMember] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    episodes: dict[str, Episode] = field(default_factory=dict)
    referrals: dict[str, Referral] = field(default_factory=dict)


def at_noon(day: str | None) -> datetime | None:
    return timezone.make_aware(datetime.combine(D(day), time(12))) if day else None


def build(*, now: datetime) -> Built:
    user_model = get_user_model()
    actor, _ = user_model.objects.get_or_create(username="factory.senior")
    worker_group, _ = Group.objects.get_or_create(name=ROLES[Role.WORKER].group)
    built = Built()
    versions: dict[tuple[str, int], ServiceSettings] = {}
    for code, (name, costs, clock) in SERVICES.items():
        service = Service.objects.create(code=code, name=name, organisation="Test council")
        built.services[code] = service
        for number, cost in enumerate(costs, start=1):
            versions[(code, number)] = ServiceSettings.objects.create(
                service=service,
                version=number,
                created_at=now,
                **(SETTINGS | {"screening_working_days": clock, "hourly_cost": cost}),
            )
    for key, code in TEAMS.items():
        built.teams[key] = Team.objects.create(service=built.services[code], name=f"Team {key}")
    for key, (team, fte) in WORKERS.items():
        user = user_model.objects.create(
            username=f"factory.{key.lower()}", first_name="Worker", last_name=key
        )
        user.groups.add(worker_group)
        built.workers[key] = StaffMember.objects.create(user=user, team=built.teams[team], fte=fte)

    def person(key: str) -> Person:
        if key not in built.people:
            built.people[key] = Person.objects.create(
                given_name="Test",
                family_name=key,
                date_of_birth=D("1980-01-01"),
                primary_diagnosis="mental_health",
                created_at=now,
            )
        return built.people[key]

    def referral(key, who, team, received, status, decided, version) -> Referral:
        team = built.teams[team]
        return Referral.objects.create(
            reference=f"T-{key}",
            service=team.service,
            service_settings=versions[(team.service.code, version)],
            team=team,
            person=person(who),
            status=status,
            source="community_mh_social_work",
            created_at=at_noon(received),
            first_submitted_at=at_noon(received),
            received_at=at_noon(received),
            decided_at=at_noon(decided),
        )

    for spec in EPISODES:
        ref = referral(
            spec.key, spec.person, spec.team, spec.received, "allocated", spec.decided, spec.version
        )
        status = (
            EpisodeStatus.CLOSED
            if spec.closed
            else EpisodeStatus.ACTIVE
            if spec.started
            else EpisodeStatus.PLANNING
        )
        episode = Episode.objects.create(
            referral=ref,
            person=ref.person,
            service=ref.service,
            service_settings=ref.service_settings,
            team=ref.team,
            worker=built.workers[spec.worker],
            status=status,
            allocated_at=at_noon(spec.allocated),
            allocated_by=actor,
            allocation_reason="Test",
            started_on=D(spec.started) if spec.started else None,
            closed_at=at_noon(spec.closed),
            closure_reason=spec.reason,
            extended_weeks=2 if spec.extended else 0,
        )
        built.episodes[spec.key] = episode
        for planned, outcome, hours in spec.visits:
            Visit.objects.create(
                episode=episode,
                planned_for=at_noon(planned),
                outcome=outcome,
                happened_on=D(planned) if outcome == "attended" else None,
                hours=Decimal(hours) if hours else None,
                planned_by=actor,
            )
    for spec in REFERRALS:
        built.referrals[spec.key] = referral(
            spec.key, spec.person, spec.team, spec.received, spec.status, spec.decided, 1
        )
    _quality_and_outcomes(built, actor, now)
    return built


def _quality_and_outcomes(built: Built, actor, now: datetime) -> None:
    e = built.episodes
    for key, (start, closure) in STATUSES.items():
        if start:
            PlanningMeeting.objects.create(
                episode=e[key],
                held_on=e[key].started_on,
                attendees="The person and their worker",
                outcome="ready",
                employment_status=start[0],
                accommodation_status=start[1],
                recorded_at=now,
                recorded_by=actor,
            )
        if key in NOT_AGREED:
            Closure.objects.create(
                episode=e[key],
                reason=e[key].closure_reason,
                status=ClosureStatus.NOT_AGREED,
                proposed_at=e[key].closed_at,
                proposed_by=actor,
                decided_at=e[key].closed_at,
                decided_by=actor,
                employment_status=NOT_AGREED[key][0],
                accommodation_status=NOT_AGREED[key][1],
            )
        if closure:
            Closure.objects.create(
                episode=e[key],
                reason=e[key].closure_reason,
                status=ClosureStatus.AGREED,
                proposed_at=e[key].closed_at,
                proposed_by=actor,
                decided_at=e[key].closed_at,
                decided_by=actor,
                employment_status=closure[0],
                accommodation_status=closure[1],
                sequel=closure[2],
            )
    install_shipped(django_apps)  # a transactional test before this one flushed them
    instruments = {i.code: i for i in Instrument.objects.all()}
    for key, scores in SCORES.items():
        for code, occasion, number, score in scores:
            Assessment.objects.create(
                episode=e[key],
                instrument=instruments[code],
                occasion=occasion,
                number=number,
                completed_by="person",
                completed_on=e[key].started_on,
                answers={},
                score=Decimal(score) if score else None,
                recorded_at=now,
                recorded_by=actor,
            )
    questions = {}
    for code, service in built.services.items():
        for audience in ("person", "carer"):
            questions[(code, audience)] = [
                EvaluationQuestion.objects.create(
                    service=service,
                    audience=audience,
                    position=n,
                    kind="rating" if n <= 3 else "text",
                    text=f"Question {n}",
                )
                for n in range(1, 5)
            ]
    for key, audience, submitted, ratings in EVALUATIONS:
        episode = e[key]
        evaluation = Evaluation.objects.create(
            episode=episode,
            service=episode.service,
            audience=audience,
            channel="paper",
            submitted_at=at_noon(submitted),
            recorded_by=actor,
        )
        *rating_qs, text_q = questions[(episode.service.code, audience)]
        for question, rating in zip(rating_qs, ratings, strict=False):
            EvaluationAnswer.objects.create(evaluation=evaluation, question=question, rating=rating)
        EvaluationAnswer.objects.create(evaluation=evaluation, question=text_q, text="Thank you")
    for code, kind, received, due, responded in FEEDBACK:
        Feedback.objects.create(
            service=built.services[code],
            kind=kind,
            received_at=at_noon(received),
            received_how="phone",
            from_whom="person",
            summary="Test",
            recorded_by=actor,
            respond_due=D(due) if due else None,
            responded_at=at_noon(responded),
            response="Answered" if responded else "",
        )
    for key, kind, recorded in INCIDENTS:
        episode = e[key]
        Incident.objects.create(
            kind=kind,
            service=episode.service,
            team=episode.team,
            person=episode.person,
            episode=episode,
            referral=episode.referral,
            occurred_on=D(recorded),
            description="Test",
            recorded_at=at_noon(recorded),
            recorded_by=actor,
        )
