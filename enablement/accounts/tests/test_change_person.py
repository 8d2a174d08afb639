"""Seeing a person is not changing them (issue 9): a team a referral merely reached may
read the record; only the team that recorded the person, a team holding a current
referral or open episode, and the admins of a service holding a current referral change
it."""

from enablement.accounts.access import may_change_person, visible_people
from enablement.demo.loader import _demo_risks, _demo_values
from enablement.people.models import Person
from enablement.referrals import services


def _refer_eli_to_kent_east(now, user_for):
    from enablement.catalogue.models import Service, Team

    eli = Person.objects.get(family_name="Fictional")  # recorded by Kent West
    referrer = user_for("referrer")
    return services.submit_referral(
        service=Service.objects.get(code="KERS"),
        team=Team.objects.get(service__code="KERS", name="Kent East"),
        person=eli,
        values=_demo_values(referrer, now),
        risks=_demo_risks(now),
        referrer=referrer,
        actor=referrer,
        now=now,
    )


def test_a_current_referral_lets_the_team_change_and_an_ended_one_only_read(
    demo, user_for, client_for
):
    eli = Person.objects.get(family_name="Fictional")
    east = [user_for(u) for u in ("admin", "worker", "senior")]
    assert not any(may_change_person(u, eli) for u in east)

    referral = _refer_eli_to_kent_east(demo, user_for)
    assert all(visible_people(u).filter(pk=eli.pk).exists() for u in east)
    assert all(may_change_person(u, eli) for u in east)
    assert client_for("worker").get(f"/people/{eli.pk}/edit/").status_code == 200

    services.validate_referral(
        referral=referral, actor=user_for("admin"), now=demo, case_system_already_open=True
    )
    services.screen_referral(
        referral=referral,
        decision="decline",
        desktop_check_complete=True,
        complex_features=[],
        risk_notes="",
        not_appropriate=[],
        reason="Needs are met by the community mental health team",
        actor=user_for("senior"),
        now=demo,
    )
    # The referral has ended: Kent East still reads the record it screened, but no longer
    # changes it; Kent West, which recorded Eli, still does.
    assert all(visible_people(u).filter(pk=eli.pk).exists() for u in east)
    assert not any(may_change_person(u, eli) for u in east)
    assert client_for("worker").get(f"/people/{eli.pk}/").status_code == 200
    assert client_for("worker").get(f"/people/{eli.pk}/edit/").status_code == 404
    assert client_for("worker").post(f"/people/{eli.pk}/carers/new/", {}).status_code == 404
    assert may_change_person(user_for("admin.west"), eli)


def test_oversight_and_referrers_read_but_never_change(demo, user_for):
    pat = Person.objects.get(family_name="Example")
    for role in ("referrer", "provision_manager", "quality_manager"):
        user = user_for(role)
        assert visible_people(user).filter(pk=pat.pk).exists()
        assert not may_change_person(user, pat)


def test_a_referrer_corrects_the_person_they_recorded_until_a_referral_is_validated(
    demo, user_for, client_for
):
    """Issue 12: a referrer could not correct the record they had just made (404). They may
    change a record they made outside any team, and nobody else's, until the service
    validates a referral of theirs for the person (the admin checked those details)."""
    from enablement.catalogue.models import Service, Team
    from enablement.people.tests.test_people_pages import VALID

    referrer = client_for("referrer")
    made = referrer.post("/people/new/", {**VALID, "given_name": "Rhian"})
    assert made.status_code == 302, made.content.decode()[:500]
    person = Person.objects.get(given_name="Rhian")
    assert referrer.get(f"/people/{person.pk}/edit/").status_code == 200
    saved = referrer.post(
        f"/people/{person.pk}/edit/", {**VALID, "given_name": "Rhian", "phone": "01632 960 111"}
    )
    assert saved.status_code == 302
    person.refresh_from_db()
    assert person.phone == "01632 960 111"
    # A record a team made stays read-only to them, even one they typed for that team.
    pat = Person.objects.get(family_name="Example")
    assert not may_change_person(user_for("referrer"), pat)

    user = user_for("referrer")
    referral = services.submit_referral(
        service=Service.objects.get(code="KERS"),
        team=Team.objects.get(service__code="KERS", name="Kent East"),
        person=person,
        values=_demo_values(user, demo),
        risks=_demo_risks(demo),
        referrer=user,
        actor=user,
        now=demo,
    )
    # Submitted, not yet validated: still theirs to correct.
    assert may_change_person(user, person)
    services.validate_referral(
        referral=referral, actor=user_for("admin"), now=demo, case_system_already_open=True
    )
    assert not may_change_person(user, person)
    assert referrer.get(f"/people/{person.pk}/edit/").status_code == 404
    assert referrer.get(f"/people/{person.pk}/").status_code == 200
