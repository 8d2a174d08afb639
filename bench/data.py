"""The data bench/run.py and bench/export.py measure: people, referrals across every team
(mostly allocated with closed episodes, some open, about 2% waiting), workers for each team,
and visits, notes and reviews on the open episodes. Top-up only: each function counts what
is there and adds the rest, so a second run at the same size only measures.

To be replaced by the whole-product generator (issue 14 item 5); bench/run.py reaches these
through `ensure_data` only.
"""

import os
import random
from datetime import date, timedelta

from django.utils import timezone

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "200000"))
REFERRALS = int(os.environ.get("BENCH_REFERRALS", "200000"))
WORKERS_PER_TEAM = int(os.environ.get("BENCH_WORKERS_PER_TEAM", "40"))


def nhs(i: int) -> str:
    for j in range(i, i + 1000):
        body = f"{j:09d}"
        check = 11 - sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return body + str(check)
    raise ValueError


def generate(people: int | None = None):
    from enablement.catalogue.models import Team
    from enablement.people.models import Person

    people = PEOPLE if people is None else people
    have = Person.objects.count()
    if have >= people:
        return
    rng = random.Random(7)
    teams = list(Team.objects.all())
    given = ["Ada", "Bo", "Cy", "Di", "Eli", "Fay", "Gus", "Hal", "Ina", "Jo", "Kai", "Lu"]
    family = [f"Family{n}" for n in range(5000)]
    now = timezone.now()
    batch = []
    for i in range(have, people):
        batch.append(
            Person(
                nhs_number=nhs(i * 1000 + 17)[:10] if i % 3 else None,
                given_name=rng.choice(given),
                family_name=rng.choice(family),
                date_of_birth=date(1950, 1, 1) + timedelta(days=rng.randrange(20000)),
                primary_diagnosis="mental_health",
                registered_team=rng.choice(teams),
                created_at=now,
            )
        )
        if len(batch) == 5000:
            Person.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Person.objects.bulk_create(batch, ignore_conflicts=True)


def generate_casework(
    referrals: int | None = None, people: int | None = None, workers_per_team: int | None = None
):
    """Referrals across every team with a direct or hub route: most allocated long ago with
    closed episodes, some open, a waiting list of about 2% accepted. Each team gets
    WORKERS_PER_TEAM workers so the proposals have a real team to rank."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from enablement.accounts.roles import ROLES, Role
    from enablement.casework.models import Episode
    from enablement.catalogue.models import StaffMember, Team
    from enablement.people.models import Person
    from enablement.referrals.models import Referral

    referrals = REFERRALS if referrals is None else referrals
    people_wanted = PEOPLE if people is None else people
    workers_per_team = WORKERS_PER_TEAM if workers_per_team is None else workers_per_team
    have = Referral.objects.count()
    if have >= referrals:
        return
    rng = random.Random(11)
    now = timezone.now()
    user_model = get_user_model()
    group = Group.objects.get(name=ROLES[Role.WORKER].group)
    teams = [t for t in Team.objects.select_related("service") if t.kind != "panel"]
    workers: dict[int, list[StaffMember]] = {}
    for team in teams:
        staff = list(StaffMember.objects.filter(team=team, user__groups=group))
        for n in range(len(staff), workers_per_team):
            user = user_model.objects.create(
                username=f"bench.{team.pk}.{n}", first_name="Bench", last_name=f"W{team.pk}-{n}"
            )
            user.groups.add(group)
            staff.append(
                StaffMember.objects.create(user=user, team=team, fte=rng.choice([1, 0.6, 0.8]))
            )
        workers[team.pk] = staff
    settings = {t.service_id: t.service.current_settings for t in teams}
    senior = user_model.objects.get(username="senior.east")
    people = list(Person.objects.values_list("pk", flat=True)[:people_wanted])
    open_left = {s.pk: 10 for team in workers.values() for s in team}
    batch, episodes = [], []
    for i in range(have, referrals):
        team = teams[i % len(teams)]
        at = now - timedelta(days=rng.randrange(1, 700), minutes=rng.randrange(1440))
        roll = rng.random()
        status = "accepted" if roll < 0.02 else ("allocated" if roll < 0.82 else "declined")
        batch.append(
            Referral(
                reference=f"B-{i:08d}",
                service_id=team.service_id,
                service_settings=settings[team.service_id],
                team=team,
                person_id=people[i % len(people)],
                status=status,
                source="community_mh_social_work",
                created_at=at,
                first_submitted_at=at,
                received_at=at,
                decided_at=at + timedelta(days=2),
                work_requested="bench",
            )
        )
        if len(batch) == 5000 or i == referrals - 1:
            Referral.objects.bulk_create(batch)
            made = Referral.objects.filter(reference__in=[r.reference for r in batch])
            for r in made.filter(status="allocated"):
                worker = rng.choice(workers[r.team_id])
                still_open = open_left[worker.pk] > 0 and r.decided_at > now - timedelta(days=90)
                if still_open:
                    open_left[worker.pk] -= 1
                episodes.append(
                    Episode(
                        referral=r,
                        person_id=r.person_id,
                        service_id=r.service_id,
                        service_settings_id=r.service_settings_id,
                        team_id=r.team_id,
                        worker=worker,
                        status="active" if still_open else "closed",
                        allocated_at=r.decided_at + timedelta(days=3),
                        allocated_by=senior,
                        allocation_reason="bench",
                        closed_at=None if still_open else r.decided_at + timedelta(days=80),
                    )
                )
            Episode.objects.bulk_create(episodes)
            batch, episodes = [], []


VISITS_PER_EPISODE = int(os.environ.get("BENCH_VISITS_PER_EPISODE", "10"))


def generate_visits():
    """Each open episode of the bench gets a started clock, a review row, visits (most
    recorded, one planned) and notes, so the caseload and the episode page read real rows."""
    from enablement.casework.models import OPEN_EPISODE_STATUSES, Episode
    from enablement.reviews.models import Review
    from enablement.visits.models import CaseNote, Visit

    # The demo's own enablements have visits too: look for the bench's.
    if Visit.objects.filter(episode__referral__reference__startswith="B-").exists():
        return
    now = timezone.now()
    senior = Episode.objects.filter(status__in=OPEN_EPISODE_STATUSES).values_list(
        "allocated_by_id", flat=True
    )[:1]
    author = senior[0] if senior else None
    visits, notes, reviews = [], [], []
    bench_open = Episode.objects.filter(
        status__in=OPEN_EPISODE_STATUSES, referral__reference__startswith="B-"
    )
    for e in bench_open.only("pk", "allocated_at"):
        started = timezone.localdate(e.allocated_at) + timedelta(days=7)
        Episode.objects.filter(pk=e.pk).update(
            started_on=started,
            planned_end=started + timedelta(weeks=12),
            next_review_due=started + timedelta(weeks=6),
        )
        reviews.append(Review(episode_id=e.pk, week=6, due_on=started + timedelta(weeks=6)))
        for k in range(VISITS_PER_EPISODE):
            planned = now - timedelta(days=2 * (VISITS_PER_EPISODE - k))
            last = k == VISITS_PER_EPISODE - 1
            visits.append(
                Visit(
                    episode_id=e.pk,
                    planned_for=now + timedelta(days=2) if last else planned,
                    outcome="" if last else "attended",
                    happened_on=None if last else planned.date(),
                    planned_by_id=author,
                )
            )
            notes.append(
                CaseNote(
                    episode_id=e.pk,
                    kind="contact",
                    text="bench",
                    written_at=planned,
                    written_by_id=author,
                )
            )
        if len(visits) >= 20000:
            Visit.objects.bulk_create(visits)
            CaseNote.objects.bulk_create(notes)
            Review.objects.bulk_create(reviews)
            visits, notes, reviews = [], [], []
    Visit.objects.bulk_create(visits)
    CaseNote.objects.bulk_create(notes)
    Review.objects.bulk_create(reviews)
