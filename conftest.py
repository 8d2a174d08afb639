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


@pytest.fixture
def demo(db):
    """The demo as `make run` loads it, at a fixed moment."""
    import datetime as dt

    from django.utils import timezone

    from enablement.demo.loader import load_demo

    now = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))
    load_demo(now=now)
    return now


@pytest.fixture
def demo_episodes(demo):
    """The demo with its enablements in every state (`demo.episodes`), as `make run` loads
    it. Kept apart from `demo`, whose allocation story many tests count."""
    from enablement.demo.episodes import load_episodes

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
