"""Service settings are versioned; staff records are checked; a new service needs no code."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine

from enablement.catalogue.forms import ServiceSettingsForm
from enablement.catalogue.models import Service, ServiceSettings, StaffMember
from enablement.governance.models import Event


def _form_data(settings: ServiceSettings, **changes) -> dict:
    """What the change-settings page would post for these settings."""
    form = ServiceSettingsForm(initial=settings.rule_values())
    data = {}
    for name, field in form.fields.items():
        value = form.get_initial_for_field(field, name)
        value = field.prepare_value(value)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is None:
            data[name] = ""
        else:
            data[name] = value
    data.update(changes)
    return data


def test_review_week_after_the_end_is_refused_and_nothing_saved(client_for):
    kers = Service.objects.get(code="KERS")
    current = kers.current_settings
    response = client_for("provision_manager").post(
        "/services/KERS/change/",
        _form_data(current, review_weeks="6, 13", change_note="Add a late review"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Review in week 13 is after the end of the service length (12 weeks)" in html
    assert 'id="id_review_weeks-error"' in html
    assert kers.settings_versions.count() == 1


def test_a_change_writes_a_new_version_and_keeps_the_old_one(client_for):
    kers = Service.objects.get(code="KERS")
    v1 = kers.current_settings
    client = client_for("provision_manager")
    response = client.post(
        "/services/KERS/change/",
        _form_data(v1, caseload_per_fte="12", change_note="Fewer cases per worker this winter"),
    )
    assert response.status_code == 302
    v2 = kers.current_settings
    assert (v1.version, v2.version) == (1, 2)
    assert v2.caseload_per_fte == 12
    v1.refresh_from_db()
    assert v1.caseload_per_fte == 15  # a case that started under v1 still reads 15
    assert "changed in v2" in v2.sources["caseload_per_fte"]
    assert v2.sources["length_weeks"] == v1.sources["length_weeks"]
    event = Event.objects.get(kind="service.settings_changed")
    assert event.data["changed"] == ["caseload_per_fte"]
    old_page = client.get("/services/KERS/versions/1/").content.decode()
    assert "an earlier version" in old_page


def test_settings_versions_are_never_edited_in_place(demo):
    from django.core.exceptions import ValidationError

    v1 = Service.objects.get(code="KERS").current_settings
    v1.length_weeks = 20
    with pytest.raises(ValidationError):
        v1.save()
    with pytest.raises(ValidationError):
        v1.delete()


def test_a_fifth_service_is_set_up_in_the_browser_form(client_for):
    client = client_for("sysadmin")
    data = _form_data(
        Service.objects.get(code="STR").current_settings,
        code="LD-ENABLE",
        name="Learning disability enablement",
        organisation="Example Council",
        description="A fifth service, set up without code",
    )
    data["diagnosis_categories"] = ["learning_disability"]
    response = client.post("/services/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    service = Service.objects.get(code="LD-ENABLE")
    assert service.current_settings.version == 1
    assert service.current_settings.diagnosis_categories == ["learning_disability"]
    assert "Learning disability enablement" in client.get("/services/").content.decode()


def test_duplicate_service_code_is_refused(client_for):
    data = _form_data(
        Service.objects.get(code="STR").current_settings,
        code="KERS",
        name="Another",
        organisation="Example Council",
    )
    response = client_for("sysadmin").post("/services/new/", data)
    assert "already exists" in response.content.decode()


def test_service_page_shows_each_value_with_its_seed_source(client_for):
    html = client_for("commissioner").get("/services/KERS/").content.decode()
    assert "seed 000 §6.2: no response within 5 working days" in html
    assert "seed 000 §7.2: about 15 per full-time worker" in html


@pytest.mark.parametrize("fte", ["0", "1.5", "-1"])
def test_fte_outside_0_to_1_is_refused(client_for, fte):
    staff = StaffMember.objects.get(user__username="worker.east2")
    response = client_for("senior").post(f"/staff/{staff.pk}/edit/", {"fte": fte})
    html = response.content.decode()
    assert 'id="id_fte-error"' in html
    staff.refresh_from_db()
    assert staff.fte == Decimal("0.60")


def test_fte_change_is_saved_with_an_event(client_for):
    staff = StaffMember.objects.get(user__username="worker.east2")
    response = client_for("senior").post(f"/staff/{staff.pk}/edit/", {"fte": "0.8", "skills": []})
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.fte == Decimal("0.80")
    assert Event.objects.filter(kind="staff.updated").exists()


def test_leave_is_recorded_and_shown_on_the_team_page(client_for, demo):
    staff = StaffMember.objects.get(user__username="worker.east2")
    client = client_for("senior")
    today = demo.date()
    response = client.post(
        f"/staff/{staff.pk}/leave/new/",
        {
            "kind": "sickness",
            "start_0": today.day,
            "start_1": today.month,
            "start_2": today.year,
            "end_0": today.day,
            "end_1": today.month,
            "end_2": today.year + 1,
        },
    )
    assert response.status_code == 302
    assert staff.leave.filter(kind="sickness").exists()


def test_leave_ending_before_it_starts_is_refused(client_for):
    staff = StaffMember.objects.get(user__username="worker.east2")
    response = client_for("senior").post(
        f"/staff/{staff.pk}/leave/new/",
        {
            "kind": "annual",
            "start_0": 10,
            "start_1": 4,
            "start_2": 2026,
            "end_0": 9,
            "end_1": 4,
            "end_2": 2026,
        },
    )
    assert "must be the same as or after the first day" in response.content.decode()
    assert not staff.leave.filter(start__year=2026, start__month=4, start__day=10).exists()


def test_worker_home_shows_caseload_from_the_service_settings(client_for):
    html = client_for("worker.east2").get("/home/caseload/").content.decode()
    assert 'data-testid="capacity">9 people' in html  # 15 x 0.6


def test_senior_sees_room_without_the_worker_on_leave(client_for, demo):
    # Kent East workers: 1.0 (15), 0.6 (9) and 1.0 on leave for ten days from the demo date,
    # each with one open episode in the demo.
    client = client_for("senior")
    with time_machine.travel(demo + timedelta(days=3), tick=False):
        during = client.get("/home/screening/")
    with time_machine.travel(demo + timedelta(days=11), tick=False):
        after = client.get("/home/screening/")
    on_leave = [r.staff.user.username for r in during.context["rows"] if r.on_leave]
    assert on_leave == ["worker.east3"]
    assert during.context["room"] == 14 + 8
    assert after.context["room"] == 14 + 8 + 14


def test_system_administrator_sets_up_a_team_and_a_worker_who_can_sign_in(client_for):
    from django.test import Client

    client = client_for("sysadmin")
    ld = Service.objects.get(code="STR")
    response = client.post(
        "/teams/new/",
        {"service": ld.pk, "name": "Swale", "kind": "locality", "postcode_districts": "ME10, me12"},
    )
    assert response.status_code == 302
    team = ld.teams.get(name="Swale")
    assert team.postcode_districts == ["ME10", "ME12"]
    response = client.post(
        "/staff/new/",
        {
            "username": "worker.swale",
            "first_name": "Ari",
            "last_name": "Worker",
            "email": "ari@example.invalid",
            "role": "worker",
            "team": team.pk,
            "fte": "0.6",
            "password": "a-long-enough-password",
            "reason": "Joins the Swale team on Monday",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    staff = StaffMember.objects.get(user__username="worker.swale")
    assert staff.fte == Decimal("0.60")
    fresh = Client()
    assert fresh.login(username="worker.swale", password="a-long-enough-password")
    # A worker sees case data: the role waits for a manager of the service (issue 9, item 6).
    assert fresh.get("/").status_code == 403
    assert staff.team is None
    grant = staff.user.role_requests.get()
    quality = client_for("quality_manager")
    response = quality.post(f"/role-requests/{grant.pk}/", {"decision": "approve"})
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.team == team
    assert fresh.get("/").headers["Location"] == "/home/caseload/"


@pytest.mark.parametrize(
    "change,field,message",
    [
        ({"fte": "1.5"}, "fte", "1 or less"),
        ({"fte": "0"}, "fte", "more than 0"),
        ({"username": "worker.east"}, "username", "taken"),
        ({"team": ""}, "team", "Select the team"),
        ({"password": "short"}, "password", "at least 12"),
    ],
)
def test_bad_staff_details_are_refused(client_for, change, field, message):
    team = Service.objects.get(code="KERS").teams.first()
    data = {
        "username": "new.person",
        "first_name": "N",
        "last_name": "P",
        "email": "n@example.invalid",
        "role": "worker",
        "team": team.pk,
        "fte": "1",
        "password": "a-long-enough-password",
        "reason": "Joins the team on Monday",
        **change,
    }
    html = client_for("sysadmin").post("/staff/new/", data).content.decode()
    assert f'id="id_{field}-error"' in html
    assert message in html
    assert not StaffMember.objects.filter(user__username="new.person").exists()


def test_bad_postcode_district_is_refused(client_for):
    kers = Service.objects.get(code="KERS")
    html = (
        client_for("sysadmin")
        .post(
            "/teams/new/",
            {"service": kers.pk, "name": "X", "kind": "hub", "postcode_districts": "EN4, 12AB"},
        )
        .content.decode()
    )
    assert "12AB is not a postcode area or district" in html
    assert not kers.teams.filter(name="X").exists()
