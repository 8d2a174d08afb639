"""The stored clocks equal the pure rule's answer for every clock after the start, for each
seed's settings; `manage.py recompute_episode_clocks` puts a tampered row right and a second
run changes nothing."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from enablement.casework import rules
from enablement.casework.models import Episode
from enablement.casework.tests.conftest import started
from enablement.catalogue.models import Service
from enablement.reviews.models import Review

START = dt.date(2026, 3, 2)


def _as_service(episode, code):
    """The episode under another service's settings version: the clocks read only these."""
    settings = Service.objects.get(code=code).current_settings
    Episode.objects.filter(pk=episode.pk).update(service_settings=settings)
    episode.refresh_from_db()
    return episode


def _stored(episode):
    episode.refresh_from_db()
    return {
        "started_on": episode.started_on,
        "planned_end": episode.planned_end,
        "chargeable_from": episode.chargeable_from,
        "support_ends_by": episode.support_ends_by,
        "reviews": tuple(
            Review.objects.filter(episode=episode, kind="scheduled")
            .order_by("due_on")
            .values_list("week", "due_on")
        ),
        "next_review_due": episode.next_review_due,
    }


def _rule(episode):
    c = rules.clocks(
        episode.started_on,
        rules.ClockSettings.of(episode.service_settings),
        extended_weeks=episode.extended_weeks,
    )
    return {
        "started_on": c.started_on,
        "planned_end": c.planned_end,
        "chargeable_from": c.chargeable_from,
        "support_ends_by": c.support_ends_by,
        "reviews": c.review_due,
        "next_review_due": c.review_due[0][1] if c.review_due else None,
    }


@pytest.mark.parametrize(
    "code,expected",
    [
        (
            "KERS",
            {
                "planned_end": dt.date(2026, 5, 25),
                "reviews": ((6, dt.date(2026, 4, 13)),),
                "chargeable_from": None,
                "support_ends_by": None,
            },
        ),
        (
            "KPS",
            {
                "planned_end": dt.date(2026, 6, 22),
                "reviews": (
                    (3, dt.date(2026, 3, 23)),
                    (6, dt.date(2026, 4, 13)),
                    (9, dt.date(2026, 5, 4)),
                ),
                "chargeable_from": None,
                "support_ends_by": None,
            },
        ),
        (
            "STR",
            {
                "planned_end": dt.date(2026, 4, 13),
                "reviews": ((4, dt.date(2026, 3, 30)),),
                "chargeable_from": dt.date(2026, 4, 13),
                "support_ends_by": dt.date(2026, 9, 2),
            },
        ),
    ],
)
def test_stored_clocks_are_the_rules_answer(code, expected, tuesday, episode, worker):
    _as_service(episode, code)
    started(episode, worker, tuesday, start_on=START)
    stored = _stored(episode)
    assert stored == _rule(episode)
    for key, value in expected.items():
        assert stored[key] == value, key


def test_recompute_fixes_a_tampered_row_and_is_idempotent(tuesday, episode, worker):
    _as_service(episode, "STR")
    started(episode, worker, tuesday, start_on=START)
    right = _stored(episode)
    Episode.objects.filter(pk=episode.pk).update(
        planned_end=dt.date(2030, 1, 1),
        chargeable_from=None,
        support_ends_by=dt.date(2026, 3, 3),
        next_review_due=None,
    )
    Review.objects.filter(episode=episode).update(due_on=dt.date(2029, 1, 1))
    out = StringIO()
    call_command("recompute_episode_clocks", stdout=out)
    assert "1 changed" in out.getvalue()
    assert _stored(episode) == right
    again = StringIO()
    call_command("recompute_episode_clocks", stdout=again)
    assert "0 changed" in again.getvalue()


def test_recompute_follows_approved_extension_weeks(tuesday, episode, worker):
    started(episode, worker, tuesday, start_on=START)
    Episode.objects.filter(pk=episode.pk).update(extended_weeks=2)
    call_command("recompute_episode_clocks", stdout=StringIO())
    episode.refresh_from_db()
    assert episode.planned_end == dt.date(2026, 6, 8)
    assert _stored(episode) == _rule(episode)


def test_held_reviews_keep_their_date(tuesday, episode, worker):
    _as_service(episode, "KPS")
    started(episode, worker, tuesday, start_on=START)
    first = Review.objects.filter(episode=episode).order_by("due_on").first()
    Review.objects.filter(pk=first.pk).update(
        held_on=dt.date(2026, 3, 24), due_on=dt.date(2026, 3, 24)
    )
    call_command("recompute_episode_clocks", stdout=StringIO())
    first.refresh_from_db()
    assert first.due_on == dt.date(2026, 3, 24)
    episode.refresh_from_db()
    assert episode.next_review_due == dt.date(2026, 4, 13)
