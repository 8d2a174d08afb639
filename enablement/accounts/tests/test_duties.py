"""Separation of duties and break-glass (issue 9, item 6), through the pages.

A system administrator cannot give anyone, themself included, a role that sees case data
without a provision or quality manager's approval; their emergency sight of a record is one
person, for a reason, read-only, for a few hours, and shown to the managers."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from enablement.accounts.models import BreakGlassGrant, RoleGrantRequest
from enablement.accounts.roles import ROLES, Role
from enablement.catalogue.models import StaffMember, Team
from enablement.governance.models import AccessLogEntry, Event
from enablement.notifications.models import Notification
from enablement.people.models import Person
from enablement.referrals.models import Referral

pytestmark = pytest.mark.django_db


def _give(client, username, role, **extra):
    data = {"username": username, "role": role, "reason": "Covers the team from Monday"}
    return client.post("/roles/give/", data | extra)


def _group(role):
    return Group.objects.get(name=ROLES[role].group)


@pytest.fixture
def kent_east(demo):
    return Team.objects.get(service__code="KERS", name="Kent East")


@pytest.fixture
def barnet(demo):
    return Team.objects.filter(service__code="BEP").first()


@pytest.fixture
def sysadmin_qm(demo, django_user_model):
    """A system administrator who is also a quality manager: still may not decide what they
    asked for, nor a role for themself."""
    user = django_user_model.objects.create_user(username="sys.quality", password="x")
    user.groups.add(_group(Role.SYSADMIN), _group(Role.QUALITY_MANAGER))
    return user


# Giving roles


@pytest.mark.parametrize(
    "role", [Role.WORKER, Role.SENIOR, Role.ADMIN, Role.REFERRER, Role.QUALITY_MANAGER]
)
def test_sysadmin_cannot_give_themself_a_case_role(role, client_for, user_for, kent_east):
    me = user_for("sysadmin")
    response = _give(client_for("sysadmin"), "sysadmin", role.value, team=kent_east.pk)
    assert response.status_code == 302
    me = type(me).objects.get(pk=me.pk)
    assert role not in me.roles
    request = RoleGrantRequest.objects.get(user=me)
    assert (request.role, request.status) == (role.value, "pending")
    # Still no one's record: the person page is a 404 as before.
    person = Person.objects.get(family_name="Specimen")
    assert client_for("sysadmin").get(f"/people/{person.pk}/").status_code == 404


def test_sysadmin_cannot_give_another_account_a_case_role(client_for, user_for, kent_east):
    _give(client_for("sysadmin"), "commissioner", "worker", team=kent_east.pk)
    assert Role.WORKER not in user_for("commissioner").roles
    event = Event.objects.get(kind="role.requested")
    assert event.actor == user_for("sysadmin")
    assert event.data["reason"] == "Covers the team from Monday"


def test_new_staff_with_a_case_role_wait_for_approval(client_for, kent_east):
    response = client_for("sysadmin").post(
        "/staff/new/",
        {
            "username": "senior.new",
            "first_name": "Nia",
            "last_name": "New",
            "email": "nia@example.invalid",
            "role": "senior",
            "team": kent_east.pk,
            "fte": "1",
            "password": "a-long-enough-password",
            "reason": "New senior for Kent East",
        },
    )
    assert response.status_code == 302
    staff = StaffMember.objects.get(user__username="senior.new")
    assert staff.user.roles == frozenset()
    assert staff.team is None  # not on the team's lists until approved
    assert staff.user.role_requests.get().team == kent_east


def test_roles_that_see_no_case_data_are_given_at_once_and_recorded(client_for, user_for):
    response = _give(client_for("sysadmin"), "referrer", "commissioner")
    assert response.status_code == 302
    assert Role.COMMISSIONER in user_for("referrer").roles
    assert not RoleGrantRequest.objects.exists()
    assert Event.objects.get(kind="role.given").data["role"] == "commissioner"


def test_a_reason_is_required(client_for, user_for, kent_east):
    response = _give(client_for("sysadmin"), "referrer", "worker", team=kent_east.pk, reason="")
    assert "Say why they need this role" in response.content.decode()
    response = _give(client_for("sysadmin"), "referrer", "commissioner", reason="x" * 501)
    assert "500 characters or fewer" in response.content.decode()
    assert user_for("referrer").roles == {Role.REFERRER}
    assert not RoleGrantRequest.objects.exists()


def test_a_second_request_for_the_same_role_is_refused(client_for, kent_east):
    _give(client_for("sysadmin"), "referrer", "worker", team=kent_east.pk)
    response = _give(client_for("sysadmin"), "referrer", "worker", team=kent_east.pk)
    assert "already waiting" in response.content.decode()
    assert RoleGrantRequest.objects.count() == 1


# Deciding


def _request_for(client_for, team, username="referrer", role="worker"):
    _give(client_for("sysadmin"), username, role, team=team.pk)
    return RoleGrantRequest.objects.get(user__username=username, role=role)


def test_provision_manager_of_the_service_approves_and_the_role_is_added(
    client_for, user_for, kent_east
):
    request = _request_for(client_for, kent_east)
    pm = client_for("provision_manager")
    home = pm.get("/home/dashboard/").content.decode()
    assert 'data-testid="role-requests-count">1<' in home
    assert "referrer" in pm.get("/role-requests/").content.decode().lower()
    response = pm.post(f"/role-requests/{request.pk}/", {"decision": "approve"})
    assert response.status_code == 302
    user = user_for("referrer")
    assert Role.WORKER in user.roles
    assert user.staff.team == kent_east
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", user_for("provision_manager"))
    assert Event.objects.filter(kind="role.approved", actor=user_for("provision_manager")).exists()
    told = Notification.objects.filter(user=user_for("sysadmin"), subject="Role request approved")
    assert told.exists()
    # Now the new worker sees their team's people.
    person = Person.objects.get(family_name="Specimen")
    assert client_for("referrer").get(f"/people/{person.pk}/edit/").status_code == 200


def test_refusal_needs_a_comment_and_adds_no_role(client_for, user_for, kent_east):
    request = _request_for(client_for, kent_east)
    qm = client_for("quality_manager")
    response = qm.post(f"/role-requests/{request.pk}/", {"decision": "refuse"})
    assert "Say why you are refusing" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "pending"
    qm.post(f"/role-requests/{request.pk}/", {"decision": "refuse", "comment": "Not known"})
    request.refresh_from_db()
    assert (request.status, request.comment) == ("refused", "Not known")
    assert Role.WORKER not in user_for("referrer").roles
    assert Notification.objects.filter(
        user=user_for("sysadmin"), subject="Role request refused"
    ).exists()
    # Decided once: a second decision changes nothing.
    qm.post(f"/role-requests/{request.pk}/", {"decision": "approve"})
    assert Role.WORKER not in user_for("referrer").roles


def test_provision_manager_of_another_service_cannot_decide(client_for, user_for, barnet):
    request = _request_for(client_for, barnet)
    pm = client_for("provision_manager")  # oversees KERS only
    assert 'data-testid="role-requests-count">0<' in pm.get("/home/dashboard/").content.decode()
    assert pm.get(f"/role-requests/{request.pk}/").status_code == 404
    assert pm.post(f"/role-requests/{request.pk}/", {"decision": "approve"}).status_code == 404
    assert Role.WORKER not in user_for("referrer").roles
    # pm.bep oversees Barnet and may.
    client_for("pm.bep").post(f"/role-requests/{request.pk}/", {"decision": "approve"})
    assert Role.WORKER in user_for("referrer").roles


def test_a_request_touching_no_service_is_decided_by_a_quality_manager_only(client_for, user_for):
    _give(client_for("sysadmin"), "commissioner", "quality_manager")
    request = RoleGrantRequest.objects.get()
    pm = client_for("provision_manager")
    assert pm.post(f"/role-requests/{request.pk}/", {"decision": "approve"}).status_code == 404
    client_for("quality_manager").post(f"/role-requests/{request.pk}/", {"decision": "approve"})
    assert Role.QUALITY_MANAGER in user_for("commissioner").roles


def test_nobody_approves_their_own_request(sysadmin_qm, client_for, user_for, kent_east):
    me = Client()
    me.force_login(sysadmin_qm)
    _give(me, "referrer", "worker", team=kent_east.pk)
    request = RoleGrantRequest.objects.get()
    page = me.get(f"/role-requests/{request.pk}/").content.decode()
    assert "You asked for this role" in page
    me.post(f"/role-requests/{request.pk}/", {"decision": "approve"})
    assert Role.WORKER not in user_for("referrer").roles
    request.refresh_from_db()
    assert request.status == "pending"


def test_nobody_approves_a_role_for_themself(sysadmin_qm, client_for, user_for, kent_east):
    _give(client_for("sysadmin"), "sys.quality", "worker", team=kent_east.pk)
    request = RoleGrantRequest.objects.get()
    me = Client()
    me.force_login(sysadmin_qm)
    me.post(f"/role-requests/{request.pk}/", {"decision": "approve"})
    assert Role.WORKER not in user_for("sys.quality").roles
    client_for("quality_manager").post(f"/role-requests/{request.pk}/", {"decision": "approve"})
    assert Role.WORKER in user_for("sys.quality").roles


@pytest.mark.parametrize("role", ["worker", "senior", "admin", "referrer", "commissioner"])
def test_other_roles_cannot_decide(role, client_for, user_for, kent_east):
    request = _request_for(client_for, kent_east, username="carer")
    response = client_for(role).post(f"/role-requests/{request.pk}/", {"decision": "approve"})
    assert response.status_code == 403
    assert Role.WORKER not in user_for("carer").roles


# Break-glass


@pytest.fixture
def specimen(demo):
    return Person.objects.get(family_name="Specimen")


def _break_glass(client, person, reason="Police need the next of kin after a fall"):
    return client.post("/break-glass/", {"nhs_number": person.nhs_number, "reason": reason})


def test_break_glass_needs_a_reason(client_for, specimen):
    client = client_for("sysadmin")
    response = _break_glass(client, specimen, reason="")
    assert "Say why you need to see this record now" in response.content.decode()
    response = _break_glass(client, specimen, reason="x" * 501)
    assert "500 characters or fewer" in response.content.decode()
    assert not BreakGlassGrant.objects.exists()
    assert client.get(f"/people/{specimen.pk}/").status_code == 404


def test_break_glass_finds_by_exact_nhs_number_only(client_for, specimen):
    client = client_for("sysadmin")
    for typed in (specimen.nhs_number[:9], specimen.family_name, "943 476 5919"):
        response = client.post(
            "/break-glass/", {"nhs_number": typed, "reason": "Police need the next of kin"}
        )
        assert response.status_code == 200
    assert not BreakGlassGrant.objects.exists()
    # No browsing: the search pages stay closed.
    assert client.get("/people/?q=Specimen").status_code == 403


def test_a_miss_is_recorded_and_shown_to_quality_managers(client_for, user_for):
    # A miss tells that no one with this number is known, so probing is seen too.
    client_for("sysadmin").post(
        "/break-glass/", {"nhs_number": "943 476 5919", "reason": "Checking who is known here"}
    )
    assert not BreakGlassGrant.objects.exists()
    event = Event.objects.get(kind="break_glass.no_match")
    assert event.actor == user_for("sysadmin")
    assert Notification.objects.filter(user=user_for("quality_manager")).exists()
    log = client_for("quality_manager").get("/break-glass/log/").content.decode()
    assert "Checking who is known here" in log


def test_break_glass_gives_read_only_sight_of_that_person_only(client_for, user_for, specimen):
    client = client_for("sysadmin")
    response = _break_glass(client, specimen)
    assert response.status_code == 302
    assert response["Location"] == f"/people/{specimen.pk}/"
    page = client.get(f"/people/{specimen.pk}/")
    assert page.status_code == 200
    assert specimen.full_name in page.content.decode()
    assert AccessLogEntry.objects.filter(user=user_for("sysadmin"), person=specimen).exists()
    # Read-only.
    assert client.get(f"/people/{specimen.pk}/edit/").status_code == 404
    assert client.post(f"/people/{specimen.pk}/edit/", {"given_name": "X"}).status_code == 404
    assert client.get(f"/people/{specimen.pk}/carers/new/").status_code == 404
    # Their referrals, and nothing else.
    referral = Referral.objects.filter(person=specimen).first()
    assert client.get(f"/referrals/{referral.pk}/").status_code == 200
    other = Person.objects.get(family_name="Example")
    assert client.get(f"/people/{other.pk}/").status_code == 404
    other_referral = Referral.objects.exclude(person=specimen).first()
    assert client.get(f"/referrals/{other_referral.pk}/").status_code == 404
    assert client.get("/referrals/").status_code == 403
    # Recorded on the person's timeline.
    event = Event.objects.get(kind="break_glass.opened")
    assert (event.person, event.actor) == (specimen, user_for("sysadmin"))
    # The grant is this administrator's alone.
    other_admin = type(user_for("sysadmin")).objects.create_user(username="sysadmin.two")
    other_admin.groups.add(_group(Role.SYSADMIN))
    second = Client()
    second.force_login(other_admin)
    assert second.get(f"/people/{specimen.pk}/").status_code == 404


def test_break_glass_expires_at_once(client_for, specimen, settings):
    settings.BREAK_GLASS_HOURS = 4
    start = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))
    client = client_for("sysadmin")
    with time_machine.travel(start, tick=False):
        _break_glass(client, specimen)
    with time_machine.travel(start + dt.timedelta(hours=3, minutes=59), tick=False):
        assert client.get(f"/people/{specimen.pk}/").status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=4), tick=False):
        assert client.get(f"/people/{specimen.pk}/").status_code == 404
        referral = Referral.objects.filter(person=specimen).first()
        assert client.get(f"/referrals/{referral.pk}/").status_code == 404


def test_break_glass_is_shown_and_told_to_the_provision_manager(client_for, user_for, specimen):
    _break_glass(client_for("sysadmin"), specimen)
    pm = client_for("provision_manager")  # KERS: Specimen's service
    assert 'data-testid="break-glass-count">1<' in pm.get("/home/dashboard/").content.decode()
    log = pm.get("/break-glass/log/").content.decode()
    assert "Police need the next of kin after a fall" in log
    assert specimen.full_name in log
    assert str(user_for("sysadmin")) in log
    assert "Still open" in log
    for role in ("provision_manager", "quality_manager"):
        note = Notification.objects.get(user=user_for(role))
        assert note.subject == "Emergency access to a record"
        assert specimen.family_name not in note.body  # it may leave as an email
    # A provision manager of another service neither sees nor is told.
    bep = client_for("pm.bep")
    assert specimen.full_name not in bep.get("/break-glass/log/").content.decode()
    assert not Notification.objects.filter(user=user_for("pm.bep")).exists()
