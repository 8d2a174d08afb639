"""A hand-countable data set for the dashboard (issue 13 acceptance): two services, three
teams, four workers, 21 episodes with known dates, closure reasons, visits (hours, missed),
extensions and re-referrals, and referrals that never became episodes.

Everything is written straight to the tables the product's actions write, with the dates
given here, so a test can count each figure by hand from the tables below. Other figures
extend it: add columns to the specs (a score, a sequel, a complaint) and a writer for them.

Service TA ("Test Alpha", teams A1 and A2, a 2-working-day screening clock, £30 an hour in
settings version 1 and £40 in version 2) and TB ("Test Beta", team B1, £25 an hour).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from enablement.accounts.roles import ROLES, Role
from enablement.casework.models import Episode, EpisodeStatus
from enablement.catalogue.models import Service, ServiceSettings, StaffMember, Team
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
    return built
