"""Validation asks for confirmation, and a validation made by mistake can be undone (issue 12
item 2). The admin sees the referral and the service's checklist before validating; until
screening starts (no screening, no hold, no panel or hub decision) the service's admin may
undo the validation with a reason: the referral is submitted again, in their queue, the
reason on a row and the undo in the history as an event."""

import datetime as dt
import html
import json
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from enablement.catalogue.models import Service, Team
from enablement.governance.models import Event
from enablement.people.models import Person
from enablement.referrals import rules, services
from enablement.referrals.models import Referral, ValidationUndo
from enablement.referrals.rules import Status
from enablement.referrals.tests.test_front_door import _risks, _values

REASON = "Validated by mistake: I meant to open the referral below it"


def _at(y, m, d, h=10):
    return timezone.make_aware(dt.datetime(y, m, d, h, 0))


THURSDAY = _at(2026, 4, 2)
FRIDAY = _at(2026, 4, 3)


@pytest.fixture
def travel(demo):
    with time_machine.travel(FRIDAY, tick=False):
        yield


@pytest.fixture
def kers(user_for, travel):
    """A KERS referral validated by the Kent East admin (asked on the case system)."""
    referrer = user_for("referrer")
    referral = services.submit_referral(
        service=Service.objects.get(code="KERS"),
        team=Team.objects.get(name="Kent East"),
        person=Person.objects.get(family_name="Sample"),
        values=_values(referrer),
        risks=_risks(THURSDAY.date()),
        referrer=referrer,
        actor=referrer,
        now=THURSDAY,
    )
    services.validate_referral(
        referral=referral,
        actor=user_for("admin"),
        now=THURSDAY,
        case_system_requested_on=THURSDAY.date(),
    )
    referral.refresh_from_db()
    assert referral.status == Status.VALIDATED
    return referral


@pytest.fixture
def gp_to_bep(user_for, travel):
    """A GP's minimum-data referral to the Barnet hubs (seed 003 "Referral sources")."""
    ada = Person.objects.get(family_name="Sample")
    Person.objects.filter(pk=ada.pk).update(postcode="NW9 6RR")
    ada.refresh_from_db()
    referrer = user_for("referrer")
    return services.submit_referral(
        service=Service.objects.get(code="BEP"),
        team=None,
        person=ada,
        values={
            "source": "gp",
            "named_social_worker": None,
            "need_identified": True,
            "work_requested": "Help to find a volunteering place near home and get there by bus",
            "consent_to_share": True,
        },
        risks={},
        referrer=referrer,
        actor=referrer,
        now=THURSDAY,
    )


def _page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _api(client, path, body):
    return client.post(
        f"/api/v1/referrals{path}", json.dumps(body), content_type="application/json"
    )


def _messages(response) -> list[str]:
    return [e["message"] for e in response.json()["errors"]]


def _undo_events(referral):
    return Event.objects.filter(referral=referral, kind="referral.validation_undone")


# --- Confirming a validation ---------------------------------------------------------------


def _checklist(page: str) -> str:
    found = re.search(r'data-testid="validation-checklist">(.*?)</ul>', page, re.S)
    assert found, "no checklist on the page"
    return html.unescape(found.group(1))


def test_validation_without_the_case_system_step_is_confirmed_on_a_page_with_the_checklist(
    gp_to_bep, client_for
):
    admin = client_for("admin.bep")
    detail = _page(admin, f"/referrals/{gp_to_bep.pk}/")
    # The button leads to a page; one click no longer validates.
    assert f'href="/referrals/{gp_to_bep.pk}/validate/"' in detail
    assert f'action="/referrals/{gp_to_bep.pk}/validate/"' not in detail

    page = _page(admin, f"/referrals/{gp_to_bep.pk}/validate/")
    gp_to_bep.refresh_from_db()
    assert gp_to_bep.status == Status.SUBMITTED  # looking is not validating
    checklist = _checklist(page)
    # What a GP must give the hubs, and nothing the GP need not give.
    for code in ("date_of_birth", "diagnosis_category", "work_specific", "consent"):
        assert rules.CHECKLIST_LABELS[code] in checklist
    for code in ("named_social_worker", "deliverable", "risk_to_others"):
        assert rules.CHECKLIST_LABELS[code] not in checklist
    assert "Help to find a volunteering place" in page  # the referral's key facts
    assert f'href="/referrals/{gp_to_bep.pk}/return/"' in page  # or return it instead
    assert f'href="/referrals/{gp_to_bep.pk}/"' in page  # and a way back

    done = admin.post(f"/referrals/{gp_to_bep.pk}/validate/")
    assert done.status_code == 302
    gp_to_bep.refresh_from_db()
    assert gp_to_bep.status == Status.IN_TRIAGE


def test_validation_with_the_case_system_step_shows_the_checklist_beside_its_dates(
    kers, client_for, user_for
):
    services.undo_validation(referral=kers, reason=REASON, actor=user_for("admin"), now=FRIDAY)
    page = _page(client_for("admin"), f"/referrals/{kers.pk}/validate/")
    checklist = _checklist(page)
    # A full referral from community mental-health social work: every item of the checklist.
    for _, label in rules.CHECKLIST:
        assert label in checklist
    assert "Date you asked for them to be opened" in page
    # The date asked, kept from the validation undone, is offered again.
    assert f'value="{THURSDAY.day}"' in page and f'value="{THURSDAY.year}"' in page


# --- Undoing it ----------------------------------------------------------------------------


def test_undo_before_screening_puts_it_back_in_the_admins_queue_with_the_reason(
    kers, client_for, user_for
):
    admin = client_for("admin")
    detail = _page(admin, f"/referrals/{kers.pk}/")
    assert 'data-testid="undo-validation"' in detail

    empty = admin.post(f"/referrals/{kers.pk}/undo-validation/", {"reason": " "})
    assert empty.status_code == 200
    assert "Say why the validation is undone" in empty.content.decode()
    too_long = admin.post(f"/referrals/{kers.pk}/undo-validation/", {"reason": "x" * 5001})
    assert "The reason must be 5,000 characters or fewer" in too_long.content.decode()
    kers.refresh_from_db()
    assert kers.status == Status.VALIDATED

    done = admin.post(f"/referrals/{kers.pk}/undo-validation/", {"reason": REASON})
    assert done.status_code == 302 and done["Location"] == f"/referrals/{kers.pk}/"
    kers.refresh_from_db()
    assert kers.status == Status.SUBMITTED and kers.validated_at is None
    # The case-system request happened outside this system: it is kept.
    assert kers.case_system_requested_on == THURSDAY.date()

    [undo] = ValidationUndo.objects.filter(referral=kers)
    assert (undo.reason, undo.undone_by, undo.undone_at) == (REASON, user_for("admin"), FRIDAY)
    assert undo.validated_at == THURSDAY
    [event] = _undo_events(kers)
    assert event.actor == user_for("admin")
    assert REASON not in event.summary and REASON not in json.dumps(event.data)

    assert kers.reference in _page(admin, "/home/validation/")  # back to validate
    detail = _page(admin, f"/referrals/{kers.pk}/")
    assert REASON in detail
    assert f"Referral {kers.reference}: validation undone, back with the admin" in detail
    assert 'data-testid="undo-validation"' not in detail  # nothing left to undo
    # Validated again, it waits for screening once more.
    again = admin.post(
        f"/referrals/{kers.pk}/validate/",
        {
            "case_system_requested_on_0": THURSDAY.day,
            "case_system_requested_on_1": THURSDAY.month,
            "case_system_requested_on_2": THURSDAY.year,
        },
    )
    assert again.status_code == 302
    kers.refresh_from_db()
    assert kers.status == Status.VALIDATED


def test_undo_after_a_hold_is_refused_with_a_plain_message(kers, client_for, user_for):
    services.hold_referral(
        referral=kers, concern="Eviction letter?", actor=user_for("senior"), now=FRIDAY
    )
    with pytest.raises(ValidationError) as refused:
        services.undo_validation(referral=kers, reason=REASON, actor=user_for("admin"), now=FRIDAY)
    assert refused.value.messages == [rules.UNDO_AFTER_HOLD]
    services.answer_hold(
        referral=kers, answer="Safe: I visited", actor=user_for("referrer"), now=FRIDAY
    )
    kers.refresh_from_db()
    assert kers.status == Status.VALIDATED  # waiting for screening again, but held once

    admin = client_for("admin")
    assert 'data-testid="undo-validation"' not in _page(admin, f"/referrals/{kers.pk}/")
    refused = admin.post(f"/referrals/{kers.pk}/undo-validation/", {"reason": REASON}, follow=True)
    assert rules.UNDO_AFTER_HOLD in refused.content.decode()
    api = _api(admin, f"/{kers.pk}/undo-validation", {"reason": REASON})
    assert api.status_code == 400 and rules.UNDO_AFTER_HOLD in _messages(api)
    kers.refresh_from_db()
    assert kers.status == Status.VALIDATED
    assert not ValidationUndo.objects.filter(referral=kers).exists()
    assert not _undo_events(kers).exists()


def test_undo_after_screening_is_refused(kers, user_for):
    services.screen_referral(
        referral=kers,
        decision="decline",
        desktop_check_complete=True,
        complex_features=[],
        risk_notes="",
        not_appropriate=[],
        reason="The needs are long-term: a care act assessment is needed first",
        actor=user_for("senior"),
        now=FRIDAY,
    )
    with pytest.raises(ValidationError) as refused:
        services.undo_validation(referral=kers, reason=REASON, actor=user_for("admin"), now=FRIDAY)
    assert refused.value.messages == [rules.UNDO_AFTER_SCREENING]


def test_a_hub_referral_is_undone_in_triage_but_not_after_the_hub_assessment(
    gp_to_bep, client_for, user_for
):
    admin = client_for("admin.bep")
    services.validate_referral(referral=gp_to_bep, actor=user_for("admin.bep"), now=THURSDAY)
    shown = admin.get(f"/api/v1/referrals/{gp_to_bep.pk}").json()
    assert "undo_validate" in shown["allowed_actions"]
    undone = _api(admin, f"/{gp_to_bep.pk}/undo-validation", {"reason": REASON})
    assert undone.status_code == 200, undone.content
    assert undone.json()["status"] == Status.SUBMITTED
    assert ValidationUndo.objects.get(referral=gp_to_bep).reason == REASON
    assert _undo_events(gp_to_bep).count() == 1

    services.validate_referral(referral=gp_to_bep, actor=user_for("admin.bep"), now=FRIDAY)
    services.assess_referral(
        referral=gp_to_bep,
        hub=Team.objects.get(service__code="BEP", name="Barnet West"),
        level="brief",
        reason="Assessed on the phone",
        information_given="",
        outside_service="",
        outside_contact="",
        destination_team=None,
        actor=user_for("worker.bep"),
        now=FRIDAY,
    )
    gp_to_bep.refresh_from_db()
    assert gp_to_bep.status == Status.VALIDATED  # in the hub's queue, waiting for screening
    shown = admin.get(f"/api/v1/referrals/{gp_to_bep.pk}").json()
    assert "undo_validate" not in shown["allowed_actions"]
    refused = _api(admin, f"/{gp_to_bep.pk}/undo-validation", {"reason": REASON})
    assert refused.status_code == 400 and rules.UNDO_AFTER_TRIAGE in _messages(refused)


def test_only_the_services_admin_may_undo(kers, client_for):
    for role, page_status in [
        ("senior", 403),  # the same team, not the admin
        ("worker", 403),
        ("referrer", 403),  # who made the referral
        ("admin.west", 404),  # an admin of another team does not see it
        ("admin.bep", 404),  # nor of another service
    ]:
        client = client_for(role)
        assert client.get(f"/referrals/{kers.pk}/undo-validation/").status_code == page_status
        posted = client.post(f"/referrals/{kers.pk}/undo-validation/", {"reason": REASON})
        assert posted.status_code == page_status, role
        api = _api(client, f"/{kers.pk}/undo-validation", {"reason": REASON})
        assert api.status_code == page_status, role
    assert 'data-testid="undo-validation"' not in _page(
        client_for("senior"), f"/referrals/{kers.pk}/"
    )
    kers.refresh_from_db()
    assert kers.status == Status.VALIDATED
    assert not ValidationUndo.objects.exists()


def test_the_api_asks_for_a_reason_within_its_limit(kers, client_for):
    admin = client_for("admin")
    blank = _api(admin, f"/{kers.pk}/undo-validation", {"reason": "  "})
    assert blank.status_code == 400
    assert "Say why the validation is undone" in _messages(blank)
    assert _api(admin, f"/{kers.pk}/undo-validation", {"reason": "x" * 5001}).status_code == 422
    shown = admin.get(f"/api/v1/referrals/{kers.pk}").json()
    assert "undo_validate" in shown["allowed_actions"]
    assert (
        "undo_validate"
        not in (client_for("senior").get(f"/api/v1/referrals/{kers.pk}").json()["allowed_actions"])
    )
    done = _api(admin, f"/{kers.pk}/undo-validation", {"reason": REASON})
    assert done.status_code == 200 and done.json()["status"] == Status.SUBMITTED
    assert Referral.objects.get(pk=kers.pk).status == Status.SUBMITTED
