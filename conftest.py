"""Shared fixtures: the demo loaded as a story (one named user per role), a client per role,
and a fixed clock."""

import os

os.environ.setdefault("ENABLEMENT_TESTING", "true")

import pytest
from hypothesis import HealthCheck, settings

# Property tests check rules, not speed: on a shared 2-core machine input generation can be
# slow, which says nothing about the rule under test.
settings.register_profile("enablement", suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("enablement")

DEMO_USERS = {
    "referrer": "referrer",
    "admin": "admin.east",
    "worker": "worker.east",
    "senior": "senior.east",
    "provision_manager": "pm.kers",
    "quality_manager": "quality",
    "commissioner": "commissioner",
    "person": "person",
    "carer": "carer",
    "sysadmin": "sysadmin",
}


DEMO_NOW_PARTS = (2026, 3, 2, 9, 0)


def _demo_now():
    import datetime as dt

    from django.utils import timezone

    return timezone.make_aware(dt.datetime(*DEMO_NOW_PARTS))


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(
        "transactional_db" in getattr(item, "fixturenames", ())
        or "live_server" in getattr(item, "fixturenames", ())
        or (marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    )


# Modules where a test that loads the demo also commits for real (a live server, a second
# connection): a transaction held open for the whole module would hide those commits.
_DEMO_PER_TEST_MODULES: set[str] = set()
# Modules where every test that loads the demo also wants its enablements: those are loaded
# once with it. Elsewhere they are loaded per test, since many tests count the demo's rows.
_EPISODES_SHARED_MODULES: set[str] = set()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # Within each run of one module's tests, those that do not load the demo go first: the
    # shared demo stays loaded from the first test that asks for it to the module's end.
    ordered, start = [], 0
    for end in range(1, len(items) + 1):
        if end == len(items) or getattr(items[end], "module", None) is not getattr(
            items[start], "module", None
        ):
            run = items[start:end]
            ordered += sorted(run, key=lambda item: "demo" in getattr(item, "fixturenames", ()))
            start = end
    items[:] = ordered
    wants_episodes: dict[str, bool] = {}
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "demo" not in names or getattr(item, "module", None) is None:
            continue
        module = item.module.__name__
        if _is_transactional(item):
            _DEMO_PER_TEST_MODULES.add(module)
        wants_episodes[module] = wants_episodes.get(module, True) and "demo_episodes" in names
    _EPISODES_SHARED_MODULES.update(m for m, wanted in wants_episodes.items() if wanted)


@pytest.fixture(scope="module")
def _demo_shared(request, django_db_setup, django_db_blocker):
    """The demo loaded once per test module inside a transaction that is rolled back at the
    module's end; each test runs in a savepoint within it, so what a test writes is undone
    before the next, exactly as if the demo had been loaded for it alone. Loading the demo
    costs about a second, and most of the suite's two thousand tests want it."""
    if request.module.__name__ in _DEMO_PER_TEST_MODULES:
        yield None
        return
    from django.db import connections, transaction

    with django_db_blocker.unblock():
        atomics = {}
        for alias in connections:
            atomic = transaction.atomic(using=alias)
            # Django's own test-case marker: a durable block inside a test stays allowed.
            atomic._from_testcase = True
            atomic.__enter__()
            atomics[alias] = atomic
        try:
            from enablement.demo.loader import load_demo

            now = _demo_now()
            load_demo(now=now)
            if request.module.__name__ in _EPISODES_SHARED_MODULES:
                from enablement.demo.episodes import load_episodes

                load_episodes(now=now)
            yield now
        finally:
            for alias, atomic in reversed(atomics.items()):
                transaction.set_rollback(True, using=alias)
                atomic.__exit__(None, None, None)


@pytest.fixture
def demo(_demo_shared, db):
    """The demo as `make run` loads it, at a fixed moment."""
    if _demo_shared is not None:
        return _demo_shared
    from enablement.demo.loader import load_demo

    now = _demo_now()
    load_demo(now=now)
    return now


@pytest.fixture
def demo_episodes(demo, request):
    """The demo with its enablements in every state (`demo.episodes`), as `make run` loads
    it. Kept apart from `demo`, whose allocation story many tests count."""
    from enablement.demo.episodes import load_episodes

    if request.module.__name__ in _EPISODES_SHARED_MODULES and (
        request.module.__name__ not in _DEMO_PER_TEST_MODULES
    ):
        return demo

    load_episodes(now=demo)
    return demo


@pytest.fixture
def user_for(demo, django_user_model):
    def get(role_or_username: str):
        username = DEMO_USERS.get(role_or_username, role_or_username)
        return django_user_model.objects.get(username=username)

    return get


@pytest.fixture
def client_for(user_for):
    from django.test import Client

    def make(role_or_username: str) -> Client:
        client = Client()
        client.force_login(user_for(role_or_username))
        return client

    return make
