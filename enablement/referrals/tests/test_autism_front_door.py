"""The Kent autism "one front door" (seed 001 §1, §10): the multi-disciplinary panel does
the desktop screening, the risk screening tool and the "can needs be met safely within 16
weeks" check, then passes the referral to the identified enablement service, which takes it
as screened and accepted, on its waiting list at the panel's date; or, where enablement is
not the right service, to an outside service with the reason."""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from enablement.allocation.selectors import waiting_list
from enablement.casework.models import Episode
from enablement.catalogue.models import Service, StaffMember, Team
from enablement.demo.services import AUTISM_FRONT_DOOR
from enablement.people.models import Person
from enablement.referrals import rules, services
from enablement.referrals.models import Referral
from enablement.referrals.rules import Status

PANEL_DAY = dt.datetime(2026, 3, 4, 10, 0)  # Wednesday: the panel meets
LOOK_DAY = dt.datetime(2026, 3, 7, 10, 0)  # three days on


def _at(when: dt.datetime) -> dt.datetime:
    return timezone.make_aware(when)


@pytest.fixture
def in_triage(demo):
    """The demo's referral waiting for the panel (Ina Notreal, autistic, 31)."""
    referral = Referral.objects.get(person__family_name="Notreal", service__code="AFD")
    assert referral.status == Status.IN_TRIAGE
    return referral


def _team(code, name):
    return Team.objects.get(service__code=code, name=name)


def _route_on_the_page(client, referral, team, **extra):
    data = {
        "destination": f"team:{team.pk}" if team else "outside",
        "outside_service": "",
        "reason": "Needs are social and can be met by enablement",
        "desktop_check_complete": "on",
        "complex_features": ["service_history"],
        "appropriate_factors": AUTISM_FRONT_DOOR["values"]["appropriate_factors"][:2],
        "needs_met_within_length": "on",
        **extra,
    }
    return client.post(f"/referrals/{referral.pk}/route/", {k: v for k, v in data.items() if v})


def _route(referral, team, actor, *, now, **extra):
    return services.route_referral(
        referral=referral,
        destination=team.service if team else None,
        team=team,
        outside_service=extra.pop("outside_service", ""),
        reason=extra.pop("reason", "Needs are social and can be met by enablement"),
        actor=actor,
        now=now,
        **{"desktop_check_complete": True, "needs_met_within_length": True, **extra},
    )


# --- The destination takes it as screened and accepted ---------------------------------------


@pytest.mark.parametrize(
    "code,team_name,senior,worker",
    [
        ("KERS", "Kent East", "senior.east", "worker.east"),
        ("KPS", "KPS Kent", "senior.kps", "worker.kps"),
    ],
)
def test_a_routed_referral_waits_at_the_destination_accepted_at_the_panels_date(
    in_triage, client_for, user_for, code, team_name, senior, worker
):
    team = _team(code, team_name)
    with time_machine.travel(_at(PANEL_DAY), tick=False):
        response = _route_on_the_page(client_for("senior.autism"), in_triage, team)
    assert response.status_code == 302, response.content.decode()
    in_triage.refresh_from_db()
    created = in_triage.triage.created_referral
    # The panel's own screening is kept on the panel's referral (seed 001 §10).
    [panel] = in_triage.screenings.all()
    assert (panel.decision, panel.desktop_check_complete, panel.eligibility) == (
        "accept",
        True,
        rules.Eligibility.ELIGIBLE,
    )
    assert panel.complex_features == ["service_history"]
    assert panel.appropriate_factors == AUTISM_FRONT_DOOR["values"]["appropriate_factors"][:2]

    if code == "KERS":
        # KERS's own rule would refuse an autistic person: it is never applied here.
        kers = rules.eligibility(
            team.service.current_settings,
            date_of_birth=created.person.date_of_birth,
            on=PANEL_DAY.date(),
            diagnosis_category="autism",
            ongoing_cmh_social_work=False,
            diagnosed_need=False,
            eligible_needs=True,
            preventative_entitlement=None,
            not_appropriate=[],
        )
        assert kers.outcome == rules.Eligibility.NOT_ELIGIBLE

    # A referral of the destination's own, screened and accepted a day after the panel's.
    own = Referral.objects.filter(team=team, status=Status.VALIDATED).first()
    if own is not None:
        with time_machine.travel(_at(PANEL_DAY + dt.timedelta(days=1)), tick=False):
            services.screen_referral(
                referral=own,
                decision="accept",
                desktop_check_complete=True,
                complex_features=[],
                risk_notes="",
                not_appropriate=[],
                appropriate_factors=list(own.service_settings.appropriate_factors),
                reason="Assessed face to face; all factors met",
                actor=user_for(senior),
                now=timezone.now(),
            )

    with time_machine.travel(_at(LOOK_DAY), tick=False):
        entries = waiting_list(team)
        [mine] = [e for e in entries if e.facts.id == created.pk]
        assert mine.facts.accepted_at == _at(PANEL_DAY)
        # Ordered by acceptance date: behind those accepted before the panel's day, ahead
        # of any accepted after it.
        earlier = [e for e in entries if e.facts.accepted_at < _at(PANEL_DAY)]
        assert mine.position == len(earlier) + 1
        if own is not None:
            assert [e.facts.id for e in entries].index(own.pk) == mine.position
        created.refresh_from_db()
        assert created.status == Status.ACCEPTED
        # No second validation or screening at the destination.
        assert not created.screenings.exists()
        assert created.validated_at == created.decided_at == _at(PANEL_DAY)
        page = client_for(senior).get(f"/referrals/{created.pk}/").content.decode()
        assert "Screened and accepted by Autism triage panel (Autism enablement front door)" in (
            page
        )
        assert "4 March 2026" in page
        assert "Risk screening tool: History of service involvement" in page
        # The destination's senior sees no panel referral they may not open.
        assert f"/referrals/{in_triage.pk}/" not in page
        assert "Not eligible" not in page
        # KERS's admin asks for the case system at validation; a handed-on referral was
        # validated at the front door, so nobody is left a "not yet asked" to act on.
        assert "Not yet asked" not in page
        assert client_for("admin.east").get(
            f"/referrals/{created.pk}/case-system/"
        ).status_code in (
            403,
            404,
        )
        # Someone at the destination can allocate it: the senior, to a worker with room.
        allocate = client_for(senior).get(f"/allocation/referrals/{created.pk}/")
        assert allocate.status_code == 200
        worker_staff = StaffMember.objects.get(user__username=worker)
        done = client_for(senior).post(
            f"/allocation/referrals/{created.pk}/",
            {
                "worker": worker_staff.pk,
                "reason": "Knows the person's area",
                # Ahead of any accepted earlier that fit: allocated out of order, with why.
                "out_of_order_reason": "The panel agreed a start this week",
            },
        )
        assert done.status_code == 302
    assert Episode.objects.get(referral=created).worker == worker_staff


def test_the_social_worker_is_told_where_it_went_and_that_it_was_accepted(in_triage, user_for):
    kps = _team("KPS", "KPS Kent")
    _route(in_triage, kps, user_for("senior.autism"), now=_at(PANEL_DAY))
    told = in_triage.notifications.filter(user__username="referrer").first()
    assert "screened and accepted" in told.body and "KPS autism enablement" in told.body
    created = in_triage.triage.created_referral
    seniors = set(created.notifications.values_list("user__username", flat=True))
    assert "senior.kps" in seniors


# --- The panel's screening -----------------------------------------------------------------


def test_accepting_at_the_panel_needs_the_desktop_check_and_the_16_week_confirmation(
    in_triage, user_for, client_for
):
    kps = _team("KPS", "KPS Kent")
    with pytest.raises(ValidationError) as refused:
        _route(
            in_triage,
            kps,
            user_for("senior.autism"),
            now=_at(PANEL_DAY),
            desktop_check_complete=False,
            needs_met_within_length=False,
        )
    assert set(refused.value.message_dict) == {"desktop_check_complete", "needs_met_within_length"}
    assert "within 16 weeks" in refused.value.message_dict["needs_met_within_length"][0]
    in_triage.refresh_from_db()
    assert in_triage.status == Status.IN_TRIAGE
    assert not in_triage.screenings.exists() and not Referral.objects.filter(routed_from=in_triage)
    # The page says so beside the fields, and routes nothing.
    page = _route_on_the_page(
        client_for("senior.autism"),
        in_triage,
        kps,
        desktop_check_complete="",
        needs_met_within_length="",
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Complete the desktop check" in text
    assert "can be met safely within 16 weeks" in text
    assert not Referral.objects.filter(routed_from=in_triage).exists()


def test_a_ticked_not_appropriate_factor_refuses_an_enablement_service(in_triage, user_for):
    factor = AUTISM_FRONT_DOOR["values"]["not_appropriate_factors"][2]  # health needs
    panel = user_for("senior.autism")
    with pytest.raises(ValidationError) as refused:
        _route(
            in_triage,
            _team("ASS", "Autism specialist support"),
            panel,
            now=_at(PANEL_DAY),
            not_appropriate=[factor],
        )
    assert "outside service" in refused.value.message_dict["not_appropriate"][0]
    assert not Referral.objects.filter(routed_from=in_triage).exists()
    # To an outside service it goes, with the reason, and the screening is kept as declined.
    _route(
        in_triage,
        None,
        panel,
        now=_at(PANEL_DAY),
        not_appropriate=[factor],
        outside_service="Community health team",
        reason="Health needs come first",
        desktop_check_complete=False,
        needs_met_within_length=False,
    )
    in_triage.refresh_from_db()
    [screening] = in_triage.screenings.all()
    assert (screening.decision, screening.reason, screening.not_appropriate) == (
        "decline",
        "Health needs come first",
        [factor],
    )
    assert screening.eligibility == rules.Eligibility.NOT_ELIGIBLE
    assert in_triage.triage.outside_service == "Community health team"
    assert in_triage.status == Status.REDIRECTED


def test_a_person_outside_the_front_doors_rules_cannot_be_passed_to_enablement(in_triage, user_for):
    person = in_triage.person
    person.date_of_birth = dt.date(1950, 1, 1)  # 76: the front door is for 18 to 65
    person.save(update_fields=["date_of_birth"])
    with pytest.raises(ValidationError) as refused:
        _route(in_triage, _team("KPS", "KPS Kent"), user_for("senior.autism"), now=_at(PANEL_DAY))
    assert "Aged 76" in refused.value.message_dict["destination"][0]


def test_the_panel_refuses_an_answer_that_is_not_one_of_its_questions(in_triage, user_for):
    for field in ("complex_features", "not_appropriate", "appropriate_factors"):
        with pytest.raises(ValidationError) as refused:
            _route(
                in_triage,
                _team("KPS", "KPS Kent"),
                user_for("senior.autism"),
                now=_at(PANEL_DAY),
                **{field: ["made up"]},
            )
        assert field in refused.value.message_dict


def test_the_api_records_the_panels_screening_and_refuses_without_the_checks(in_triage, client_for):
    kps = _team("KPS", "KPS Kent")
    panel = client_for("senior.autism")
    url = f"/api/v1/referrals/{in_triage.pk}/route"
    with time_machine.travel(_at(PANEL_DAY), tick=False):
        refused = panel.post(
            url, {"team_id": kps.pk, "reason": "x"}, content_type="application/json"
        )
        assert refused.status_code == 400
        fields = {e["field"] for e in refused.json()["errors"]}
        assert fields == {"desktop_check_complete", "needs_met_within_length"}
        routed = panel.post(
            url,
            {
                "team_id": kps.pk,
                "reason": "Social needs, met in 16 weeks",
                "desktop_check_complete": True,
                "needs_met_within_length": True,
                "complex_features": ["violence"],
            },
            content_type="application/json",
        )
    assert routed.status_code == 200, routed.content
    body = routed.json()
    assert body["screenings"][0]["decision"] == "accept"
    assert body["screenings"][0]["complex_features"] == ["violence"]
    created = Referral.objects.get(pk=body["triage"]["created_referral_id"])
    assert (created.status, created.decided_at) == (Status.ACCEPTED, _at(PANEL_DAY))


# --- The panel follows what it routed -------------------------------------------------------


def test_the_panel_opens_the_referral_it_routed_from_its_own_page(in_triage, client_for):
    kps = _team("KPS", "KPS Kent")
    with time_machine.travel(_at(PANEL_DAY), tick=False):
        _route_on_the_page(client_for("senior.autism"), in_triage, kps)
    created = Referral.objects.get(routed_from=in_triage)
    for username in ("senior.autism", "admin.autism"):
        client = client_for(username)
        own = client.get(f"/referrals/{in_triage.pk}/").content.decode()
        assert f'href="/referrals/{created.pk}/"' in own
        routed = client.get(f"/referrals/{created.pk}/")
        assert routed.status_code == 200, username
        page = routed.content.decode()
        # Back to the panel's referral, which they may see.
        assert f'href="/referrals/{in_triage.pk}/"' in page
        assert "Screened and accepted by Autism triage panel" in page


# --- The demo: someone can act at every step ------------------------------------------------


def test_every_service_the_panel_routes_to_has_a_senior_who_can_allocate(demo, user_for):
    from enablement.accounts.access import may_allocate

    afd = Service.objects.get(code="AFD").current_settings
    for code in afd.route_destinations:
        for team in Team.objects.filter(service__code=code):
            seniors = [
                m.user
                for m in StaffMember.objects.filter(team=team).select_related("user")
                if may_allocate(m.user, team)
            ]
            assert seniors, f"Nobody can allocate in {team}"
            assert all(m.job_title for m in StaffMember.objects.filter(team=team))
    pm = StaffMember.objects.get(user__username="pm.autism")
    assert {"AFD", "ASS", "KPS"} <= set(pm.services.values_list("code", flat=True))


def test_loading_the_demo_again_changes_nothing(demo):
    from django.contrib.auth import get_user_model

    from enablement.demo.loader import load_demo

    before = (get_user_model().objects.count(), Referral.objects.count())
    assert load_demo(now=demo + dt.timedelta(days=1))["users"] == 0
    assert (get_user_model().objects.count(), Referral.objects.count()) == before


# --- The rule, pure ---------------------------------------------------------------------------

SETTINGS = SimpleNamespace(
    length_weeks=16, not_appropriate_factors=["Health needs", "Dementia care"]
)
ELIGIBLE = rules.EligibilityDecision(rules.Eligibility.ELIGIBLE, ())


def _problems(**change):
    facts = {
        "to_enablement": True,
        "desktop_check_complete": True,
        "needs_met_within_length": True,
        "not_appropriate": [],
        "verdict": ELIGIBLE,
        **change,
    }
    return rules.panel_route_problems(SETTINGS, **facts)


def test_rule_a_complete_screening_passes():
    assert _problems() == {}


@pytest.mark.parametrize(
    "change,field",
    [
        ({"desktop_check_complete": False}, "desktop_check_complete"),
        ({"needs_met_within_length": False}, "needs_met_within_length"),
        ({"not_appropriate": ["Dementia care"]}, "not_appropriate"),
        (
            {
                "verdict": rules.EligibilityDecision(
                    rules.Eligibility.NOT_ELIGIBLE, ("Aged 70: the service is for 18 to 65",)
                )
            },
            "destination",
        ),
    ],
)
def test_rule_each_missing_check_stops_a_route_to_enablement(change, field):
    assert list(_problems(**change)) == [field]


def test_rule_judgement_is_the_panels_to_make():
    judgement = rules.EligibilityDecision(
        rules.Eligibility.NEEDS_JUDGEMENT, ("No Care Act assessment recorded",)
    )
    assert _problems(verdict=judgement) == {}


def test_rule_an_outside_service_needs_none_of_the_checks():
    assert (
        _problems(
            to_enablement=False,
            desktop_check_complete=False,
            needs_met_within_length=False,
            not_appropriate=["Health needs"],
        )
        == {}
    )


def test_rule_the_length_is_the_services():
    message = rules.panel_route_problems(
        SimpleNamespace(length_weeks=12, not_appropriate_factors=[]),
        to_enablement=True,
        desktop_check_complete=True,
        needs_met_within_length=False,
        not_appropriate=[],
        verdict=ELIGIBLE,
    )["needs_met_within_length"]
    assert "within 12 weeks" in message


def test_the_forecast_counts_a_routed_referral_as_accepted_by_its_destination(in_triage, user_for):
    from enablement.allocation.forecasting import history

    _route(in_triage, _team("KPS", "KPS Kent"), user_for("senior.autism"), now=_at(PANEL_DAY))
    later = LOOK_DAY.date() + dt.timedelta(days=7)
    assert history(Service.objects.get(code="KPS"), today=later).accepted == 1
    # The front door accepts onto no list of its own.
    assert history(Service.objects.get(code="AFD"), today=later).accepted == 0


def test_the_referral_form_offers_only_front_doors_and_staffed_teams(demo, client_for):
    """Seed 001 §1: one front door, so KPS and the specialist service are not offered; seed
    003: the Network takes its referrals from the hubs; and no team without staff is offered,
    so no referral waits in a queue nobody reads (issue 10 items 4, 5 and 9)."""
    ada = Person.objects.get(family_name="Sample")
    client = client_for("referrer")
    page = client.get(f"/referrals/new/?person={ada.pk}").content.decode()
    assert "Autism enablement front door" in page
    assert "Mental Health Support Time Recovery" in page
    for not_offered in (
        "KPS autism enablement",
        "Autism specialist support",
        "Barnet Enablement Network",
    ):
        assert not_offered not in page
    # The team is chosen within the service, among its staffed teams only.
    start = client.post(
        f"/referrals/new/?person={ada.pk}", {"service": Service.objects.get(code="STR").pk}
    )
    person = client.get(start.url).content.decode()
    assert "Thanet and Dover" in person
    assert "Ashford and Shepway" not in person
