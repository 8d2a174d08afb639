"""A front-door panel may see the referral it routed, and only see it (seed 001 §10): the
team that holds the routed-from referral follows it on; changing it stays with the team
that holds it now. Nobody else gains anything."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from enablement.accounts import access
from enablement.catalogue.models import Team
from enablement.referrals import services
from enablement.referrals.models import Referral
from enablement.referrals.rules import Action


@pytest.fixture
def routed(demo, user_for):
    """The demo's referral waiting for the panel, routed to KPS Kent."""
    afd = Referral.objects.get(person__family_name="Notreal", service__code="AFD")
    kps = Team.objects.get(service__code="KPS", name="KPS Kent")
    services.route_referral(
        referral=afd,
        destination=kps.service,
        team=kps,
        outside_service="",
        reason="Social needs, met in 16 weeks",
        desktop_check_complete=True,
        needs_met_within_length=True,
        actor=user_for("senior.autism"),
        now=demo,
    )
    return Referral.objects.get(routed_from=afd)


PANEL = ("senior.autism", "admin.autism")


@pytest.mark.parametrize("username", PANEL)
def test_the_panel_sees_the_referral_it_routed(routed, user_for, client_for, username):
    assert access.get_referral(user_for(username), routed.pk) == routed
    assert client_for(username).get(f"/referrals/{routed.pk}/").status_code == 200
    assert client_for(username).get(f"/api/v1/referrals/{routed.pk}").status_code == 200


@pytest.mark.parametrize("username", PANEL)
def test_the_panel_cannot_change_or_allocate_the_referral_it_routed(
    routed, user_for, client_for, username
):
    user = user_for(username)
    assert not any(access.may_act_on_referral(user, routed, a.value) for a in Action)
    assert not access.may_change_person(user, routed.person)
    with pytest.raises(PermissionDenied):
        access.get_allocatable_referral(user, routed.pk)
    client = client_for(username)
    assert client.get(f"/allocation/referrals/{routed.pk}/").status_code == 403
    assert client.get(f"/people/{routed.person_id}/edit/").status_code == 404
    detail = client.get(f"/api/v1/referrals/{routed.pk}").json()
    assert detail["allowed_actions"] == []
    screen = client.post(
        f"/api/v1/referrals/{routed.pk}/screen",
        {"decision": "decline", "reason": "x"},
        content_type="application/json",
    )
    assert screen.status_code == 403
    routed.refresh_from_db()
    assert routed.status == "accepted"


@pytest.mark.parametrize(
    "username", ["senior.east", "admin.east", "worker.ass", "senior.ass", "senior.bep"]
)
def test_other_teams_still_cannot_see_it(routed, user_for, client_for, username):
    with pytest.raises(Http404):
        access.get_referral(user_for(username), routed.pk)
    assert client_for(username).get(f"/referrals/{routed.pk}/").status_code == 404


def test_the_destination_team_acts_on_it_as_before(routed, user_for):
    senior = user_for("senior.kps")
    assert access.get_referral(senior, routed.pk) == routed
    assert access.may_act_on_referral(senior, routed, "allocate")
    assert access.get_allocatable_referral(senior, routed.pk) == routed


def test_the_panel_sees_nothing_it_did_not_route(routed, user_for):
    # Another KPS referral, made directly, stays out of the panel's sight.
    other = Referral.objects.get(pk=routed.pk)
    other.pk, other.routed_from, other.reference = None, None, "KPS-DIRECT"
    other.save()
    with pytest.raises(Http404):
        access.get_referral(user_for("senior.autism"), other.pk)


def test_every_user_sees_each_referral_once_in_lists(routed, django_user_model):
    """The referral filter repeats no row (no DISTINCT is needed): a routed referral the
    panel follows and the destination team holds, a referrer who is also the named social
    worker, a provision manager of several services, appear once each."""
    from django.db.models import Count

    users = django_user_model.objects.filter(is_active=True)
    assert users.count() > 10
    for user in users:
        repeated = (
            access.visible_referrals(user)
            .order_by()
            .values("pk")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
        )
        assert not repeated.exists(), user.username
        ids = list(access.visible_referrals(user).values_list("pk", flat=True))
        assert len(ids) == len(set(ids)), user.username


def test_every_user_sees_each_person_once_in_lists(routed, django_user_model):
    """The people filter is one IN over a union of id lists: a person referred many times,
    registered with the team and referred by the same referrer, is listed once."""
    for user in django_user_model.objects.filter(is_active=True):
        ids = list(access.visible_people(user).values_list("pk", flat=True))
        assert len(ids) == len(set(ids)), user.username
