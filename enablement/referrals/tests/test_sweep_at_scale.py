"""The set-based sweep (ADR 0038): many holds closed a batch at a time, each exactly once
with its event and its messages, by one sweep or by two running at once."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from enablement.catalogue.models import Service
from enablement.governance import chain
from enablement.governance.models import Event
from enablement.notifications.models import Notification, OutboxMessage
from enablement.people.models import Person
from enablement.referrals import services
from enablement.referrals.jobs import sweep
from enablement.referrals.models import Hold, Referral
from enablement.referrals.rules import Status

# Wednesday 4 March 2026: the hold's last day is Thursday 5 March.
TODAY = timezone.make_aware(dt.datetime(2026, 3, 4, 9, 0))
LAST_DAY = dt.date(2026, 3, 5)


def _held(n: int, last_day: dt.date, now: dt.datetime) -> list[Referral]:
    """`n` referrals on hold whose hold's last day is `last_day`, written straight to the
    tables (as bench/sweep.py does), each with a named social worker and a different
    referrer, both with an email address."""
    service = Service.objects.get(code="KERS")
    settings = service.current_settings
    users = get_user_model().objects.filter(email__gt="").order_by("pk")
    social_worker, referrer, senior = users[0], users[1], users[2]
    people = list(Person.objects.order_by("pk")[:20])
    received = now - dt.timedelta(days=7)
    referrals = Referral.objects.bulk_create(
        Referral(
            reference=f"SCALE-{i:05d}",
            service=service,
            service_settings=settings,
            team=service.teams.order_by("pk").first(),
            person=people[i % len(people)],
            status=Status.ON_HOLD,
            source="other",
            referrer=referrer,
            named_social_worker=social_worker,
            created_at=received,
            first_submitted_at=received,
            received_at=received,
            screening_due=last_day,
        )
        for i in range(n)
    )
    Hold.objects.bulk_create(
        Hold(
            referral=r,
            concern="Recent violence at home",
            started_at=received,
            started_on=received.date(),
            started_by=senior,
            expires_on=last_day,
        )
        for r in referrals
    )
    return referrals


def _assert_each_closed_once(referrals: list[Referral], closed_at: dt.datetime) -> None:
    pks = [r.pk for r in referrals]
    mine = Referral.objects.filter(pk__in=pks)
    assert mine.filter(status=Status.CLOSED_NOT_READY, decided_at=closed_at).count() == len(pks)
    assert not mine.exclude(screening_due=None).exists()  # the clock stopped, as _move_clock
    assert {r.decision_reason for r in mine} == {services.HOLD_EXPIRED_REASON}
    holds = Hold.objects.filter(referral__in=pks)
    assert holds.filter(expired_at=closed_at).count() == len(pks)
    events = Event.objects.filter(referral__in=pks, kind="referral.hold_expired")
    assert events.count() == len(pks)
    by_referral = {e.referral_id: e for e in events}
    for hold in holds.select_related("referral"):
        event = by_referral[hold.referral_id]
        assert event.data == {"referral": hold.referral_id, "hold": hold.pk}
        assert event.summary == (
            f"Referral {hold.referral.reference} closed: not ready for enablement "
            "(no answer to the hold)"
        )
        assert event.person_id == hold.referral.person_id
        assert event.actor_id is None
    sample = referrals[0]
    told = Notification.objects.filter(referral__in=pks, subject__endswith=" closed")
    # One message each to the named social worker and the referrer, and one email each.
    assert told.count() == 2 * len(pks)
    assert set(told.values_list("user_id", flat=True)) == {
        sample.named_social_worker_id,
        sample.referrer_id,
    }
    assert OutboxMessage.objects.filter(notification__in=told).count() == 2 * len(pks)
    note = told.get(referral=sample, user=sample.referrer_id)
    assert note.subject == f"Referral {sample.reference} closed"
    assert note.body == services.HOLD_EXPIRED_REASON
    email = note.outbox
    assert email.to_email == sample.referrer.email
    assert sample.reference in email.subject
    assert f"#message-{note.pk}" in email.body
    assert "Recent violence" not in email.body
    _rows, broken = chain.verify_table(Event)
    assert broken is None, broken


@pytest.mark.django_db
def test_a_hold_is_open_through_its_last_day_and_closed_the_day_after(demo):
    with time_machine.travel(TODAY, tick=False):
        sweep()  # the demo's own holds, long expired
        referrals = _held(3, LAST_DAY, TODAY)
        assert sweep()["holds_closed"] == 0
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 3, 5, 23, 55)), tick=False):
        assert sweep()["holds_closed"] == 0  # late on its last day: still open
    assert not Hold.objects.filter(referral__in=referrals, expired_at__isnull=False).exists()
    after = timezone.make_aware(dt.datetime(2026, 3, 6, 0, 5))
    with time_machine.travel(after, tick=False):
        assert sweep()["holds_closed"] == 3
        assert sweep()["holds_closed"] == 0
    _assert_each_closed_once(referrals, after)


@pytest.mark.django_db
def test_holds_across_many_batches_are_each_closed_once(demo):
    services.expire_holds(now=TODAY)
    referrals = _held(23, LAST_DAY, TODAY)
    later = TODAY + dt.timedelta(days=3)
    assert services.expire_holds(now=later, batch_size=5) == 23
    assert services.expire_holds(now=later, batch_size=5) == 0
    _assert_each_closed_once(referrals, later)
