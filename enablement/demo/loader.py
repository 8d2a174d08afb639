"""Loads the demo: the seed services, their teams and staff, one user per role and a set of
clearly fictitious people. Running it again changes nothing."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from enablement.accounts.roles import ROLES, Role
from enablement.catalogue.models import Resource, Service, Skill, StaffMember, Team
from enablement.catalogue.services import service_create
from enablement.demo.services import RESOURCES, SERVICES, SKILLS, TEAMS, UNSTAFFED_IN_DEMO
from enablement.outcomes.services import ensure_instruments
from enablement.people.models import Carer, Person
from enablement.people.services import carer_add, person_create

DEMO_PASSWORD = "enablement-demo"  # noqa: S105 - a published demo password, never real


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    team: str | None = None  # "SERVICE/Team name"
    fte: str = "1.00"
    skills: tuple[str, ...] = ()
    oversees: tuple[str, ...] = ()
    job_title: str = ""
    on_leave_days: int = 0  # leave from today for this many days


# The first user of each role is the one the README and `make run` list.
USERS = [
    DemoUser(
        "referrer",
        "Rowan",
        "Referrer",
        Role.REFERRER,
        job_title="Named social worker, community mental-health team",
    ),
    DemoUser("admin.east", "Ash", "Admin", Role.ADMIN, "KERS/Kent East", job_title="KERS admin"),
    DemoUser(
        "worker.east",
        "Wren",
        "Worker",
        Role.WORKER,
        "KERS/Kent East",
        skills=("peer-support",),
        job_title="KERS worker",
    ),
    DemoUser(
        "senior.east", "Sage", "Senior", Role.SENIOR, "KERS/Kent East", job_title="KERS senior"
    ),
    DemoUser(
        "pm.kers",
        "Parker",
        "Provision",
        Role.PROVISION_MANAGER,
        oversees=("KERS",),
        job_title="KERS provision manager",
    ),
    DemoUser(
        "quality",
        "Quinn",
        "Quality",
        Role.QUALITY_MANAGER,
        job_title="Quality and enablement service manager",
    ),
    DemoUser(
        "commissioner", "Cam", "Commissioner", Role.COMMISSIONER, job_title="Commissioning analyst"
    ),
    DemoUser("person", "Pat", "Example", Role.PERSON),
    DemoUser("carer", "Chris", "Example", Role.CARER),
    DemoUser("sysadmin", "Sol", "Sysadmin", Role.SYSADMIN, job_title="System administrator"),
    # Further staff so teams have a real shape.
    DemoUser(
        "worker.east2",
        "Jules",
        "Worker",
        Role.WORKER,
        "KERS/Kent East",
        fte="0.60",
        skills=("autism-specialist",),
        job_title="KERS worker",
    ),
    DemoUser(
        "worker.east3",
        "Robin",
        "Worker",
        Role.WORKER,
        "KERS/Kent East",
        skills=("housing", "employment"),
        job_title="KERS worker",
        on_leave_days=10,
    ),
    DemoUser("admin.west", "Alex", "Admin", Role.ADMIN, "KERS/Kent West", job_title="KERS admin"),
    DemoUser(
        "senior.west", "Sam", "Senior", Role.SENIOR, "KERS/Kent West", job_title="KERS senior"
    ),
    DemoUser(
        "worker.west",
        "Kit",
        "Worker",
        Role.WORKER,
        "KERS/Kent West",
        skills=("occupational-therapist",),
        job_title="KERS worker",
    ),
    DemoUser(
        "senior.autism",
        "Avery",
        "Panel",
        Role.SENIOR,
        "AFD/Autism triage panel",
        skills=("autism-specialist", "occupational-therapist"),
        job_title="Panel lead",
    ),
    DemoUser(
        "admin.autism",
        "Blake",
        "Admin",
        Role.ADMIN,
        "AFD/Autism triage panel",
        job_title="Autism front door admin",
    ),
    DemoUser(
        "worker.kps",
        "Drew",
        "Worker",
        Role.WORKER,
        "KPS/KPS Kent",
        skills=("autism-specialist",),
        job_title="KPS enablement worker",
    ),
    DemoUser(
        "worker.ass",
        "Emery",
        "Worker",
        Role.WORKER,
        "ASS/Autism specialist support",
        skills=("autism-specialist",),
        job_title="Autism specialist support worker",
    ),
    # Seed 001 §10: each service the panel routes to allocates what it takes (seed 001 §11
    # names the Enablement Senior); without a senior its waiting list would be a dead end.
    DemoUser(
        "senior.kps",
        "Finley",
        "Senior",
        Role.SENIOR,
        "KPS/KPS Kent",
        job_title="KPS enablement senior",
    ),
    DemoUser(
        "senior.ass",
        "Gray",
        "Senior",
        Role.SENIOR,
        "ASS/Autism specialist support",
        job_title="Autism specialist support senior",
    ),
    DemoUser(
        "pm.autism",
        "Hayden",
        "Provision",
        Role.PROVISION_MANAGER,
        oversees=("AFD", "ASS", "KPS"),
        job_title="Autism provision manager",
    ),
    DemoUser(
        "worker.str",
        "Logan",
        "Worker",
        Role.WORKER,
        "STR/Thanet and Dover",
        fte="0.80",
        job_title="STR worker",
    ),
    DemoUser(
        "admin.str",
        "Jordan",
        "Admin",
        Role.ADMIN,
        "STR/Thanet and Dover",
        job_title="STR admin, integrated mental health team",
    ),
    DemoUser(
        "senior.str",
        "Morgan",
        "Senior",
        Role.SENIOR,
        "STR/Thanet and Dover",
        job_title="Senior STR worker",
    ),
    DemoUser(
        "pm.str",
        "Noel",
        "Provision",
        Role.PROVISION_MANAGER,
        oversees=("STR",),
        job_title="STR provision manager",
    ),
    DemoUser("admin.bep", "Remy", "Admin", Role.ADMIN, "BEP/Barnet West", job_title="Hub admin"),
    DemoUser(
        "worker.bep",
        "Taylor",
        "Worker",
        Role.WORKER,
        "BEP/Barnet West",
        skills=("peer-support", "navigator"),
        job_title="Peer support worker",
    ),
    DemoUser(
        "senior.bep",
        "Reese",
        "Senior",
        Role.SENIOR,
        "BEP/Barnet North",
        skills=("social-therapy",),
        job_title="Consultant social worker",
    ),
    DemoUser(
        "pm.bep",
        "Shay",
        "Provision",
        Role.PROVISION_MANAGER,
        oversees=("BEP", "BEN"),
        job_title="Hub manager",
    ),
    # Each hub has a team leader (a consultant social worker) to screen and allocate, and
    # someone to allocate to (seed 003 LEH "Teams": a team leader, social workers, peer
    # support workers, navigators).
    DemoUser(
        "senior.bep.west",
        "Jordan",
        "Senior",
        Role.SENIOR,
        "BEP/Barnet West",
        skills=("social-therapy",),
        job_title="Consultant social worker",
    ),
    DemoUser(
        "worker.bep.north",
        "Casey",
        "Worker",
        Role.WORKER,
        "BEP/Barnet North",
        skills=("navigator",),
        job_title="Social worker",
    ),
    DemoUser(
        "senior.bep.south",
        "Harper",
        "Senior",
        Role.SENIOR,
        "BEP/Barnet South",
        skills=("social-therapy",),
        job_title="Consultant social worker",
    ),
    DemoUser(
        "worker.bep.south",
        "Riley",
        "Worker",
        Role.WORKER,
        "BEP/Barnet South",
        skills=("peer-support",),
        job_title="Peer support worker",
    ),
    # The Network, which takes the hubs' Enhanced referrals (seed 003 "Enhanced"; its
    # enablement teams are "built on the skill mix of the current Network model", AEOs and
    # occupational therapists).
    DemoUser(
        "admin.ben",
        "Dale",
        "Admin",
        Role.ADMIN,
        "BEN/Barnet Enablement Network",
        job_title="Network admin",
    ),
    DemoUser(
        "senior.ben",
        "Ellis",
        "Senior",
        Role.SENIOR,
        "BEN/Barnet Enablement Network",
        job_title="Network enablement team leader",
    ),
    DemoUser(
        "worker.ben",
        "Frankie",
        "Worker",
        Role.WORKER,
        "BEN/Barnet Enablement Network",
        skills=("occupational-therapist",),
        job_title="Occupational therapist, Network enablement team",
    ),
]


def demo_nhs_number(n: int) -> str:
    """NHS numbers beginning 999 are never issued to real patients; add a valid check digit."""
    for i in range(n, n + 1000):
        body = f"999{i:06d}"
        total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return body + str(check)
    raise ValueError("no number")


# (given, family, years old, team, diagnosis, postcode, communication needs, carer)
PEOPLE = [
    (
        "Pat",
        "Example",
        34,
        "KERS/Kent East",
        "mental_health",
        "CT1 2EH",
        "",
        ("Chris Example", "partner"),
    ),
    (
        "Ada",
        "Sample",
        41,
        "KERS/Kent East",
        "mental_health",
        "CT9 1AA",
        "Prefers text messages",
        None,
    ),
    ("Bo", "Specimen", 29, "KERS/Kent East", "mental_health", "CT16 1AA", "", None),
    (
        "Cy",
        "Placeholder",
        67,
        "KERS/Kent East",
        "mental_health",
        "TN23 1AA",
        "Hearing aid",
        ("Dee Placeholder", "daughter"),
    ),
    ("Eli", "Fictional", 52, "KERS/Kent West", "mental_health", "ME14 1XQ", "", None),
    (
        "Fay",
        "Madeup",
        23,
        "KERS/Kent West",
        "mental_health",
        "TN1 1AA",
        "Needs a Polish interpreter",
        None,
    ),
    ("Gus", "Testcase", 38, "KERS/Kent West", "mental_health", "DA1 1AA", "", None),
    (
        "Hal",
        "Invented",
        27,
        "AFD/Autism triage panel",
        "autism",
        "ME15 6AA",
        "Written information before meetings",
        ("Ivy Invented", "mother"),
    ),
    ("Ina", "Notreal", 31, "KPS/KPS Kent", "autism", "CT2 7AA", "Quiet room for meetings", None),
    ("Jo", "Pretend", 45, "ASS/Autism specialist support", "autism", "ME7 1AA", "Easy read", None),
    ("Kai", "Demo", 36, "STR/Thanet and Dover", "mental_health", "CT11 9AA", "", None),
    ("Lu", "Dummy", 58, "STR/Thanet and Dover", "mental_health", "CT17 9AA", "", None),
    ("Max", "Fixture", 44, "STR/Thanet and Dover", "mental_health", "CT14 6AA", "", None),
    ("Nia", "Mock", 30, "BEP/Barnet West", "mental_health", "NW9 6RR", "", None),
    (
        "Oli",
        "Stub",
        26,
        "BEP/Barnet North",
        "mental_health",
        "EN5 4BE",
        "",
        ("Pip Stub", "brother"),
    ),
    (
        "Quin",
        "Sketch",
        49,
        "BEP/Barnet South",
        "mental_health",
        "N3 1AB",
        "British Sign Language",
        None,
    ),
    # Accepted referrals for the allocation story: some allocated, some waiting.
    ("Rae", "Exemplar", 33, "KERS/Kent East", "mental_health", "CT1 3AA", "", None),
    ("Sol", "Proxy", 47, "KERS/Kent East", "mental_health", "CT10 1AA", "", None),
    ("Tam", "Mockup", 25, "KERS/Kent East", "mental_health", "CT20 1AA", "", None),
    ("Uma", "Standin", 39, "KERS/Kent East", "mental_health", "CT5 1AA", "Prefers email", None),
    ("Val", "Surrogate", 55, "KERS/Kent East", "mental_health", "CT6 5AA", "", None),
    ("Wyn", "Facsimile", 28, "KERS/Kent East", "mental_health", "CT7 9AA", "", None),
    ("Xan", "Lookalike", 42, "KERS/Kent West", "mental_health", "ME15 7AA", "", None),
]


def _team(ref: str | None) -> Team | None:
    if not ref:
        return None
    code, name = ref.split("/", 1)
    return Team.objects.get(service__code=code, name=name)


@transaction.atomic
def load_demo(*, now, episodes: bool = False) -> dict:
    """The demo at `now`. With `episodes`, also the enablements in every state
    (`demo.episodes`): `make run`, `load_demo` and the bench ask for them; the tests' `demo`
    fixture keeps the allocation story alone (its room, proposals and forecast figures are
    asserted throughout) and the `demo_episodes` fixture adds them."""
    created = {"services": 0, "users": 0, "people": 0}
    sysadmin = None
    # The services' settings name outcome instruments, which must exist first (the data
    # migration writes them; a test database flushed since has none).
    ensure_instruments()
    for spec in SERVICES:
        if not Service.objects.filter(code=spec["code"]).exists():
            service_create(
                code=spec["code"],
                name=spec["name"],
                organisation=spec["organisation"],
                description=spec["description"],
                contact_phone=spec.get("contact_phone", ""),
                values=spec["values"],
                sources=spec["sources"],
                actor=sysadmin,
                now=now,
            )
            created["services"] += 1
    for code, name, kind, area, districts in TEAMS:
        Team.objects.get_or_create(
            service=Service.objects.get(code=code),
            name=name,
            defaults={
                "kind": kind,
                "area": area,
                "postcode_districts": districts,
                "active": (code, name) not in UNSTAFFED_IN_DEMO,
            },
        )
    for code, name in SKILLS:
        Skill.objects.get_or_create(code=code, defaults={"name": name})
    all_services = list(Service.objects.all())
    for code, name, description in RESOURCES:
        resource, made = Resource.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "source": "seed 003 LEH 'Enablement resources'",
            },
        )
        if made:
            resource.services.set(all_services)

    user_model = get_user_model()
    for spec in USERS:
        user, made = user_model.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@example.invalid",
            },
        )
        if not made:
            continue
        created["users"] += 1
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=ROLES[spec.role].group))
        if spec.role in (Role.PERSON, Role.CARER, Role.REFERRER):
            continue
        staff = StaffMember.objects.create(
            user=user, team=_team(spec.team), fte=Decimal(spec.fte), job_title=spec.job_title
        )
        staff.skills.set(Skill.objects.filter(code__in=spec.skills))
        staff.services.set(Service.objects.filter(code__in=spec.oversees))
        if spec.on_leave_days:
            today = now.date()
            staff.leave.create(
                start=today, end=today + timedelta(days=spec.on_leave_days), kind="annual"
            )

    admin_of = {}
    for spec in USERS:
        if spec.role in (Role.ADMIN, Role.SENIOR) and spec.team and spec.team not in admin_of:
            admin_of[spec.team] = user_model.objects.get(username=spec.username)
    referrer = user_model.objects.get(username="referrer")
    for i, (given, family, age, team_ref, diagnosis, postcode, needs, carer) in enumerate(PEOPLE):
        nhs = demo_nhs_number(100 + i * 37)
        if Person.objects.filter(nhs_number=nhs).exists():
            continue
        team = _team(team_ref)
        # Kent East people were recorded by the demo referrer so "My referrals" is not empty.
        actor = referrer if team_ref == "KERS/Kent East" and i < 3 else admin_of.get(team_ref)
        dob = date(now.year - age, 1 + (i * 5) % 12, 1 + (i * 7) % 28)
        person = person_create(
            values={
                "given_name": given,
                "family_name": family,
                "date_of_birth": dob,
                "nhs_number": nhs,
                "case_system_id": f"DEMO{1000 + i}",
                "address_line_1": f"{10 + i} Example Street",
                "town": "Exampleton",
                "postcode": postcode,
                "phone": f"07700 900{100 + i:03d}",
                "primary_diagnosis": diagnosis,
                "communication_needs": needs,
            },
            actor=actor,
            now=now,
            team=team,
        )
        created["people"] += 1
        if carer:
            carer_add(
                person=person,
                values={"name": carer[0], "relationship": carer[1]},
                actor=actor,
                now=now,
            )
    pat = Person.objects.get(given_name="Pat", family_name="Example")
    if pat.portal_user_id is None:
        pat.portal_user = user_model.objects.get(username="person")
        pat.save(update_fields=["portal_user"])
    Carer.objects.filter(person=pat, name="Chris Example", portal_user__isnull=True).update(
        portal_user=user_model.objects.get(username="carer")
    )
    created["referrals"] = _load_referrals(now=now, referrer=referrer)
    from enablement.demo.feedback import load_feedback_examples, load_feedback_setup

    load_feedback_setup(now=now)
    if episodes:
        from enablement.demo.episodes import load_episodes

        created["episodes"] = load_episodes(now=now)
        load_feedback_examples(now=now)
    return created


def _demo_values(named, now, **extra) -> dict:
    return {
        "source": extra.pop("source", "community_mh_social_work"),
        "named_social_worker": named,
        "need_identified": True,
        "work_requested": "Rebuild a daily routine and travel independently to the "
        "Monday peer group at the library",
        "intended_outcomes": "Attends the group alone by week 8",
        "deliverable_within_length": True,
        "consent_to_share": True,
        "ongoing_cmh_social_work": True,
        "diagnosed_need": True,
        "eligible_needs": True,
        # Assessed face to face three weeks before (seed 000 §5, seed 001 §5).
        "face_to_face_assessment": True,
        "eligibility_assessed_on": now.date() - timedelta(days=21),
        **extra,
    }


def _demo_risks(now):
    from enablement.referrals.rules import RiskArea
    from enablement.referrals.services import RiskEntry

    assessed = now.date() - timedelta(days=14)
    return {area: RiskEntry("None known", assessed) for area in RiskArea}


def _load_referrals(*, now, referrer) -> int:
    """A few referrals in different states, so every queue has something in it."""
    from enablement.referrals import services as referrals
    from enablement.referrals.models import Referral

    if Referral.objects.exists():
        return 0
    user_model = get_user_model()
    admin = user_model.objects.get(username="admin.east")
    senior = user_model.objects.get(username="senior.east")
    kers_east = Team.objects.get(service__code="KERS", name="Kent East")
    afd_panel = Team.objects.get(service__code="AFD", name="Autism triage panel")

    def refer(family, service_code, team, at=None, **extra):
        person = Person.objects.get(family_name=family)
        return referrals.submit_referral(
            service=Service.objects.get(code=service_code),
            team=team,
            person=person,
            values=_demo_values(referrer, at or now, **extra),
            risks=_demo_risks(at or now),
            referrer=referrer,
            actor=referrer,
            now=at or now,
        )

    refer("Sample", "KERS", kers_east)  # waiting for the admin
    waiting = refer("Specimen", "KERS", kers_east)
    # Waiting for screening; the admin has asked for the person to be opened to the locality
    # team on the case system and waits for the confirmation (seed 000 process overview).
    referrals.validate_referral(
        referral=waiting, actor=admin, now=now, case_system_requested_on=timezone.localdate(now)
    )
    held = refer("Placeholder", "KERS", kers_east)
    referrals.validate_referral(referral=held, actor=admin, now=now, case_system_already_open=True)
    referrals.hold_referral(
        referral=held,
        concern="A recent letter mentions eviction proceedings: is the home safe for visits?",
        actor=senior,
        now=now,
    )
    returned = refer("Example", "KERS", kers_east)
    referrals.return_referral(
        referral=returned,
        missing=["work_specific"],
        note="Please say what the person wants to be able to do.",
        actor=admin,
        now=now,
    )
    refer("Invented", "AFD", afd_panel, source="social_work_team")  # for the panel's admin
    # Validated and waiting for the panel's screening and decision (seed 001 §10).
    in_triage = refer("Notreal", "AFD", afd_panel, source="social_work_team")
    referrals.validate_referral(
        referral=in_triage, actor=user_model.objects.get(username="admin.autism"), now=now
    )
    # A public self-referral for the Barnet admin to match: the NHS number is Ada Sample's,
    # the spelling of her name is not. Nothing of it touches her record until matched.
    ada = Person.objects.get(family_name="Sample")
    referrals.submit_referral(
        service=Service.objects.get(code="BEP"),
        team=None,
        person=None,
        submitted_details={
            "given_name": "Ada",
            "family_name": "Sampel",
            "date_of_birth": ada.date_of_birth,
            "nhs_number": ada.nhs_number,
            "postcode": "EN5 4BE",
            "phone": "020 7946 0999",
            "email": "",
            "primary_diagnosis": "mental_health",
            "carer_name": "",
            "contact_method": "phone",
        },
        values={
            "source": "self",
            "named_social_worker": None,
            "need_identified": True,
            "work_requested": "Help to get back to volunteering at the food bank",
            "intended_outcomes": "",
            "deliverable_within_length": True,
            "consent_to_share": True,
        },
        risks={},
        referrer=None,
        actor=None,
        now=now,
    )
    return 7 + _load_allocation_story(now=now, refer=refer)


def _load_allocation_story(*, now, refer) -> int:
    """Accepted referrals over the last weeks: three allocated, three waiting in Kent East,
    and one in Kent West that waits because nobody there has the skill it needs."""
    from enablement.allocation import rules, selectors
    from enablement.allocation.services import allocate
    from enablement.referrals import services as referrals

    user_model = get_user_model()
    senior = user_model.objects.get(username="senior.east")
    kers_east = Team.objects.get(service__code="KERS", name="Kent East")
    kers_west = Team.objects.get(service__code="KERS", name="Kent West")
    admins = {kers_east: user_model.objects.get(username="admin.east")}
    admins[kers_west] = user_model.objects.get(username="admin.west")
    seniors = {kers_east: senior, kers_west: user_model.objects.get(username="senior.west")}
    story = [
        # (family, team, days ago accepted, skills needed, joint working, allocated a day later)
        ("Exemplar", kers_east, 63, (), False, True),
        ("Proxy", kers_east, 41, ("autism-specialist",), False, True),
        ("Mockup", kers_east, 22, (), False, True),
        ("Standin", kers_east, 9, (), True, False),
        ("Surrogate", kers_east, 6, ("autism-specialist",), False, False),
        ("Facsimile", kers_east, 2, (), False, False),
        ("Lookalike", kers_west, 12, ("autism-specialist",), False, False),
        # Closed five months ago (below): a new KERS referral of Gus is refused until the
        # 12 months have passed, with the date it can be considered (seed 000 §9).
        ("Testcase", kers_west, 240, (), False, True),
    ]
    for family, team, days_ago, skills, joint, worker in story:
        at = now - timedelta(days=days_ago)
        referral = refer(family, "KERS", team, at=at, joint_working_requested=joint)
        referrals.validate_referral(
            referral=referral, actor=admins[team], now=at, case_system_already_open=True
        )
        referral = referrals.screen_referral(
            referral=referral,
            decision="accept",
            desktop_check_complete=True,
            complex_features=[],
            risk_notes="",
            not_appropriate=[],
            # The senior confirmed every factor that indicates the referral is appropriate.
            appropriate_factors=list(referral.service_settings.appropriate_factors),
            skills_needed=list(skills),
            reason="",
            actor=seniors[team],
            now=at,
        )
        if worker:
            # The senior takes the first proposal, as most allocations do.
            when = at + timedelta(days=1)
            first = rules.candidates(
                selectors.referral_facts(referral),
                selectors.team_workers(team, on=when.date()),
            )[0]
            staff = StaffMember.objects.get(pk=first.worker.id)
            allocate(referral=referral, worker=staff, actor=seniors[team], now=when)
    # Nothing closes an episode yet (the closure form comes with the enablement issue), so
    # the demo's one finished enablement is closed here, as that action will record it.
    from enablement.casework.models import Episode, EpisodeStatus

    Episode.objects.filter(referral__person__family_name="Testcase").update(
        status=EpisodeStatus.CLOSED, closed_at=now - timedelta(days=150)
    )
    return len(story)


def more_sign_ins() -> list[tuple[str, str]]:
    """(what they do, username) for every other demo user, so each path of each seed service
    can be walked by someone `make run` names."""
    firsts = {username for _, username in sign_in_list()}
    out = []
    for spec in USERS:
        if spec.username in firsts:
            continue
        where = f", {spec.team.split('/', 1)[1]}" if spec.team else ""
        out.append((f"{spec.job_title or ROLES[spec.role].label}{where}", spec.username))
    return out


def sign_in_list() -> list[tuple[str, str]]:
    """(role label, username) for the first demo user of each role."""
    seen, out = set(), []
    for spec in USERS:
        if spec.role not in seen:
            seen.add(spec.role)
            out.append((ROLES[spec.role].label, spec.username))
    return out
