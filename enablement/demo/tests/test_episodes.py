"""The demo's enablements: every state, across the four services, written once."""

from enablement.casework.models import Episode, EpisodeHold
from enablement.closures.models import Closure, GoalOutcome
from enablement.demo.episodes import STORIES, load_episodes
from enablement.governance.models import Event
from enablement.plans.models import Plan
from enablement.reviews.models import Extension, Review
from enablement.visits.models import Visit


def test_every_state_across_the_four_services_once(demo_episodes):
    assert load_episodes(now=demo_episodes) == 0  # a second run writes nothing
    mine = Episode.objects.filter(person__family_name__in=[s.family for s in STORIES])
    assert mine.count() == len(STORIES)
    assert set(mine.values_list("status", flat=True)) == {
        "planning",
        "active",
        "on_hold",
        "closing",
        "closed",
    }
    assert set(mine.values_list("service__code", flat=True)) == {"KERS", "KPS", "ASS", "STR", "BEN"}
    # A planning meeting with a draft plan; an open hold; an extension asked for; a closure
    # proposed with its goal outcomes; a closed one agreed with its reason.
    assert Plan.objects.filter(episode__person__family_name="Drafted", status="draft").exists()
    assert EpisodeHold.objects.filter(episode__person__family_name="Paused").exists()
    assert Extension.objects.filter(episode__person__family_name="Extended").exists()
    closing = Closure.objects.get(episode__person__family_name="Closing")
    assert closing.status == "proposed" and closing.goal_outcomes.count() == 3
    gil = Episode.objects.get(person__family_name="Finished")
    assert gil.status == "closed" and gil.closure_reason == "goals_achieved" and gil.closed_at
    assert GoalOutcome.objects.filter(closure__episode=gil).count() == 3
    assert Episode.objects.get(person__family_name="Missed").missed_visits_prompted_at
    # Each step has an event, so the timelines show content.
    assert Event.objects.filter(episode=gil).count() >= 6


def test_clocks_and_reviews_as_the_start_writes_them(demo_episodes):
    cal = Episode.objects.get(person__family_name="Overdue")  # KERS: review at week 6
    assert cal.planned_end == cal.started_on + (cal.planned_end - cal.started_on)
    assert (cal.planned_end - cal.started_on).days == 7 * 12
    review = Review.objects.get(episode=cal)
    assert review.week == 6 and (review.due_on - cal.started_on).days == 42
    assert cal.next_review_due == review.due_on and review.held_on is None
    ivo = Episode.objects.get(person__family_name="Routine")  # autism: weeks 3, 6 and 9
    assert list(Review.objects.filter(episode=ivo).values_list("week", flat=True)) == [3, 6, 9]
    kip = Episode.objects.get(person__family_name="Hours")  # STR: chargeable after week 6
    assert (kip.chargeable_from - kip.started_on).days == 42 and kip.support_ends_by


def test_pat_has_an_active_kers_enablement_with_a_signed_plan_and_a_next_visit(demo_episodes):
    pat = Episode.objects.get(person__portal_user__username="person")
    assert pat.status == "active" and pat.service.code == "KERS"
    assert Plan.objects.filter(episode=pat, status="signed").exists()
    assert Visit.objects.filter(episode=pat, outcome="", planned_for__gt=demo_episodes).exists()
