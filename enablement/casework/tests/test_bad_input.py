"""Nonsense posted to every page of an episode is answered with a page, never a server error,
and changes nothing it should not: the forms say what is wrong."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

GARBAGE = {
    "held_on-day": "31",
    "held_on-month": "2",
    "held_on-year": "99999",
    "weeks": "-3",
    "hours": "abc",
    "reason": "not-a-reason",
    "outcome": "\x00",
    "kind": "nonsense",
    "row_version": "x",
    "goal-0-target_date-day": "x",
    "level": "z" * 300,
    "decision": "maybe",
    "approve": "perhaps",
}


def _episode_paths(pk):
    """Every /episodes/<pk>/… page, with 1 for any other id it needs."""
    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if route.startswith("episodes/<int:pk>/"):
                    path = "/" + route.replace("<int:pk>", str(pk))
                    while "<int:" in path:
                        start = path.index("<int:")
                        path = path[:start] + "1" + path[path.index(">", start) + 1 :]
                    found.append(path)

    walk(get_resolver().url_patterns)
    return found


@pytest.mark.parametrize("username", ["worker.east", "senior.east", "pm.kers"])
def test_nonsense_posted_to_every_episode_page_never_errors(demo_episodes, client, username):
    from enablement.accounts.models import User
    from enablement.casework.models import Episode

    client.force_login(User.objects.get(username=username))
    episodes = Episode.objects.filter(team__name="Kent East").order_by("pk")
    paths = [p for e in episodes for p in _episode_paths(e.pk)]
    assert len(paths) > 100  # every part of the enablement, for every demo state
    for path in paths:
        got = client.get(path)
        assert got.status_code < 500, f"GET {path}: {got.status_code}"
        posted = client.post(path, GARBAGE)
        assert posted.status_code < 500, f"POST {path}: {posted.status_code}"
        posted = client.post(path, {})
        assert posted.status_code < 500, f"empty POST {path}: {posted.status_code}"
