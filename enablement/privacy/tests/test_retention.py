"""Retention (UK GDPR articles 5(1)(e) and 17): a person whose every referral and episode
ended longer ago than the period is anonymised by the sweep, unless a legal hold keeps the
record; the audit stays. Tests travel in time by passing the sweep its `now`."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

from enablement.casework.models import Episode
from enablement.governance.models import AccessLogEntry, Event
from enablement.notifications.models import Notification
from enablement.people.models import Carer, Person
from enablement.privacy.models import Anonymisation, LegalHold
from enablement.privacy.rules import add_years
from enablement.privacy.services import retention_sweep
from enablement.referrals.models import Hold, Referral, RiskInformation

DAY = timedelta(days=1)


def _end_referral(family: str, at, status="declined") -> Person:
    """The person's referral ended at `at` without an episode."""
    person = Person.objects.get(family_name=family)
    Referral.objects.filter(person=person).update(status=status, decided_at=at)
    Hold.objects.filter(referral__person=person, answered_at__isnull=True).update(expired_at=at)
    return person


def _close_episode(family: str, at) -> Person:
    person = Person.objects.get(family_name=family)
    Episode.objects.filter(person=person).update(status="closed", closed_at=at)
    return person


def test_a_closed_episode_is_kept_for_its_period_then_anonymised(demo):
    closed = demo + 30 * DAY
    person = _close_episode("Exemplar", closed)
    due = add_years(closed, 8)

    retention_sweep(now=due - DAY)
    person.refresh_from_db()
    assert person.family_name == "Exemplar"

    retention_sweep(now=due + DAY)
    person.refresh_from_db()
    assert person.full_name == f"Anonymised person {person.pk}"
    assert Anonymisation.objects.get(person=person).period_years == 8


def test_anonymising_removes_what_identifies_the_person_and_keeps_the_audit(demo, client_for):
    placeholder = Person.objects.get(family_name="Placeholder")
    client_for("senior").get(f"/people/{placeholder.pk}/")  # an access-log row
    born = placeholder.date_of_birth
    events_before = list(Event.objects.filter(person=placeholder).values_list("pk", "summary"))
    log_before = AccessLogEntry.objects.filter(person=placeholder).count()
    person = _end_referral("Placeholder", demo, status="closed_not_ready")

    result = retention_sweep(now=add_years(demo, 3) + DAY)

    assert result.anonymised >= 1
    person.refresh_from_db()
    assert (person.given_name, person.family_name) == ("Anonymised", f"person {person.pk}")
    assert person.nhs_number is None and person.case_system_id is None
    assert person.date_of_birth == date(born.year, 1, 1)
    assert [
        person.preferred_name,
        person.address_line_1,
        person.address_line_2,
        person.town,
        person.postcode,
        person.phone,
        person.email,
        person.communication_needs,
    ] == [""] * 8
    carer = Carer.objects.get(person=person)
    assert (carer.name, carer.relationship, carer.phone, carer.email) == (
        "Anonymised carer",
        "",
        "",
        "",
    )
    referral = Referral.objects.get(person=person)
    assert (referral.work_requested, referral.intended_outcomes) == ("", "")
    assert set(
        RiskInformation.objects.filter(referral=referral).values_list("description", flat=True)
    ) == {""}
    hold = Hold.objects.get(referral=referral)
    assert (hold.concern, hold.answer) == ("", "")
    bodies = set(Notification.objects.filter(referral=referral).values_list("body", flat=True))
    assert bodies == {"Removed under the retention policy."}
    # The audit is append-only and stays: every earlier event unchanged, one more added.
    events = list(Event.objects.filter(person=person).values_list("pk", "summary"))
    assert set(events_before) < set(events)
    latest = Event.objects.filter(person=person).first()
    assert (latest.kind, latest.actor) == ("person.anonymised", None)
    assert "Placeholder" not in latest.summary
    assert AccessLogEntry.objects.filter(person=person).count() == log_before


def test_a_second_sweep_changes_nothing(demo):
    person = _end_referral("Placeholder", demo)
    later = add_years(demo, 3) + DAY
    retention_sweep(now=later)
    person.refresh_from_db()
    snapshot = (person.full_name, person.date_of_birth, Event.objects.count())

    result = retention_sweep(now=later + 400 * DAY)

    person.refresh_from_db()
    assert result.anonymised == 0
    assert (person.full_name, person.date_of_birth, Event.objects.count()) == snapshot
    assert Anonymisation.objects.filter(person=person).count() == 1


def test_an_open_referral_or_episode_keeps_the_record_however_old(demo):
    specimen = Person.objects.get(family_name="Specimen")  # waiting for screening
    mockup = Person.objects.get(family_name="Mockup")  # allocated: episode in planning
    assert Episode.objects.get(person=mockup).is_open

    retention_sweep(now=add_years(demo, 30))

    assert not Anonymisation.objects.filter(person__in=[specimen, mockup]).exists()
    specimen.refresh_from_db()
    assert specimen.family_name == "Specimen"


def test_the_latest_end_decides_a_referral_that_never_started_counts_its_own_period(demo):
    # An episode closed long ago (8 years) and a declined referral ended later (3 years):
    # the record is kept until the later of the two due dates.
    person = _close_episode("Exemplar", demo)
    person = Person.objects.get(pk=person.pk)
    sample = Referral.objects.get(person__family_name="Sample")
    Referral.objects.filter(pk=sample.pk).update(person=person)
    declined_at = add_years(demo, 6)
    Referral.objects.filter(pk=sample.pk).update(status="declined", decided_at=declined_at)

    retention_sweep(now=add_years(demo, 8) + DAY)
    assert not Anonymisation.objects.filter(person=person).exists()
    retention_sweep(now=add_years(declined_at, 3) + DAY)
    assert Anonymisation.objects.filter(person=person).exists()


def test_a_legal_hold_stops_the_sweep_and_lifting_it_lets_the_next_one_act(demo, client_for):
    person = _end_referral("Placeholder", demo)
    pm = client_for("provision_manager")
    page = pm.post(
        f"/people/{person.pk}/legal-hold/",
        {"reason": "Complaint to the ombudsman, ref LGO-123"},
    )
    assert page.status_code == 302
    hold = LegalHold.objects.get(person=person)
    assert hold.in_place and hold.placed_by.username == "pm.kers"
    past = add_years(demo, 3) + DAY

    result = retention_sweep(now=past)
    person.refresh_from_db()
    assert person.family_name == "Placeholder"
    assert result.held == 1

    lift = pm.post(
        f"/people/{person.pk}/legal-hold/{hold.pk}/lift/",
        {f"hold-{hold.pk}-lift_reason": "Ombudsman closed the case"},
    )
    assert lift.status_code == 302
    hold.refresh_from_db()
    assert not hold.in_place and hold.lift_reason == "Ombudsman closed the case"
    kinds = list(Event.objects.filter(person=person).values_list("kind", flat=True)[:2])
    assert kinds == ["person.legal_hold_lifted", "person.legal_hold_placed"]

    retention_sweep(now=past + DAY)
    person.refresh_from_db()
    assert person.family_name == f"person {person.pk}"


def test_the_hold_page_shows_the_retention_and_refuses_a_missing_or_long_reason(demo, client_for):
    person = Person.objects.get(family_name="Specimen")
    pm = client_for("provision_manager")
    page = pm.get(f"/people/{person.pk}/legal-hold/")
    html = page.content.decode()
    assert "Kept: a referral or episode is still open" in html
    assert "no-store" in page["Cache-Control"]
    for reason, message in [
        ("  ", "Enter why the record must be kept"),
        ("x" * 501, "The reason must be 500 characters or fewer"),
    ]:
        html = pm.post(f"/people/{person.pk}/legal-hold/", {"reason": reason}).content.decode()
        assert "There is a problem" in html and message in html
    assert not LegalHold.objects.exists()


def test_only_managers_of_the_persons_service_place_or_lift_a_hold(demo, client_for):
    kers = Person.objects.get(family_name="Specimen")
    afd = Person.objects.get(family_name="Invented")
    assert (
        client_for("senior").post(f"/people/{kers.pk}/legal-hold/", {"reason": "x"}).status_code
        == 403
    )
    assert (
        client_for("provision_manager")
        .post(f"/people/{afd.pk}/legal-hold/", {"reason": "x"})
        .status_code
        == 404
    )
    assert not LegalHold.objects.exists()
    client_for("quality_manager").post(f"/people/{afd.pk}/legal-hold/", {"reason": "Claim"})
    hold = LegalHold.objects.get(person=afd)
    lift = f"/people/{afd.pk}/legal-hold/{hold.pk}/lift/"
    data = {f"hold-{hold.pk}-lift_reason": "done"}
    assert client_for("provision_manager").post(lift, data).status_code == 404
    # A hold is lifted on its own person's page only.
    assert (
        client_for("quality_manager")
        .post(f"/people/{kers.pk}/legal-hold/{hold.pk}/lift/", data)
        .status_code
        == 404
    )
    hold.refresh_from_db()
    assert hold.in_place


def test_an_anonymised_record_takes_no_hold(demo, client_for):
    person = _end_referral("Placeholder", demo)
    retention_sweep(now=add_years(demo, 3) + DAY)
    html = (
        client_for("provision_manager")
        .post(f"/people/{person.pk}/legal-hold/", {"reason": "Too late"})
        .content.decode()
    )
    assert "already been anonymised" in html
    assert not LegalHold.objects.exists()


@override_settings(RETENTION_REFERRAL_YEARS=1)
def test_the_command_uses_the_configured_periods_and_the_clock(demo, capsys):
    person = _end_referral("Placeholder", demo)
    with time_machine.travel(add_years(demo, 1) - DAY, tick=False):
        call_command("retention_sweep")
    person.refresh_from_db()
    assert person.family_name == "Placeholder"
    with time_machine.travel(add_years(demo, 1) + DAY, tick=False):
        call_command("retention_sweep")
    person.refresh_from_db()
    assert person.family_name == f"person {person.pk}"
    assert "Anonymised" in capsys.readouterr().out


def test_the_export_of_an_anonymised_person_holds_no_name(demo, client_for):
    person = _end_referral("Placeholder", demo)
    retention_sweep(now=add_years(demo, 3) + DAY)
    body = client_for("quality_manager").get(f"/people/{person.pk}/subject-access/json/")
    text = body.content.decode()
    assert "Placeholder" not in text
    assert "Hearing aid" not in text
    assert "eviction" not in text


@pytest.mark.parametrize("variable", ["RETENTION_EPISODE_YEARS", "RETENTION_REFERRAL_YEARS"])
def test_a_bad_period_in_the_environment_stops_start_up(monkeypatch, variable):
    from enablement.core.env import ConfigurationError, env_int

    monkeypatch.setenv(variable, "0")
    with pytest.raises(ConfigurationError, match=variable):
        env_int(variable, 8, minimum=1)
    monkeypatch.setenv(variable, "٣")  # an Arabic-Indic three is not an ASCII digit
    with pytest.raises(ConfigurationError):
        env_int(variable, 8, minimum=1)
    monkeypatch.setenv(variable, "12")
    assert env_int(variable, 8, minimum=1) == 12


def test_the_worker_runs_the_sweep_daily_from_a_durable_schedule(demo):
    from django.utils.module_loading import import_string
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="enablement retention sweep")
    assert (schedule.schedule_type, schedule.repeats) == (Schedule.DAILY, -1)
    person = _end_referral("Placeholder", demo)
    with time_machine.travel(add_years(demo, 3) + DAY, tick=False):
        result = import_string(schedule.func)()
    assert result["anonymised"] >= 1
    person.refresh_from_db()
    assert person.family_name == f"person {person.pk}"


def test_new_timeline_entries_carry_no_name_or_free_text_to_outlive_anonymisation(demo, user_for):
    from enablement.people.services import carer_add, person_create
    from enablement.referrals import services as referrals

    admin = user_for("admin")
    person = person_create(
        values={
            "given_name": "Quill",
            "family_name": "Uniquename",
            "date_of_birth": date(1980, 5, 5),
            "primary_diagnosis": "mental_health",
        },
        actor=admin,
        now=demo,
    )
    carer_add(
        person=person,
        values={"name": "Sol Uniquename", "relationship": "son"},
        actor=admin,
        now=demo,
    )
    afd = Referral.objects.get(person__family_name="Invented")
    referrals.validate_referral(referral=afd, actor=user_for("admin.autism"), now=demo)
    referrals.route_referral(
        referral=afd,
        destination=None,
        team=None,
        outside_service="Community learning disability team",
        reason="Private detail about Invented",
        actor=user_for("senior.autism"),
        now=demo,
    )
    summaries = " ".join(
        Event.objects.filter(person__in=[person, afd.person]).values_list("summary", flat=True)
    )
    assert "Uniquename" not in summaries and "Quill" not in summaries
    assert "Private detail" not in summaries
    assert "Carer added (son)" in summaries
