"""The admin's home lists what happened to the team's people in the past 30 days only: an
older event is left to the person's own timeline (and, on PostgreSQL, older months' audit
partitions are not read)."""

import datetime as dt

import time_machine

from enablement.governance.services import record_event
from enablement.people.models import Person


def test_recent_activity_is_the_past_30_days(demo, client_for):
    # Forty days after the demo's own events, one new event about a person of the team.
    person = Person.objects.get(family_name="Sample")
    later = demo + dt.timedelta(days=40)
    record_event(
        kind="test",
        summary="Spoke to the GP last week",
        actor=None,
        now=later - dt.timedelta(days=7),
        person=person,
    )
    with time_machine.travel(later, tick=False):
        response = client_for("admin").get("/home/validation/")
    assert [e.summary for e in response.context["recent"]] == ["Spoke to the GP last week"]
    assert "in the past 30 days" in response.content.decode()
