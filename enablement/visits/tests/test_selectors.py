import datetime as dt

from enablement.visits import selectors, services


def test_next_visits_in_one_query(started, user_for, monday, django_assert_num_queries):
    worker = user_for("worker")
    soon = monday + dt.timedelta(days=1)
    services.plan_visit(
        episode=started,
        kind="visit",
        planned_for=soon + dt.timedelta(days=3),
        actor=worker,
        now=monday,
    )
    first = services.plan_visit(
        episode=started, kind="phone", planned_for=soon, actor=worker, now=monday
    )
    services.record_visit(
        episode=started,
        visit=first,
        outcome="attended",
        happened_on=monday.date(),
        hours=1,
        actor=worker,
        now=monday,
    )
    with django_assert_num_queries(1):
        found = selectors.next_visits([started.pk, 999999])
    # The recorded one is no longer "next": the earliest still to happen is.
    assert found == {started.pk: soon + dt.timedelta(days=3)}


def test_prompted_episode_ids(started, user_for, monday):
    worker = user_for("worker")
    assert selectors.prompted_episode_ids(started.team_id) == set()
    for _ in range(3):
        services.record_visit(
            episode=started,
            outcome="not_engaged",
            happened_on=monday.date(),
            hours=None,
            actor=worker,
            now=monday,
        )
    assert selectors.prompted_episode_ids(started.team_id) == {started.pk}
    other_team = user_for("worker.west").staff.team_id
    assert selectors.prompted_episode_ids(other_team) == set()
