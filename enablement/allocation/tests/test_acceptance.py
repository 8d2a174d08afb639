"""The issue's acceptance case through the database and the action, not only the pure plan:
three workers (1.0, 1.0 and 0.6 FTE, one on leave) and 40 accepted referrals. Places come
from the service settings (KERS: 15 per full-time worker), leave from leave periods and
skills from staff records, as in the running product."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from enablement.accounts.roles import ROLES, Role
from enablement.allocation import selectors, services
from enablement.allocation.tests.helpers import fill_caseload
from enablement.catalogue.models import Service, Skill, StaffMember, Team
from enablement.referrals.models import Referral
from enablement.referrals.rules import Status

NOW = timezone.make_aware(dt.datetime(2026, 3, 3, 10, 0))


@pytest.fixture
def team_of_three(demo):
    kers = Service.objects.get(code="KERS")
    team = Team.objects.create(service=kers, name="Acceptance team")
    group = Group.objects.get(name=ROLES[Role.WORKER].group)
    autism = Skill.objects.get(code="autism-specialist")
    made = {}
    for username, fte in (("full.one", "1.00"), ("full.two", "1.00"), ("part", "0.60")):
        user = get_user_model().objects.create(
            username=username, first_name=username.title(), last_name="Acceptance"
        )
        user.groups.add(group)
        made[username] = StaffMember.objects.create(user=user, team=team, fte=Decimal(fte))
    made["part"].skills.add(autism)
    made["full.two"].leave.create(start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 13))
    senior = get_user_model().objects.create(username="acceptance.senior")
    senior.groups.add(Group.objects.get(name=ROLES[Role.SENIOR].group))
    StaffMember.objects.create(user=senior, team=team)
    base = Referral.objects.get(person__family_name="Facsimile")
    referrals = []
    for n in range(40):
        r = Referral.objects.get(pk=base.pk)
        r.pk, r.reference, r.team = None, f"ACC-{n + 1:03d}", team
        r.decided_at = NOW - dt.timedelta(days=40 - n)  # ACC-001 is the oldest
        r.save()
        if n == 3:
            r.skills_needed.add(autism)
        referrals.append(r)
    return team, made, senior, referrals


def _confirm(team, senior):
    plan = selectors.team_plan(team, on=NOW.date()).plan
    return plan, services.allocate_all(team=team, reviewed=plan.pairs(), actor=senior, now=NOW)


def test_allocation_fills_exactly_the_room_oldest_first_skills_respected(team_of_three):
    """The 0.6 FTE specialist has 9 places, all taken: the fourth-oldest, needing an
    autism specialist, waits, and the list says why."""
    team, made, senior, referrals = team_of_three
    part = made["part"]
    fill_caseload(part, 9, like=referrals[0], by=senior, at=NOW)  # 9 of 9 places
    with time_machine.travel(NOW, tick=False):
        plan, episodes = _confirm(team, senior)
    # Room: 15 (full.one) + 0 (full.two, on leave) + 0 (part, 9 of 9) = 15.
    assert len(episodes) == 15
    assert {e.worker.user.username for e in episodes} == {"full.one"}
    given = [e.referral.reference for e in episodes]
    assert given == [f"ACC-{n:03d}" for n in (1, 2, 3, *range(5, 17))]
    fourth = next(w for w in plan.waiting if w.referral.reference == "ACC-004")
    assert fourth.reason == "No worker with the skills needed (Autism specialist) has room"
    waiting = Referral.objects.filter(team=team, status=Status.ACCEPTED).order_by("decided_at")
    assert [r.reference for r in waiting] == ["ACC-004", *[f"ACC-{n:03d}" for n in range(17, 41)]]


def test_with_the_specialist_free_they_take_the_referral_needing_them(team_of_three):
    team, _, senior, _ = team_of_three
    with time_machine.travel(NOW, tick=False):
        _, episodes = _confirm(team, senior)
    # Room: 15 + 0 (on leave) + 9 = 24, every one used.
    assert len(episodes) == 24
    by_worker = {}
    for e in episodes:
        by_worker.setdefault(e.worker.user.username, []).append(e.referral.reference)
    assert len(by_worker["full.one"]) == 15 and len(by_worker["part"]) == 9
    assert "ACC-004" in by_worker["part"]
    assert "full.two" not in by_worker
    assert sorted(r for refs in by_worker.values() for r in refs) == [
        f"ACC-{n:03d}" for n in range(1, 25)
    ]
