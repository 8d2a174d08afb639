"""Re-referral as the seeds say it (seed 000 §9, seed 001 §15): "further provision ... will
only be considered after a period of 12 months and only where the individual's needs have
significantly changed", read from the product's own closed episodes.

Through the action functions, the pages and the clock: a person whose enablement with KERS
closed five months ago is refused with the date, and accepted with a statement once time has
passed the window; a typed end date counts only when the product holds no episode.
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from enablement.casework.models import Episode, EpisodeStatus
from enablement.catalogue.models import Service, Team
from enablement.people.models import Person
from enablement.referrals import services
from enablement.referrals.models import Referral
from enablement.referrals.rules import RiskArea, Status
from enablement.referrals.services import RiskEntry
from enablement.referrals.tests.sectioned import refer_in_sections

CHANGED = "Moved out of supported housing in May and now lives alone for the first time"


def _at(y, m, d, h=10):
    return timezone.make_aware(dt.datetime(y, m, d, h, 0))


CLOSED = _at(2026, 3, 12, 15)  # the last KERS enablement ended on 12 March 2026
FIVE_MONTHS_ON = _at(2026, 8, 12)
PAST_THE_WINDOW = _at(2027, 3, 12, 9)  # the anniversary, first thing in the morning


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
        **extra,
    }


def _risks(on):
    return {area: RiskEntry("None known", on - dt.timedelta(days=7)) for area in RiskArea}


@pytest.fixture
def kers_east(demo):
    return Team.objects.get(service__code="KERS", name="Kent East")


@pytest.fixture
def ada(demo):
    """Ada Sample: no episode in the demo."""
    return Person.objects.get(family_name="Sample")


def _past_enablement(person, team, *, worker, allocated_at, closed_at, reason=""):
    """A closed episode of `team`'s service for `person`, on a referral of its own."""
    old = Referral.objects.filter(service__code="KERS").first()
    old.pk = None
    old.person, old.team, old.status = person, team, Status.ALLOCATED
    old.service, old.service_settings = team.service, team.service.current_settings
    old.reference = f"{team.service.code}-OLD{Referral.objects.count():04d}"
    old.received_at = old.first_submitted_at = old.created_at = allocated_at
    old.decided_at, old.decision_reason = allocated_at, reason
    old.save()
    return Episode.objects.create(
        referral=old,
        person=person,
        service=team.service,
        service_settings=old.service_settings,
        team=team,
        worker=worker,
        status=EpisodeStatus.CLOSED,
        allocated_at=allocated_at,
        allocated_by=worker.user,
        allocation_reason="the first proposal",
        closed_at=closed_at,
    )


@pytest.fixture
def ended_in_march(ada, kers_east, user_for):
    """Ada's KERS enablement in Kent East with Sam the worker: 2 December 2025 to 12 March 2026."""
    return _past_enablement(
        ada,
        kers_east,
        worker=user_for("worker").staff,
        allocated_at=_at(2025, 12, 2),
        closed_at=CLOSED,
        reason="Accepted: travel training and a daily routine",
    )


@pytest.fixture
def submit(user_for, kers_east, ada):
    def make(now, person=None, **extra):
        referrer = user_for("referrer")
        return services.submit_referral(
            service=kers_east.service,
            team=kers_east,
            person=person or ada,
            values=_values(referrer, **extra),
            risks=_risks(now.date()),
            referrer=referrer,
            actor=referrer,
            now=now,
        )

    return make


def _refused(call) -> dict[str, list[str]]:
    before = Referral.objects.count()
    with pytest.raises(ValidationError) as error:
        call()
    assert Referral.objects.count() == before
    return error.value.message_dict


# --- Submission -------------------------------------------------------------------------------


def test_an_enablement_that_ended_five_months_ago_refuses_the_referral_with_the_date(
    ended_in_march, submit
):
    errors = _refused(lambda: submit(FIVE_MONTHS_ON, changed_needs_statement=CHANGED))
    message = errors["previous_ended_on"][0]
    assert "ended on 12 March 2026" in message
    assert "A new enablement can be considered from 12 March 2027" in message


def test_after_the_window_the_same_person_is_accepted_with_a_statement(
    ended_in_march, submit, user_for
):
    with time_machine.travel(PAST_THE_WINDOW, tick=False):
        errors = _refused(lambda: submit(timezone.now()))
        assert "significantly changed" in errors["changed_needs_statement"][0]
        assert "previous_ended_on" not in errors
        referral = submit(timezone.now(), changed_needs_statement=CHANGED)
        assert referral.status == Status.SUBMITTED
        assert (referral.previous_ended_on, referral.previous_ended_typed) == (
            dt.date(2026, 3, 12),
            False,
        )
        services.validate_referral(
            referral=referral,
            actor=user_for("admin"),
            now=timezone.now(),
            case_system_already_open=True,
        )
        screened = services.screen_referral(
            referral=referral,
            decision="accept",
            desktop_check_complete=True,
            complex_features=[],
            risk_notes="",
            not_appropriate=[],
            reason="Needs have changed: lives alone now",
            actor=user_for("senior"),
            now=timezone.now(),
        )
    assert screened.status == Status.ACCEPTED


def test_the_day_before_the_anniversary_is_still_inside_the_window(ended_in_march, submit):
    errors = _refused(lambda: submit(_at(2027, 3, 11, 23), changed_needs_statement=CHANGED))
    assert "considered from 12 March 2027" in errors["previous_ended_on"][0]


def test_a_typed_date_is_ignored_when_the_product_holds_an_episode(ended_in_march, submit):
    # Typed years ago, as if the window had long passed: the episode's date is what counts.
    errors = _refused(
        lambda: submit(
            FIVE_MONTHS_ON,
            previous_ended_on=dt.date(2019, 1, 10),
            changed_needs_statement=CHANGED,
        )
    )
    assert "ended on 12 March 2026" in errors["previous_ended_on"][0]
    referral = submit(
        PAST_THE_WINDOW, previous_ended_on=dt.date(2019, 1, 10), changed_needs_statement=CHANGED
    )
    assert (referral.previous_ended_on, referral.previous_ended_typed) == (
        dt.date(2026, 3, 12),
        False,
    )


def test_a_typed_date_counts_when_there_is_no_episode_and_is_marked_typed(submit):
    now = _at(2026, 4, 2)
    errors = _refused(
        lambda: submit(now, previous_ended_on=dt.date(2025, 10, 1), changed_needs_statement=CHANGED)
    )
    assert "considered from 1 October 2026" in errors["previous_ended_on"][0]
    referral = submit(now, previous_ended_on=dt.date(2024, 1, 10), changed_needs_statement=CHANGED)
    assert (referral.previous_ended_on, referral.previous_ended_typed) == (
        dt.date(2024, 1, 10),
        True,
    )


def test_a_typed_date_in_the_future_is_refused(submit):
    errors = _refused(lambda: submit(_at(2026, 4, 2), previous_ended_on=dt.date(2026, 5, 1)))
    assert "in the future" in errors["previous_ended_on"][0]


def test_no_earlier_enablement_needs_no_statement(submit):
    referral = submit(_at(2026, 4, 2))
    assert referral.previous_ended_on is None and not referral.previous_ended_typed


def test_an_episode_of_another_service_does_not_count(ada, user_for, submit):
    str_team = Team.objects.filter(service__code="STR").first()
    _past_enablement(
        ada,
        str_team,
        worker=user_for("worker").staff,
        allocated_at=_at(2025, 12, 2),
        closed_at=CLOSED,
    )
    referral = submit(FIVE_MONTHS_ON)
    assert referral.previous_ended_on is None


def test_a_29_february_end_is_considered_from_1_march(ada, kers_east, user_for, submit):
    _past_enablement(
        ada,
        kers_east,
        worker=user_for("worker").staff,
        allocated_at=_at(2023, 12, 1),
        closed_at=_at(2024, 2, 29, 16),
    )
    errors = _refused(lambda: submit(_at(2025, 2, 28, 16), changed_needs_statement=CHANGED))
    assert "considered from 1 March 2025" in errors["previous_ended_on"][0]
    with time_machine.travel(_at(2025, 3, 1, 9), tick=False):
        # Risk dates and ages are real: the person must be referable on that day.
        referral = submit(timezone.now(), changed_needs_statement=CHANGED)
    assert referral.previous_ended_on == dt.date(2024, 2, 29)


def test_the_autism_front_door_counts_an_enablement_with_a_service_it_routes_to(
    demo, user_for, kers_east
):
    # Seed 001 §15: the panel's referrals become KERS, KPS or autism-specialist episodes, so a
    # KERS enablement that ended five months ago refuses a new referral to the front door.
    afd = Referral.objects.get(person__family_name="Invented")
    person = afd.person
    _past_enablement(
        person,
        kers_east,
        worker=user_for("worker").staff,
        allocated_at=_at(2025, 12, 2),
        closed_at=CLOSED,
    )
    referrer = user_for("referrer")
    panel = Team.objects.get(service__code="AFD", name="Autism triage panel")
    errors = _refused(
        lambda: services.submit_referral(
            service=Service.objects.get(code="AFD"),
            team=panel,
            person=person,
            values=_values(referrer, source="social_work_team", changed_needs_statement=CHANGED),
            risks=_risks(FIVE_MONTHS_ON.date()),
            referrer=referrer,
            actor=referrer,
            now=FIVE_MONTHS_ON,
        )
    )
    assert "considered from 12 March 2027" in errors["previous_ended_on"][0]


# --- Resubmission and screening ---------------------------------------------------------------


def test_resubmission_inside_the_window_is_refused(ada, kers_east, user_for, submit):
    # An enablement on another referral of hers (in flight at the same time) closed before
    # the correction: the correction is judged on it.
    referral = submit(_at(2026, 4, 2))
    admin = user_for("admin")
    services.return_referral(
        referral=referral, missing=["work_specific"], note="", actor=admin, now=_at(2026, 4, 3)
    )
    _past_enablement(
        ada,
        kers_east,
        worker=user_for("worker").staff,
        allocated_at=_at(2026, 1, 5),
        closed_at=_at(2026, 4, 20),
    )
    errors = _refused(
        lambda: services.resubmit_referral(
            referral=referral,
            values={"changed_needs_statement": CHANGED},
            risks=_risks(dt.date(2026, 5, 1)),
            actor=user_for("referrer"),
            now=_at(2026, 5, 1),
        )
    )
    assert "considered from 20 April 2027" in errors["previous_ended_on"][0]
    referral.refresh_from_db()
    assert referral.status == Status.RETURNED


def test_resubmission_keeps_a_typed_date_as_typed(submit, user_for):
    # The form puts only a typed date back in its box; a resubmission without it in the body
    # (the API's partial values) keeps it, still marked typed.
    when = _at(2026, 4, 2)
    referral = submit(
        when,
        previous_ended_on=dt.date(2025, 3, 1),
        changed_needs_statement="Lost their job and their tenancy since then",
    )
    services.return_referral(
        referral=referral, missing=["work_specific"], note="", actor=user_for("admin"), now=when
    )
    services.resubmit_referral(
        referral=referral,
        values={"work_requested": "Travel training to the job centre on the 42 bus"},
        risks=_risks(when.date()),
        actor=user_for("referrer"),
        now=when,
    )
    referral.refresh_from_db()
    assert (referral.previous_ended_on, referral.previous_ended_typed) == (
        dt.date(2025, 3, 1),
        True,
    )


def test_a_screener_cannot_accept_a_referral_inside_the_window(ada, kers_east, user_for, submit):
    # An enablement on another referral of hers closed a week after this one was made.
    referral = submit(_at(2026, 4, 2))
    _past_enablement(
        ada,
        kers_east,
        worker=user_for("worker").staff,
        allocated_at=_at(2026, 1, 5),
        closed_at=_at(2026, 4, 9),
    )
    services.validate_referral(
        referral=referral,
        actor=user_for("admin"),
        now=_at(2026, 4, 10),
        case_system_already_open=True,
    )
    with pytest.raises(ValidationError) as error:
        services.screen_referral(
            referral=referral,
            decision="accept",
            desktop_check_complete=True,
            complex_features=[],
            risk_notes="",
            not_appropriate=[],
            reason="",
            actor=user_for("senior"),
            now=_at(2026, 4, 10),
        )
    message = error.value.message_dict["decision"][0]
    assert message.startswith("This referral cannot be accepted.")
    assert "considered from 9 April 2027" in message
    referral.refresh_from_db()
    assert referral.status == Status.VALIDATED
    # Declining it is still possible, with a reason.
    services.screen_referral(
        referral=referral,
        decision="decline",
        desktop_check_complete=True,
        complex_features=[],
        risk_notes="",
        not_appropriate=[],
        reason="Inside 12 months of the last enablement (seed 000 §9)",
        actor=user_for("senior"),
        now=_at(2026, 4, 10),
    )


# --- Pages ---------------------------------------------------------------------------------------


def _form(kers_east, named, on: dt.date, **extra) -> dict:
    data = {
        "destination": f"team:{kers_east.pk}",
        "source": "community_mh_social_work",
        "named_social_worker": named.pk,
        "need_identified": "on",
        "work_requested": "Travel independently by bus to the Tuesday allotment group",
        "intended_outcomes": "Goes alone by week 6",
        "deliverable_within_length": "on",
        "consent_to_share": "on",
        "ongoing_cmh_social_work": "on",
        "diagnosed_need": "on",
        "eligible_needs": "yes",
        "preventative_entitlement": "unknown",
    }
    assessed = on - dt.timedelta(days=7)
    for area in RiskArea:
        data[f"risk_{area}_description"] = "None known"
        for i, part in enumerate((assessed.day, assessed.month, assessed.year)):
            data[f"risk_{area}_assessed_on_{i}"] = str(part)
    return data | extra


def test_the_form_refuses_inside_the_window_with_the_date(
    ended_in_march, ada, kers_east, client_for, user_for
):
    with time_machine.travel(FIVE_MONTHS_ON, tick=False):
        response = refer_in_sections(
            client_for("referrer"),
            ada,
            _form(
                kers_east,
                user_for("referrer"),
                FIVE_MONTHS_ON.date(),
                changed_needs_statement=CHANGED,
            ),
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_previous_ended_on-error"' in html
    assert "A new enablement can be considered from 12 March 2027" in html
    assert "only if their last enablement was before this system" in html.lower()
    assert not Referral.objects.filter(person=ada, previous_ended_on__isnull=False).exists()


def test_the_referral_page_says_a_typed_date_was_typed(ada, kers_east, client_for, user_for):
    now = _at(2026, 4, 2)
    with time_machine.travel(now, tick=False):
        response = refer_in_sections(
            client_for("referrer"),
            ada,
            _form(
                kers_east,
                user_for("referrer"),
                now.date(),
                previous_ended_on_0="3",
                previous_ended_on_1="3",
                previous_ended_on_2="2025",
                changed_needs_statement=CHANGED,
            ),
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        page = client_for("admin").get(response["Location"]).content.decode()
    assert "Ended 3 March 2025 (typed by the referrer: before this system)" in page
    assert CHANGED in page
    assert 'data-testid="previous-enablement"' not in page  # the product holds no episode


def test_screener_sees_the_previous_episode_on_the_referral_and_screening_pages(
    ended_in_march, submit, client_for, user_for
):
    with time_machine.travel(PAST_THE_WINDOW, tick=False):
        referral = submit(timezone.now(), changed_needs_statement=CHANGED)
        services.validate_referral(
            referral=referral,
            actor=user_for("admin"),
            now=timezone.now(),
            case_system_already_open=True,
        )
        senior = client_for("senior")
        pages = [
            senior.get(f"/referrals/{referral.pk}/").content.decode(),
            senior.get(f"/referrals/{referral.pk}/screen/").content.decode(),
        ]
    old = ended_in_march.referral
    worker = str(user_for("worker"))
    for page in pages:
        assert "Previous enablement with this service" in page
        assert "Allocated 2 December 2025, ended 12 March 2026" in page
        assert worker in page
        assert "No outcomes and recommendations form was recorded for this enablement" in page
        assert f'href="/referrals/{old.pk}/"' in page
        assert "Accepted: travel training and a daily routine" in page
    assert "Ended 12 March 2026 (from this system's closed episode)" in pages[0]


def test_a_previous_episode_of_another_team_is_shown_without_its_referral(
    ada, user_for, submit, client_for
):
    kers_west = Team.objects.get(service__code="KERS", name="Kent West")
    west = _past_enablement(
        ada,
        kers_west,
        worker=user_for("worker.west").staff,
        allocated_at=_at(2025, 1, 6),
        closed_at=_at(2025, 4, 1),
        reason="Accepted in Kent West",
    )
    referral = submit(_at(2026, 4, 2), changed_needs_statement=CHANGED)
    with time_machine.travel(_at(2026, 4, 2, 12), tick=False):
        page = client_for("senior").get(f"/referrals/{referral.pk}/").content.decode()
    assert "Previous enablement with this service" in page
    assert "Kent West" in page
    assert f"{west.referral.reference} (a referral you cannot open)" in page
    assert "Accepted in Kent West" not in page
    assert f'href="/referrals/{west.referral.pk}/"' not in page


def test_a_person_still_in_an_enablement_of_the_service_is_not_referred_again(
    ada, kers_east, user_for, submit
):
    """Seed 000 §9: a further enablement is considered once one has finished; while it runs,
    a second referral is refused, saying why and since when."""
    current = _past_enablement(
        ada,
        kers_east,
        worker=user_for("worker").staff,
        allocated_at=timezone.now() - dt.timedelta(days=20),
        closed_at=None,
    )
    Episode.objects.filter(pk=current.pk).update(status=EpisodeStatus.ACTIVE)
    errors = _refused(lambda: submit(timezone.now()))
    [message] = errors["__all__"]
    assert "already being supported by Kent Enablement and Recovery Service" in message
    assert "once that enablement has ended" in message
    Episode.objects.filter(pk=current.pk).update(
        status=EpisodeStatus.CLOSED, closed_at=timezone.now() - dt.timedelta(days=400)
    )
    assert submit(timezone.now(), changed_needs_statement="Lost her job and her housing since")


def test_a_closed_team_takes_no_referrals(demo, ada, user_for):
    closed = Team.objects.get(service__code="STR", name="Ashford and Shepway")
    assert not closed.active
    referrer = user_for("referrer")
    errors = _refused(
        lambda: services.submit_referral(
            service=closed.service,
            team=closed,
            person=ada,
            values=_values(referrer, source="integrated_mh_team"),
            risks=_risks(timezone.localdate()),
            referrer=referrer,
            actor=referrer,
            now=timezone.now(),
        )
    )
    assert errors["team"] == ["Ashford and Shepway is not taking referrals: choose another team"]
