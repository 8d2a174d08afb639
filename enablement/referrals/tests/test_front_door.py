"""The front door's acceptance stories, through the action functions and the pages."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from enablement.catalogue.models import Service, Team
from enablement.notifications.models import Notification, OutboxMessage
from enablement.people.models import Person
from enablement.referrals import services
from enablement.referrals.jobs import sweep
from enablement.referrals.models import Referral
from enablement.referrals.rules import RiskArea, Status
from enablement.referrals.services import RiskEntry
from enablement.referrals.tests.sectioned import refer_in_sections


def _at(y, m, d, h=10):
    return timezone.make_aware(dt.datetime(y, m, d, h, 0))


def _values(named, **extra):
    return {
        "source": "community_mh_social_work",
        "named_social_worker": named,
        "need_identified": True,
        "work_requested": "Travel independently by bus to the Tuesday allotment group",
        "intended_outcomes": "Goes alone by week 6",
        "deliverable_within_length": True,
        "consent_to_share": True,
        "ongoing_cmh_social_work": True,
        "diagnosed_need": True,
        "eligible_needs": True,
        "face_to_face_assessment": True,
        "eligibility_assessed_on": dt.date(2025, 1, 6),
        **extra,
    }


def _all_factors(referral) -> list[str]:
    """Every factor that indicates the referral is appropriate, as a screener confirms."""
    return list(referral.service_settings.appropriate_factors)


def _risks(on):
    return {area: RiskEntry("None known", on - dt.timedelta(days=7)) for area in RiskArea}


@pytest.fixture
def kers_east(demo):
    return Team.objects.get(service__code="KERS", name="Kent East")


@pytest.fixture
def submit(user_for, kers_east):
    def make(family="Sample", now=None, **extra):
        now = now or _at(2026, 4, 2)
        referrer = user_for("referrer")
        return services.submit_referral(
            service=kers_east.service,
            team=kers_east,
            person=Person.objects.get(family_name=family),
            values=_values(referrer, **extra),
            risks=_risks(now.date()),
            referrer=referrer,
            actor=referrer,
            now=now,
        )

    return make


def test_hold_runs_five_working_days_over_easter_then_the_sweep_closes_it(submit, user_for):
    started = _at(2026, 4, 2, 11)  # Thursday before Good Friday
    with time_machine.travel(started, tick=False):
        sweep()  # settle the demo's own hold, long expired by then
    referral = submit(now=started)
    services.validate_referral(
        referral=referral, actor=user_for("admin"), now=started, case_system_already_open=True
    )
    services.hold_referral(
        referral=referral, concern="Recent violence at home", actor=user_for("senior"), now=started
    )
    with time_machine.travel(_at(2026, 4, 13, 23), tick=False):  # late on Monday 13 April
        assert sweep()["holds_closed"] == 0
    referral.refresh_from_db()
    assert referral.status == Status.ON_HOLD
    with time_machine.travel(_at(2026, 4, 14, 0) + dt.timedelta(minutes=5), tick=False):
        first = sweep()
        second = sweep()
    assert (first["holds_closed"], second["holds_closed"]) == (1, 0)
    referral.refresh_from_db()
    assert referral.status == Status.CLOSED_NOT_READY
    assert "remains open to the named social worker" in referral.decision_reason
    closed = Notification.objects.filter(referral=referral, subject__contains="closed")
    assert closed.count() == 1  # the second sweep told no one twice
    assert referral.events.filter(kind="referral.hold_expired").count() == 1


def test_answered_hold_goes_back_to_screening(submit, user_for):
    now = _at(2026, 4, 2)
    referral = submit(now=now)
    services.validate_referral(
        referral=referral, actor=user_for("admin"), now=now, case_system_already_open=True
    )
    services.hold_referral(referral=referral, concern="Housing?", actor=user_for("senior"), now=now)
    services.answer_hold(
        referral=referral, answer="Safe: I visited yesterday", actor=user_for("referrer"), now=now
    )
    with time_machine.travel(_at(2026, 4, 20), tick=False):
        sweep()
    referral.refresh_from_db()
    assert referral.status == Status.VALIDATED


def test_a_referral_whose_hold_was_answered_is_tagged_in_the_seniors_queue(
    submit, user_for, client_for
):
    """Issue 12 item 5: the senior sees at a glance which referrals came back from a hold."""
    referral = submit(now=timezone.now())
    services.validate_referral(
        referral=referral,
        actor=user_for("admin"),
        now=timezone.now(),
        case_system_already_open=True,
    )
    services.hold_referral(
        referral=referral, concern="Housing?", actor=user_for("senior"), now=timezone.now()
    )
    home = client_for("senior").get("/home/screening/").content.decode()
    row = home[home.index(referral.reference) :]
    assert 'data-testid="hold-answered"' not in row[: row.index("</tr>")]
    services.answer_hold(
        referral=referral, answer="Safe: I visited", actor=user_for("referrer"), now=timezone.now()
    )
    home = client_for("senior").get("/home/screening/").content.decode()
    row = home[home.index(referral.reference) :]
    assert "Hold answered" in row[: row.index("</tr>")]


def test_only_the_named_social_worker_answers_a_hold(submit, user_for):
    now = _at(2026, 4, 2)
    referral = submit(now=now)
    services.validate_referral(
        referral=referral, actor=user_for("admin"), now=now, case_system_already_open=True
    )
    services.hold_referral(referral=referral, concern="?", actor=user_for("senior"), now=now)
    with pytest.raises(ValidationError):
        services.answer_hold(referral=referral, answer="x", actor=user_for("worker"), now=now)


def test_screening_clock_is_two_working_days_and_shown_overdue(client_for, submit):
    referral = submit(now=_at(2026, 4, 2))
    client = client_for("admin")
    with time_machine.travel(_at(2026, 4, 8, 16), tick=False):
        page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Wednesday 8 April 2026" in page
    assert "Screening overdue" not in page
    with time_machine.travel(_at(2026, 4, 9, 9), tick=False):
        page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Screening overdue" in page


@pytest.mark.parametrize(
    "ended,submitted,inside",
    [((2025, 3, 1), (2026, 2, 1), True), ((2025, 3, 1), (2026, 3, 2), False)],
    ids=["11 months", "12 months and a day"],
)
def test_re_referral_is_refused_within_12_months_and_needs_changed_needs_after(
    submit, ended, submitted, inside
):
    # Seed 000 §9: "only ... after a period of 12 months and only where the individual's
    # needs have significantly changed". Inside the window no statement lets it through.
    when = _at(*submitted)
    previous = dt.date(*ended)
    statement = "Moved out of supported housing in January and now lives alone for the first time"
    if inside:
        with pytest.raises(ValidationError) as error:
            submit(now=when, previous_ended_on=previous, changed_needs_statement=statement)
        assert (
            "can be considered from 1 March 2026"
            in (error.value.message_dict["previous_ended_on"][0])
        )
        return
    with pytest.raises(ValidationError) as error:
        submit(now=when, previous_ended_on=previous)
    assert "changed_needs_statement" in error.value.message_dict
    referral = submit(now=when, previous_ended_on=previous, changed_needs_statement=statement)
    assert referral.status == Status.SUBMITTED
    assert referral.previous_ended_typed  # no episode in the product: the referrer typed it


def test_re_referral_without_statement_cannot_be_resubmitted(submit, user_for):
    # Submitted with a statement after the window, which the referrer later blanks on
    # resubmission, is refused at resubmission too: the rule holds at every door.
    when = _at(2026, 4, 2)
    referral = submit(
        now=when,
        previous_ended_on=dt.date(2025, 3, 1),
        changed_needs_statement="Lost their job and their tenancy since then",
    )
    admin = user_for("admin")
    services.return_referral(
        referral=referral, missing=["work_specific"], note="", actor=admin, now=when
    )
    with pytest.raises(ValidationError) as error:
        services.resubmit_referral(
            referral=referral,
            values={"changed_needs_statement": ""},
            risks=_risks(when.date()),
            actor=user_for("referrer"),
            now=when,
        )
    assert "changed_needs_statement" in error.value.message_dict


def test_autism_panel_routes_to_kers_with_person_and_risks_in_the_kers_queue(
    demo, user_for, client_for
):
    afd = Referral.objects.get(person__family_name="Invented")
    panel = user_for("senior.autism")
    services.validate_referral(referral=afd, actor=user_for("admin.autism"), now=demo)
    kers_east = Team.objects.get(service__code="KERS", name="Kent East")
    services.route_referral(
        referral=afd,
        destination=kers_east.service,
        team=kers_east,
        outside_service="",
        reason="Primary need is mental health",
        desktop_check_complete=True,
        needs_met_within_length=True,
        actor=panel,
        now=demo,
    )
    afd.refresh_from_db()
    created = afd.triage.created_referral
    assert afd.status == Status.REDIRECTED
    assert (created.service.code, created.team, created.status) == (
        "KERS",
        kers_east,
        Status.ACCEPTED,
    )
    # On the waiting list from the panel's decision, not re-validated or re-screened.
    assert created.decided_at == demo and not created.screenings.exists()
    assert created.person == afd.person
    assert {r.area for r in created.risks.all()} == {a.value for a in RiskArea}
    # The KERS admin finds it among the team's accepted referrals (their home page's recent
    # activity covers only the past 30 days of the real clock, not the demo's March).
    accepted = client_for("admin").get("/referrals/", {"status": Status.ACCEPTED})
    assert created.reference in accepted.content.decode()
    assert "Hal Invented" in accepted.content.decode()


def test_routing_to_an_outside_service_is_recorded_with_the_reason(demo, user_for):
    afd = Referral.objects.get(person__family_name="Invented")
    services.validate_referral(referral=afd, actor=user_for("admin.autism"), now=demo)
    services.route_referral(
        referral=afd,
        destination=None,
        team=None,
        outside_service="Community learning disability team",
        reason="Needs are not enablement needs",
        actor=user_for("senior.autism"),
        now=demo,
    )
    afd.refresh_from_db()
    assert afd.triage.outside_service == "Community learning disability team"
    assert Referral.objects.filter(routed_from=afd).count() == 0


@pytest.mark.parametrize(
    "change,field",
    [
        ({"named_social_worker": None}, "named_social_worker"),
        ({"work_requested": "general support"}, "work_requested"),
        ({"consent_to_share": False}, "consent_to_share"),
    ],
)
def test_bad_referral_input_is_refused_and_nothing_is_saved(submit, change, field):
    before = Referral.objects.count()
    with pytest.raises(ValidationError) as error:
        submit(**change)
    assert field in error.value.message_dict
    assert Referral.objects.count() == before


def test_risk_information_older_than_the_service_allows_is_refused(user_for, kers_east):
    now = _at(2026, 4, 2)
    referrer = user_for("referrer")
    old = {area: RiskEntry("None known", dt.date(2025, 12, 1)) for area in RiskArea}
    with pytest.raises(ValidationError) as error:
        services.submit_referral(
            service=kers_east.service,
            team=kers_east,
            person=Person.objects.get(family_name="Sample"),
            values=_values(referrer),
            risks=old,
            referrer=referrer,
            actor=referrer,
            now=now,
        )
    assert "more than 90 days ago" in error.value.message_dict["risk_to_self_assessed_on"][0]


def test_a_person_aged_17_cannot_be_referred(user_for, kers_east):
    from enablement.people.services import person_create

    now = _at(2026, 4, 2)
    young = person_create(
        values={
            "given_name": "Teen",
            "family_name": "Young",
            "date_of_birth": dt.date(2008, 6, 1),
            "primary_diagnosis": "mental_health",
        },
        actor=user_for("referrer"),
        now=now,
        team=kers_east,
    )
    referrer = user_for("referrer")
    with pytest.raises(ValidationError) as error:
        services.submit_referral(
            service=kers_east.service,
            team=kers_east,
            person=young,
            values=_values(referrer),
            risks=_risks(now.date()),
            referrer=referrer,
            actor=referrer,
            now=now,
        )
    assert "aged 18 and over" in " ".join(error.value.messages)


def test_referral_form_puts_messages_beside_the_fields(client_for, demo):
    ada = Person.objects.get(family_name="Sample")
    kers_east = Team.objects.get(service__code="KERS", name="Kent East")
    before = Referral.objects.count()
    response = refer_in_sections(
        client_for("referrer"),
        ada,
        {
            "destination": f"team:{kers_east.pk}",
            "source": "community_mh_social_work",
            "eligible_needs": "yes",
            "preventative_entitlement": "unknown",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_named_social_worker-error"' in html
    assert 'id="id_risk_to_self_description-error"' in html
    assert Referral.objects.count() == before


def test_unknown_service_is_refused_on_the_form(client_for, demo):
    ada = Person.objects.get(family_name="Sample")
    for service in ("", "999999", "KPS"):
        html = (
            client_for("referrer")
            .post(f"/referrals/new/?person={ada.pk}", {"service": service})
            .content.decode()
        )
        assert 'id="id_service-error"' in html


def test_every_step_tells_the_named_social_worker(submit, user_for):
    now = _at(2026, 4, 2)
    referral = submit(now=now)
    admin, senior = user_for("admin"), user_for("senior")
    services.return_referral(
        referral=referral,
        missing=["work_specific", "consent"],
        note="Please be specific",
        actor=admin,
        now=now,
    )
    services.resubmit_referral(
        referral=referral, values={}, risks=_risks(now.date()), actor=user_for("referrer"), now=now
    )
    services.validate_referral(
        referral=referral, actor=admin, now=now, case_system_already_open=True
    )
    services.screen_referral(
        referral=referral,
        decision="accept",
        desktop_check_complete=True,
        complex_features=[],
        risk_notes="",
        not_appropriate=[],
        appropriate_factors=_all_factors(referral),
        reason="",
        actor=senior,
        now=now,
    )
    subjects = list(
        Notification.objects.filter(user=user_for("referrer"), referral=referral)
        .order_by("id")
        .values_list("subject", flat=True)
    )
    ref = referral.reference
    # One notice per step the social worker must hear of, in order (resubmission and
    # validation tell the team, not the referrer).
    assert subjects == [
        f"Referral {ref} received",
        f"Referral {ref} returned: please correct it",
        f"Referral {ref}: accepted",
    ], subjects
    assert any("returned" in s for s in subjects)
    assert any("accepted" in s for s in subjects)
    assert OutboxMessage.objects.filter(notification__referral=referral).exists()
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert referral.returns.get().resubmitted_at is not None


def test_decline_needs_a_reason(submit, user_for):
    now = _at(2026, 4, 2)
    referral = submit(now=now)
    services.validate_referral(
        referral=referral, actor=user_for("admin"), now=now, case_system_already_open=True
    )
    with pytest.raises(ValidationError):
        services.screen_referral(
            referral=referral,
            decision="decline",
            desktop_check_complete=True,
            complex_features=[],
            risk_notes="",
            not_appropriate=[],
            reason="",
            actor=user_for("senior"),
            now=now,
        )


def test_outbox_is_sent_once_even_if_the_sweep_runs_twice(submit, mailoutbox):
    sweep()
    mailoutbox.clear()
    submit()
    waiting = OutboxMessage.objects.filter(sent_at__isnull=True).count()
    assert waiting > 0
    assert sweep()["emails_sent"] == waiting
    assert sweep()["emails_sent"] == 0
    assert len(mailoutbox) == waiting


def test_a_referrer_never_sees_another_referrers_referral(submit, client_for, django_user_model):
    from django.contrib.auth.models import Group

    referral = submit()
    other = django_user_model.objects.create_user("other.sw", password="x" * 12)
    other.groups.add(Group.objects.get(name="Referrer"))
    from django.test import Client

    client = Client()
    client.force_login(other)
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert referral.reference not in client.get("/referrals/").content.decode()


def test_a_worker_of_another_team_cannot_see_the_queue(submit, client_for):
    referral = submit()
    west = client_for("worker.west")
    assert west.get(f"/referrals/{referral.pk}/").status_code == 404
    assert referral.reference not in west.get("/referrals/").content.decode()
    assert west.get(f"/referrals/{referral.pk}/screen/").status_code == 404


def test_bep_single_point_of_referral_is_assessed_to_a_hub_or_signposted(demo, user_for):
    referrer = user_for("referrer")
    bep = Service.objects.get(code="BEP")
    now = demo
    nia = Person.objects.get(family_name="Mock")
    referral = services.submit_referral(
        service=bep,
        team=None,
        person=nia,
        values=_values(referrer, source="agreed_organisation"),
        risks=_risks(now.date()),
        referrer=referrer,
        actor=referrer,
        now=now,
    )
    services.validate_referral(referral=referral, actor=user_for("admin.bep"), now=now)
    referral.refresh_from_db()
    assert referral.status == Status.IN_TRIAGE
    services.assess_referral(
        referral=referral,
        hub=None,
        level="signposting",
        reason="Needs information only",
        information_given="Leaflet for the Tuesday wellbeing cafe",
        actor=user_for("worker.bep"),
        now=now,
    )
    referral.refresh_from_db()
    assert referral.status == Status.SIGNPOSTED
    assert "wellbeing cafe" in referral.decision_reason


def test_a_factor_the_service_does_not_list_is_a_message_not_a_crash(submit, user_for):
    now = _at(2026, 4, 2)
    referral = submit(now=now)
    services.validate_referral(
        referral=referral, actor=user_for("admin"), now=now, case_system_already_open=True
    )
    with pytest.raises(ValidationError) as error:
        services.screen_referral(
            referral=referral,
            decision="decline",
            desktop_check_complete=True,
            complex_features=[],
            risk_notes="",
            not_appropriate=["made up"],
            reason="x",
            actor=user_for("senior"),
            now=now,
        )
    assert "not_appropriate" in error.value.message_dict


def test_a_last_enablement_ending_in_the_future_is_refused(submit):
    with pytest.raises(ValidationError) as error:
        submit(previous_ended_on=dt.date(9999, 12, 31))
    assert "in the future" in error.value.message_dict["previous_ended_on"][0]


def test_only_a_returned_referral_can_be_resubmitted(submit, user_for):
    now = _at(2026, 4, 2)
    referral = submit(now=now)
    with pytest.raises(ValidationError) as error:
        services.resubmit_referral(
            referral=referral,
            values={"work_requested": ""},
            risks=_risks(now.date()),
            actor=user_for("referrer"),
            now=now,
        )
    assert list(error.value.message_dict) == ["__all__"]


def test_a_hub_assessment_needs_a_summary(demo, user_for):
    referrer = user_for("referrer")
    referral = services.submit_referral(
        service=Service.objects.get(code="BEP"),
        team=None,
        person=Person.objects.get(family_name="Mock"),
        values=_values(referrer, source="agreed_organisation"),
        risks=_risks(demo.date()),
        referrer=referrer,
        actor=referrer,
        now=demo,
    )
    services.validate_referral(referral=referral, actor=user_for("admin.bep"), now=demo)
    with pytest.raises(ValidationError) as error:
        services.assess_referral(
            referral=referral,
            hub=None,
            level="signposting",
            reason=" ",
            information_given="Leaflet",
            actor=user_for("worker.bep"),
            now=demo,
        )
    assert "reason" in error.value.message_dict


def test_flags_lead_the_person_referral_and_allocation_pages(demo, client_for):
    """Issue 12 item 5: risk, safeguarding and communication needs are flagged at the top of
    the person, referral and allocation pages."""
    from enablement.referrals.models import Referral

    ada = Referral.objects.get(person__family_name="Sample", service__code="KERS")
    ada.risks.filter(area="to_others").update(description="Threatened a neighbour in May")
    for client, url in (
        (client_for("admin"), f"/referrals/{ada.pk}/"),
        (client_for("admin"), f"/people/{ada.person_id}/"),
    ):
        page = client.get(url).content.decode()
        flags = page[page.index('data-testid="flags"') :]
        flags = flags[: flags.index("</div>")]
        assert "Risk to others" in flags and "Threatened a neighbour in May" in flags
        assert "Communication needs" in flags and "Prefers text messages" in flags
        assert "Risk to self" not in flags  # "None known" is not a flag
    waiting = Referral.objects.get(person__family_name="Standin")
    page = client_for("senior").get(f"/allocation/referrals/{waiting.pk}/").content.decode()
    assert 'data-testid="flags"' in page and "Prefers email" in page
