"""The front door's lists read a fixed number of queries however many referrals there are
(issue 14): the tracker (filtered by the overdue clock and sorted by screening due), the
admin's and the senior's home pages with their queues and counts, the referrer's and the worker's
home pages with their people, and the API list with
its overdue filter. Each page is asked for at two sizes, 30 referrals apart; a list that
read a row's clock, hold or settings one row at a time would grow with them."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enablement.catalogue.models import Team
from enablement.people.models import Person
from enablement.referrals import services
from enablement.referrals.models import Referral
from enablement.referrals.rules import Status
from enablement.referrals.tests.test_front_door import _risks, _values

# After the demo's referrals and these are due, so the overdue filter has rows to find.
TODAY = timezone.make_aware(dt.datetime(2026, 3, 20, 10, 0))

PAGES = [
    ("admin", "/home/validation/", {}),
    ("senior", "/home/screening/", {}),
    ("quality_manager", "/referrals/", {}),
    ("quality_manager", "/referrals/", {"overdue": "on", "sort": "screening_due"}),
    ("senior", "/referrals/", {"status": "validated", "sort": "screening_due"}),
    ("admin", "/api/v1/referrals", {}),
    ("admin", "/api/v1/referrals", {"overdue": "true"}),
    ("admin", "/api/v1/referrals", {"overdue": "false"}),
    ("referrer", "/home/my-referrals/", {}),
    ("worker", "/home/caseload/", {}),
]


@pytest.fixture
def add(demo, user_for):
    """`n` more Kent East referrals received on 9 and 10 March: a third waiting for
    validation, a third for screening and a third on hold."""
    team = Team.objects.get(service__code="KERS", name="Kent East")
    referrer, admin, senior = user_for("referrer"), user_for("admin"), user_for("senior")
    sample = Person.objects.get(family_name="Sample")

    def make(n):
        for i in range(n):
            now = timezone.make_aware(dt.datetime(2026, 3, 9 + i % 2, 9, 0)) + dt.timedelta(
                minutes=i
            )
            # A person of their own each, recorded by the referrer with the team: the
            # people lists grow with the referrals.
            person = Person.objects.create(
                given_name="Counted",
                family_name=f"Person{Person.objects.count()}",
                date_of_birth=sample.date_of_birth,
                postcode=sample.postcode,
                primary_diagnosis=sample.primary_diagnosis,
                registered_team=team,
                created_by=referrer,
                created_at=now,
            )
            referral = services.submit_referral(
                service=team.service,
                team=team,
                person=person,
                values=_values(referrer),
                risks=_risks(now.date()),
                referrer=referrer,
                actor=referrer,
                now=now,
            )
            if i % 3:
                services.validate_referral(
                    referral=referral, actor=admin, now=now, case_system_already_open=True
                )
            if i % 3 == 2:
                services.hold_referral(referral=referral, concern="Housing?", actor=senior, now=now)

    return make


def _queries(client, url, query) -> int:
    client.get(url, query)  # the session's first reads are not the page's
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200
    # The page's access-log rows are one insert; SQLite's limit of 999 parameters splits
    # one of more than about 75 rows into several statements (PostgreSQL sends one).
    sql = [q["sql"] for q in captured.captured_queries]
    log_insert = 'INSERT INTO "governance_accesslogentry"'
    return sum(
        1
        for i, statement in enumerate(sql)
        if not (statement.startswith(log_insert) and i and sql[i - 1].startswith(log_insert))
    )


def test_each_list_reads_the_same_number_of_queries_at_two_sizes(add, client_for):
    with time_machine.travel(TODAY, tick=False):
        add(9)
        clients = {role: client_for(role) for role in {role for role, _, _ in PAGES}}
        before = [_queries(clients[role], url, query) for role, url, query in PAGES]
        shown_before = clients["quality_manager"].get("/referrals/").context["total"].n
        add(30)
        after = [_queries(clients[role], url, query) for role, url, query in PAGES]
        shown_after = clients["quality_manager"].get("/referrals/").context["total"].n
    assert shown_after == shown_before + 30
    assert Referral.objects.filter(status=Status.ON_HOLD).count() > 10
    assert dict(zip(map(str, PAGES), after, strict=True)) == dict(
        zip(map(str, PAGES), before, strict=True)
    )


def test_the_overdue_lists_show_what_the_rule_calls_overdue(add, client_for):
    """The pages whose counts are compared above do find the overdue referrals."""
    with time_machine.travel(TODAY, tick=False):
        add(9)
        admin = client_for("admin")
        page = admin.get("/referrals/", {"overdue": "on"})
        api = admin.get("/api/v1/referrals", {"overdue": "true"}).json()
    overdue = page.context["total"].n
    assert overdue >= 6  # the held third is paused
    assert api["count"] == overdue
    assert all(row.screening_overdue for row in page.context["rows"])
