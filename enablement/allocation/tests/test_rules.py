"""The allocation rules, pure: room, fit, the order of the waiting list, the plan."""

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enablement.allocation import rules
from enablement.catalogue.rules import caseload_capacity

T0 = datetime(2026, 1, 5, 9, 0)
AUTISM = "autism-specialist"
NAMES = {AUTISM: "Autism specialist"}


def worker(id, fte="1.0", open=0, skills=(), leave=None, team=1, name=None):
    from decimal import Decimal

    return rules.WorkerFacts(
        id=id,
        name=name or f"Worker {id}",
        team_id=team,
        capacity=caseload_capacity(15, Decimal(fte)),
        open_episodes=open,
        skills=frozenset(skills),
        skill_names=NAMES,
        on_leave_until=leave,
    )


def referral(id, days=0, skills=(), team=1):
    return rules.ReferralFacts(
        id=id,
        reference=f"KERS-{id:06d}",
        accepted_at=T0 + timedelta(days=days),
        team_id=team,
        skills_needed=frozenset(skills),
        skill_names=NAMES,
    )


# --- Room -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fte,open,room", [("1.0", 0, 15), ("0.6", 0, 9), ("0.6", 4, 5), ("1.0", 15, 0), ("1.0", 17, 0)]
)
def test_room_is_places_less_open_episodes_never_below_zero(fte, open, room):
    assert worker(1, fte=fte, open=open).room == room


def test_a_worker_on_leave_has_no_room_whatever_their_caseload():
    assert worker(1, open=0, leave=date(2026, 1, 9)).room == 0


# --- Fit and the proposal -------------------------------------------------------------------


def test_every_reason_a_worker_does_not_fit_is_given():
    busy = worker(1, open=15, team=2)
    assert rules.unfit_reasons(referral(1, skills=[AUTISM]), busy) == [
        "In another team",
        "No room: 15 open of 15 places",
        "Does not have the skills needed: Autism specialist",
    ]
    away = worker(2, leave=date(2026, 1, 9))
    assert rules.unfit_reasons(referral(1), away) == ["On leave until 9 January 2026"]


def test_the_lightest_caseload_as_a_share_is_proposed_first_with_the_reason():
    full_time = worker(1, open=6, name="Ash")  # 6 of 15: 40%
    part_time = worker(2, fte="0.6", open=3, name="Bo")  # 3 of 9: 33%
    away = worker(3, leave=date(2026, 1, 9), name="Cy")
    ranked = rules.candidates(referral(1), [full_time, part_time, away])
    assert [(c.worker.name, c.fits) for c in ranked] == [
        ("Bo", True),
        ("Ash", True),
        ("Cy", False),
    ]
    assert ranked[0].reasons == ("Room for 6 more: 3 open of 9 places (33% used)",)
    assert ranked[2].reasons == ("On leave until 9 January 2026",)


def test_only_the_referral_teams_workers_are_candidates():
    ranked = rules.candidates(referral(1, team=1), [worker(1, team=1), worker(2, team=2)])
    assert [c.worker.id for c in ranked] == [1]


def test_a_referral_needing_a_skill_is_proposed_only_workers_with_it():
    ranked = rules.candidates(referral(1, skills=[AUTISM]), [worker(1), worker(2, skills=[AUTISM])])
    assert [(c.worker.id, c.fits) for c in ranked] == [(2, True), (1, False)]
    assert "Has the skills needed: Autism specialist" in ranked[0].reasons


@pytest.mark.parametrize(
    "workers,reason",
    [
        ([], "The team has no workers who hold a caseload"),
        ([worker(1)], "No worker in the team has the skills needed: Autism specialist"),
        (
            [worker(1, skills=[AUTISM], leave=date(2026, 1, 20)), worker(2, open=15)],
            "Every worker with the skills needed (Autism specialist) is on leave; the first "
            "is back after 20 January 2026",
        ),
        (
            [worker(1, skills=[AUTISM], fte="0.6", open=9), worker(2)],
            "No worker with the skills needed (Autism specialist) has room",
        ),
    ],
)
def test_why_a_referral_needing_a_skill_waits(workers, reason):
    assert rules.why_waiting(referral(1, skills=[AUTISM]), workers) == reason


def test_why_a_referral_without_needs_waits():
    assert rules.why_waiting(referral(1), [worker(1, open=15)]) == "No worker in the team has room"
    assert rules.why_waiting(referral(1), [worker(1, leave=date(2026, 2, 1))]) == (
        "Every worker in the team is on leave; the first is back after 1 February 2026"
    )


# --- The senior's choice ---------------------------------------------------------------------


def test_taking_the_first_proposal_needs_nothing_more():
    choice = rules.check_choice(referral(1), 2, [worker(1, open=5), worker(2, open=1)])
    assert choice.is_first_proposal and choice.fits
    assert choice.problems(reason="", override=False) == {}


def test_choosing_another_worker_who_fits_needs_a_reason():
    choice = rules.check_choice(referral(1), 1, [worker(1, open=5, name="Ash"), worker(2, open=1)])
    assert choice.fits and not choice.is_first_proposal
    assert choice.problems(reason=" ", override=False) == {
        "reason": "Record why you chose Ash rather than the first proposal"
    }
    assert choice.problems(reason="Knows the person from a group", override=False) == {}


def test_a_worker_without_room_needs_the_override_and_a_reason():
    choice = rules.check_choice(referral(1), 1, [worker(1, open=15, name="Ash"), worker(2)])
    assert not choice.fits
    problems = choice.problems(reason="", override=False)
    assert problems["override"] == (
        "Ash cannot take this referral now (no room: 15 open of 15 places). To allocate "
        "anyway, confirm the override and record why"
    )
    assert "reason" in problems
    assert choice.problems(reason="Only worker who speaks Polish", override=False).keys() == {
        "override"
    }
    assert choice.problems(reason="Only worker who speaks Polish", override=True) == {}


def test_another_teams_worker_is_not_a_choice_at_all():
    assert rules.check_choice(referral(1, team=1), 9, [worker(9, team=2)]) is None


# --- The plan: allocate all that fit, in order ------------------------------------------------


def test_three_workers_and_forty_referrals_fill_exactly_the_room_oldest_first():
    """The issue's acceptance case: 1.0, 1.0 and 0.6 FTE, one on leave; the fourth-oldest
    needs an autism specialist and the only one has no room, so it waits and says why."""
    ash = worker(1, fte="1.0", open=3, name="Ash")  # 12 places free
    bo = worker(2, fte="1.0", open=0, leave=date(2026, 3, 6), name="Bo")  # on leave
    cy = worker(3, fte="0.6", open=9, skills=[AUTISM], name="Cy")  # 0.6 FTE: 9 places, full
    referrals = [referral(i, days=i, skills=[AUTISM] if i == 4 else ()) for i in range(1, 41)]
    plan = rules.plan(reversed(referrals), [ash, bo, cy])  # order given does not matter
    assert len(plan.assignments) == 12 == ash.room + bo.room + cy.room
    assert [a.referral.id for a in plan.assignments] == [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert {a.worker.id for a in plan.assignments} == {1}
    fourth = next(w for w in plan.waiting if w.referral.id == 4)
    assert fourth.reason == "No worker with the skills needed (Autism specialist) has room"
    assert [w.referral.id for w in plan.waiting] == [4, *range(14, 41)]


def test_with_room_the_specialist_takes_the_referral_needing_them():
    ash = worker(1, open=0, name="Ash")
    cy = worker(3, fte="0.6", open=8, skills=[AUTISM], name="Cy")  # one place
    referrals = [referral(1, skills=[AUTISM]), referral(2, days=1, skills=[AUTISM])]
    plan = rules.plan(referrals, [ash, cy])
    assert [(a.referral.id, a.worker.id) for a in plan.assignments] == [(1, 3)]
    assert [w.referral.id for w in plan.waiting] == [2]


def test_the_plan_spreads_work_by_share_of_caseload():
    plan = rules.plan(
        [referral(i, days=i) for i in range(1, 5)],
        [worker(1, name="Ash"), worker(2, fte="0.6", name="Bo")],
    )
    # 0/15 and 0/9 tie on share: the most room (Ash) first; then Bo at 0% beats Ash at 7%.
    assert [a.worker.id for a in plan.assignments] == [1, 2, 1, 2]


def test_ties_on_acceptance_are_broken_by_id_so_the_order_is_stable():
    same = [referral(3), referral(1), referral(2)]
    assert [r.id for r in rules.waiting_order(same)] == [1, 2, 3]


def test_team_figures_total_places_and_open_episodes():
    figures = rules.team_figures([worker(1, open=16), worker(2, fte="0.6", open=3)])
    assert (figures.capacity, figures.open_episodes, figures.room) == (24, 19, 5)
    assert figures.ratio == pytest.approx(19 / 24)
    assert rules.team_figures([]).ratio is None


_workers = st.lists(
    st.builds(
        worker,
        id=st.integers(1, 10_000),
        fte=st.sampled_from(["0.2", "0.5", "0.6", "0.8", "1.0"]),
        open=st.integers(0, 16),
        skills=st.sampled_from([(), (AUTISM,)]),
        leave=st.sampled_from([None, date(2026, 2, 1)]),
    ),
    max_size=6,
    unique_by=lambda w: w.id,
)
_referrals = st.lists(
    st.builds(
        referral,
        id=st.integers(1, 10_000),
        days=st.integers(0, 60),
        skills=st.sampled_from([(), (AUTISM,)]),
    ),
    max_size=40,
    unique_by=lambda r: r.id,
)


@settings(max_examples=300)
@given(workers=_workers, referrals=_referrals)
def test_the_plan_never_exceeds_room_and_keeps_order(workers, referrals):
    plan = rules.plan(referrals, workers)
    # Every referral is either allocated or waits, once.
    ids = [a.referral.id for a in plan.assignments] + [w.referral.id for w in plan.waiting]
    assert sorted(ids) == sorted(r.id for r in referrals)
    by_id = {w.id: w for w in workers}
    for w in workers:
        given_to = sum(1 for a in plan.assignments if a.worker.id == w.id)
        assert given_to <= w.room  # never beyond room, never to someone on leave
    for a in plan.assignments:
        assert a.referral.skills_needed <= by_id[a.worker.id].skills
    # Oldest first: a referral with no special needs never waits while a younger one with
    # no special needs is allocated.
    plain_waiting = [w.referral for w in plan.waiting if not w.referral.skills_needed]
    plain_given = [a.referral for a in plan.assignments if not a.referral.skills_needed]
    if plain_waiting and plain_given:
        oldest_waiting = min((r.accepted_at, r.id) for r in plain_waiting)
        assert all((r.accepted_at, r.id) < oldest_waiting for r in plain_given)
    # It allocates as much as there is room for: nobody left waiting fits anyone left.
    left = {w.id: w.room for w in workers}
    for a in plan.assignments:
        left[a.worker.id] -= 1
    for waits in plan.waiting:
        assert not any(left[w.id] > 0 and waits.referral.skills_needed <= w.skills for w in workers)


# --- Allocating a referral out of order (issue 12 item 4) ------------------------------------


def test_the_oldest_referral_is_in_order():
    waiting = [referral(1, days=0), referral(2, days=1)]
    assert rules.passed_over(waiting[0], waiting, [worker(10)]) is None


def test_a_younger_referral_passes_over_the_oldest_that_fits():
    waiting = [referral(1, days=0), referral(2, days=1), referral(3, days=2)]
    assert rules.passed_over(waiting[2], waiting, [worker(10)]) == waiting[0]


def test_the_order_of_the_list_given_does_not_matter():
    waiting = [referral(3, days=2), referral(2, days=1), referral(1, days=0)]
    assert rules.passed_over(waiting[0], waiting, [worker(10)]).id == 1


def test_an_older_referral_nobody_fits_is_not_passed_over():
    # The oldest needs an autism specialist and nobody has the skill: the next one is in order.
    waiting = [referral(1, days=0, skills=[AUTISM]), referral(2, days=1)]
    assert rules.passed_over(waiting[1], waiting, [worker(10)]) is None


def test_the_longest_waiting_that_fits_is_named_when_several_are_passed_over():
    waiting = [
        referral(1, days=0, skills=[AUTISM]),  # nobody fits
        referral(2, days=1),
        referral(3, days=2),
        referral(4, days=3),
    ]
    assert rules.passed_over(waiting[3], waiting, [worker(10)]).id == 2


def test_a_skilled_worker_makes_the_older_referral_fit():
    waiting = [referral(1, days=0, skills=[AUTISM]), referral(2, days=1)]
    workers = [worker(10), worker(11, skills=[AUTISM])]
    assert rules.passed_over(waiting[1], waiting, workers).id == 1


@pytest.mark.parametrize(
    "workers",
    [
        [],
        [worker(10, open=15)],  # no room
        [worker(10, leave=date(2026, 1, 9))],  # on leave
        [worker(10, team=2)],  # another team's worker
    ],
    ids=["nobody", "no-room", "on-leave", "other-team"],
)
def test_nobody_with_room_in_the_team_means_no_referral_is_passed_over(workers):
    waiting = [referral(1, days=0), referral(2, days=1)]
    assert rules.passed_over(waiting[1], waiting, workers) is None


def test_another_teams_older_referral_is_not_passed_over():
    waiting = [referral(1, days=0, team=2), referral(2, days=1, team=1)]
    workers = [worker(10, team=1), worker(20, team=2)]
    assert rules.passed_over(waiting[1], waiting, workers) is None


def test_the_same_acceptance_time_is_ordered_by_id():
    waiting = [referral(1, days=0), referral(2, days=0)]
    assert rules.passed_over(waiting[1], waiting, [worker(10)]).id == 1
    assert rules.passed_over(waiting[0], waiting, [worker(10)]) is None


def test_a_younger_referral_is_never_passed_over():
    waiting = [referral(1, days=0, skills=[AUTISM]), referral(2, days=1)]
    assert rules.passed_over(waiting[0], waiting, [worker(10)]) is None


def test_a_referral_not_in_the_list_given_is_checked_against_it():
    waiting = [referral(1, days=0)]
    assert rules.passed_over(referral(2, days=1), waiting, [worker(10)]).id == 1


def test_in_plan_order_no_assignment_passes_over_a_referral():
    """'Allocate all that fit in order' is in order by definition: each assignment, checked
    against the referrals still waiting and the caseloads at that step, passes over none."""
    waiting = [
        referral(1, days=0, skills=[AUTISM]),
        referral(2, days=1),
        referral(3, days=2, skills=[AUTISM]),
        referral(4, days=3),
    ]
    workers = {w.id: w for w in [worker(10, fte="0.1", open=0), worker(11, skills=[AUTISM])]}
    left = list(waiting)
    for a in rules.plan(waiting, list(workers.values())).assignments:
        assert rules.passed_over(a.referral, left, list(workers.values())) is None
        left.remove(a.referral)
        w = workers[a.worker.id]
        workers[w.id] = replace(w, open_episodes=w.open_episodes + 1)


def test_passing_over_without_a_reason_is_refused_with_the_message_beside_the_field():
    older = referral(1, days=0)
    assert rules.out_of_order_problem(older, "") == {
        "out_of_order_reason": "KERS-000001, accepted on 5 January 2026, has waited longer "
        "and fits: say why this one goes first"
    }
    assert rules.out_of_order_problem(older, "   ") != {}
    assert rules.out_of_order_problem(older, "", accepted_on=date(2026, 1, 4)) == {
        "out_of_order_reason": "KERS-000001, accepted on 4 January 2026, has waited longer "
        "and fits: say why this one goes first"
    }


def test_a_reason_or_being_in_order_needs_nothing_more():
    assert rules.out_of_order_problem(referral(1), "Hospital discharge on Friday") == {}
    assert rules.out_of_order_problem(None, "") == {}
