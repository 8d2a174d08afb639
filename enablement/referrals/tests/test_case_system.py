"""The admin's case-system step (seed 000 process overview, issue 10 item 7): "KERS Admin
request person open to locality team and named social worker on Mosaic if this is not already
done". Where the service's settings have the step, validation records the date asked (or that
the person is already open), a later action the date confirmed; the referral page and the
tracker show it. A service without the setting is unaffected."""

import datetime as dt
import json

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from enablement.catalogue.models import Service
from enablement.governance.models import Event
from enablement.referrals import services
from enablement.referrals.models import Referral
from enablement.referrals.rules import Status
from enablement.referrals.tests.test_front_door import _at, _risks, _values

ASKED_MESSAGE = (
    "Enter the date you asked for the person to be opened to the locality team with a named "
    "social worker on the case system, or say they are already open"
)
THURSDAY = _at(2026, 4, 2)  # the referral arrives
MONDAY = _at(2026, 4, 6)  # Easter Monday: the admin validates


@pytest.fixture
def kers(submit):
    return submit(now=THURSDAY)


@pytest.fixture
def submit(user_for, demo):
    from enablement.catalogue.models import Team
    from enablement.people.models import Person

    def make(family="Sample", now=THURSDAY, service="KERS"):
        referrer = user_for("referrer")
        team = Team.objects.get(name="Kent East") if service == "KERS" else None
        return services.submit_referral(
            service=Service.objects.get(code=service),
            team=team,
            person=Person.objects.get(family_name=family),
            values=_values(referrer, **({"source": "agreed_organisation"} if team is None else {})),
            risks=_risks(now.date()),
            referrer=referrer,
            actor=referrer,
            now=now,
        )

    return make


def _kinds(referral) -> list[str]:
    return list(
        Event.objects.filter(referral=referral, kind__startswith="referral.case_system")
        .order_by("id")
        .values_list("kind", flat=True)
    )


# --- The action functions -----------------------------------------------------------------


def test_validation_asks_for_at_least_the_date_asked(kers, user_for):
    with pytest.raises(ValidationError) as refused:
        services.validate_referral(referral=kers, actor=user_for("admin"), now=MONDAY)
    assert refused.value.message_dict == {"case_system_requested_on": [ASKED_MESSAGE]}
    kers.refresh_from_db()
    assert kers.status == Status.SUBMITTED and kers.validated_at is None


def test_the_date_asked_is_recorded_then_the_confirmation_later(kers, user_for):
    admin = user_for("admin")
    services.validate_referral(
        referral=kers, actor=admin, now=MONDAY, case_system_requested_on=dt.date(2026, 4, 3)
    )
    kers.refresh_from_db()
    assert kers.status == Status.VALIDATED
    assert (kers.case_system_requested_on, kers.case_system_confirmed_on) == (
        dt.date(2026, 4, 3),
        None,
    )
    assert _kinds(kers) == ["referral.case_system_requested"]

    services.confirm_case_system(
        referral=kers, confirmed_on=dt.date(2026, 4, 6), actor=admin, now=MONDAY
    )
    kers.refresh_from_db()
    assert kers.case_system_confirmed_on == dt.date(2026, 4, 6)
    assert _kinds(kers) == ["referral.case_system_requested", "referral.case_system_confirmed"]
    confirmed = Event.objects.get(referral=kers, kind="referral.case_system_confirmed")
    assert confirmed.data["confirmed_on"] == "2026-04-06" and confirmed.actor == admin
    with pytest.raises(ValidationError) as twice:
        services.confirm_case_system(
            referral=kers, confirmed_on=dt.date(2026, 4, 6), actor=admin, now=MONDAY
        )
    assert twice.value.message_dict == {
        "confirmed_on": ["Already recorded as confirmed on 6 April 2026"]
    }


def test_already_open_records_both_dates_as_the_day_of_validation(kers, user_for):
    services.validate_referral(
        referral=kers, actor=user_for("admin"), now=MONDAY, case_system_already_open=True
    )
    kers.refresh_from_db()
    assert kers.case_system_requested_on == kers.case_system_confirmed_on == dt.date(2026, 4, 6)
    assert _kinds(kers) == ["referral.case_system_already_open"]


@pytest.mark.parametrize(
    "asked,message",
    [
        (
            dt.date(2026, 4, 7),
            "The date you asked cannot be in the future: check the date",
        ),
        (
            dt.date(2026, 4, 1),
            "The date you asked cannot be before the referral was received, on 2 April 2026: "
            "check the date",
        ),
    ],
)
def test_dates_are_neither_in_the_future_nor_before_the_referral(kers, user_for, asked, message):
    with pytest.raises(ValidationError) as refused:
        services.validate_referral(
            referral=kers, actor=user_for("admin"), now=MONDAY, case_system_requested_on=asked
        )
    assert refused.value.message_dict == {"case_system_requested_on": [message]}


def test_a_confirmation_cannot_come_before_the_date_asked(kers, user_for):
    admin = user_for("admin")
    services.validate_referral(
        referral=kers, actor=admin, now=MONDAY, case_system_requested_on=dt.date(2026, 4, 6)
    )
    with pytest.raises(ValidationError) as refused:
        services.confirm_case_system(
            referral=kers, confirmed_on=dt.date(2026, 4, 3), actor=admin, now=MONDAY
        )
    assert refused.value.message_dict["confirmed_on"][0].startswith(
        "The date it was confirmed cannot be before the date it was asked, 6 April 2026"
    )


def test_a_service_without_the_step_is_unaffected(submit, user_for):
    bep = submit(service="BEP", family="Mock")
    with pytest.raises(ValidationError) as refused:
        services.validate_referral(
            referral=bep, actor=user_for("admin.bep"), now=MONDAY, case_system_already_open=True
        )
    assert "does not ask its admin to open the person" in refused.value.messages[0]
    services.validate_referral(referral=bep, actor=user_for("admin.bep"), now=MONDAY)
    bep.refresh_from_db()
    assert bep.status == Status.IN_TRIAGE
    assert bep.case_system_requested_on is None and _kinds(bep) == []
    with pytest.raises(ValidationError):
        services.confirm_case_system(
            referral=bep, confirmed_on=dt.date(2026, 4, 6), actor=user_for("admin.bep"), now=MONDAY
        )


def test_a_referral_keeps_the_rules_it_started_under(kers, user_for):
    from enablement.catalogue.services import service_settings_change

    # KERS drops the step after the referral arrived: the referral still has it.
    service = kers.service
    values = service.current_settings.rule_values() | {"case_system_step": False}
    service_settings_change(
        service=service, values=values, note="Trial", actor=user_for("sysadmin"), now=THURSDAY
    )
    with pytest.raises(ValidationError):
        services.validate_referral(referral=kers, actor=user_for("admin"), now=MONDAY)


# --- The pages ----------------------------------------------------------------------------


def test_the_admin_validates_on_a_page_and_records_the_confirmation_later(kers, client_for):
    admin = client_for("admin")
    detail = f"/referrals/{kers.pk}/"
    with time_machine.travel(MONDAY, tick=False):
        page = admin.get(detail).content.decode()
        assert f'href="/referrals/{kers.pk}/validate/"' in page  # a page, not a bare button
        assert "Not yet asked" in page
        form = admin.get(f"/referrals/{kers.pk}/validate/").content.decode()
        assert "The person is already open to the locality team" in form
        missing = admin.post(f"/referrals/{kers.pk}/validate/", {})
        assert missing.status_code == 200
        assert "or say they are already open" in missing.content.decode()
        future = admin.post(
            f"/referrals/{kers.pk}/validate/",
            {
                "case_system_requested_on_0": "7",
                "case_system_requested_on_1": "4",
                "case_system_requested_on_2": "2026",
            },
        )
        assert "The date you asked cannot be in the future" in future.content.decode()
        done = admin.post(
            f"/referrals/{kers.pk}/validate/",
            {
                "case_system_requested_on_0": "3",
                "case_system_requested_on_1": "4",
                "case_system_requested_on_2": "2026",
            },
        )
        assert done.status_code == 302
        page = admin.get(detail).content.decode()
        assert "Asked on 3 April 2026, not yet confirmed" in page
        assert f'href="/referrals/{kers.pk}/case-system/"' in page
        confirmed = admin.post(
            f"/referrals/{kers.pk}/case-system/",
            {"confirmed_on_0": "6", "confirmed_on_1": "4", "confirmed_on_2": "2026"},
        )
        assert confirmed.status_code == 302
        page = admin.get(detail).content.decode()
    assert "Asked on 3 April 2026, confirmed on 6 April 2026" in page
    assert f'href="/referrals/{kers.pk}/case-system/"' not in page
    assert "asked on 3 April 2026 for the person to be opened" in page  # the history


def test_only_the_teams_admin_records_the_confirmation(client_for, user_for, kers):
    services.validate_referral(
        referral=kers,
        actor=user_for("admin"),
        now=MONDAY,
        case_system_requested_on=dt.date(2026, 4, 3),
    )
    assert client_for("worker").get(f"/referrals/{kers.pk}/case-system/").status_code == 403
    page = client_for("worker").get(f"/referrals/{kers.pk}/").content.decode()
    assert "Asked on 3 April 2026, not yet confirmed" in page
    assert f"/referrals/{kers.pk}/case-system/" not in page


def test_a_service_without_the_step_shows_nothing_of_it(submit, client_for):
    bep = submit(service="BEP", family="Mock")
    admin = client_for("admin.bep")
    page = admin.get(f"/referrals/{bep.pk}/").content.decode()
    assert "case system" not in page
    # Validation is a confirmation page with the checklist, without the step's dates.
    assert f'href="/referrals/{bep.pk}/validate/"' in page
    confirm = admin.get(f"/referrals/{bep.pk}/validate/")
    assert confirm.status_code == 200
    assert "case system" not in confirm.content.decode()
    assert admin.get(f"/referrals/{bep.pk}/case-system/").status_code == 404
    assert admin.post(f"/referrals/{bep.pk}/validate/").status_code == 302
    assert Referral.objects.get(pk=bep.pk).status == Status.IN_TRIAGE


def test_the_tracker_shows_the_step_for_such_services(kers, submit, client_for, user_for):
    services.validate_referral(
        referral=kers,
        actor=user_for("admin"),
        now=MONDAY,
        case_system_requested_on=dt.date(2026, 4, 3),
    )
    page = client_for("admin").get("/referrals/", {"service": kers.service_id}).content.decode()
    assert "Asked on 3 April 2026, not yet confirmed" in page
    assert "Not yet asked" in page  # the demo's KERS referral waiting for the admin
    bep = submit(service="BEP", family="Mock")
    bep_page = client_for("admin.bep").get("/referrals/").content.decode()
    assert bep.reference in bep_page
    assert "Not yet asked" not in bep_page and "Asked on" not in bep_page


# --- The API ------------------------------------------------------------------------------


def _post(client, path, body):
    return client.post(
        f"/api/v1/referrals{path}", json.dumps(body), content_type="application/json"
    )


def test_the_api_validates_with_the_step_and_records_the_confirmation(kers, client_for):
    admin = client_for("admin")
    with time_machine.travel(MONDAY, tick=False):
        missing = _post(admin, f"/{kers.pk}/validate", {})
        assert missing.status_code == 400
        assert missing.json()["errors"] == [
            {"field": "case_system_requested_on", "message": ASKED_MESSAGE}
        ]
        done = _post(admin, f"/{kers.pk}/validate", {"case_system_requested_on": "2026-04-03"})
        assert done.status_code == 200, done.content
        body = done.json()
        assert body["case_system_step"] is True
        assert (body["case_system_requested_on"], body["case_system_confirmed_on"]) == (
            "2026-04-03",
            None,
        )
        early = _post(admin, f"/{kers.pk}/case-system", {"confirmed_on": "2026-04-02"})
        assert early.status_code == 400
        assert early.json()["errors"][0]["field"] == "confirmed_on"
        confirmed = _post(admin, f"/{kers.pk}/case-system", {"confirmed_on": "2026-04-06"})
        assert confirmed.status_code == 200, confirmed.content
        assert confirmed.json()["case_system_confirmed_on"] == "2026-04-06"
        assert (
            _post(
                client_for("worker"), f"/{kers.pk}/case-system", {"confirmed_on": "2026-04-06"}
            ).status_code
            == 403
        )


def test_the_api_leaves_a_service_without_the_step_as_it_was(submit, client_for):
    bep = submit(service="BEP", family="Mock")
    admin = client_for("admin.bep")
    refused = _post(admin, f"/{bep.pk}/validate", {"case_system_already_open": True})
    assert refused.status_code == 400
    done = _post(admin, f"/{bep.pk}/validate", {})
    assert done.status_code == 200
    assert done.json()["case_system_step"] is False
    assert done.json()["case_system_requested_on"] is None
    nothing = _post(admin, f"/{bep.pk}/case-system", {"confirmed_on": "2026-04-02"})
    assert nothing.status_code == 400


def test_the_demo_kers_admin_has_a_confirmation_to_record(demo):
    waiting = Referral.objects.get(person__family_name="Specimen")
    assert waiting.case_system_requested_on == timezone.localdate(demo)
    assert waiting.case_system_confirmed_on is None
