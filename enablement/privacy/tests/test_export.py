"""Subject access (UK GDPR article 15): a manager downloads everything held about a person,
as JSON and as a readable PDF, and the download is recorded."""

import io
import json
from datetime import timedelta

import pytest
from pypdf import PdfReader

from enablement.governance.models import AccessLogEntry, Event
from enablement.people.models import Person
from enablement.people.services import carer_add
from enablement.referrals.models import Hold, Referral, ReferralReturn, TriageDecision


@pytest.fixture
def full_history(demo, user_for):
    """A demo person allocated to a worker (referral, risks, screening, episode, messages),
    given a carer, a return, a triage decision and a hold, and looked at by a worker."""
    person = Person.objects.get(family_name="Exemplar")
    referral = Referral.objects.get(person=person)
    admin, senior = user_for("admin"), user_for("senior")
    carer_add(
        person=person,
        values={"name": "Morgan Żółć", "relationship": "brother"},
        actor=admin,
        now=demo,
    )
    earlier = demo - timedelta(days=70)
    ReferralReturn.objects.create(
        referral=referral,
        missing=["work_specific"],
        note="Say what the person wants to do",
        returned_by=admin,
        returned_at=earlier,
        resubmitted_at=earlier + timedelta(days=1),
    )
    TriageDecision.objects.create(
        referral=referral, reason="Hub assessment", decided_by=senior, decided_at=earlier
    )
    Hold.objects.create(
        referral=referral,
        concern="Is the home safe for visits?",
        started_at=earlier,
        started_on=earlier.date(),
        started_by=senior,
        answered_at=earlier + timedelta(days=2),
        answer="Yes, visits in pairs",
        answered_by=user_for("referrer"),
    )
    from django.test import Client

    worker = Client()
    worker.force_login(user_for("worker"))
    assert worker.get(f"/people/{person.pk}/").status_code == 200
    return person, referral


def test_json_export_holds_every_kind_of_record_about_the_person(full_history, client_for):
    person, referral = full_history
    response = client_for("provision_manager").get(f"/people/{person.pk}/subject-access/json/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)

    assert data["person"]["given_name"] == person.given_name
    assert data["person"]["nhs_number"] == person.nhs_number
    assert data["person"]["primary_diagnosis_label"]
    assert [c["name"] for c in data["carers"]] == ["Morgan Żółć"]
    (exported,) = data["referrals"]
    assert exported["reference"] == referral.reference
    assert exported["work_requested"] == referral.work_requested
    assert {r["area"] for r in exported["risks"]} == set(
        referral.risks.values_list("area", flat=True)
    )
    assert exported["returns"][0]["note"] == "Say what the person wants to do"
    assert exported["triage"][0]["reason"] == "Hub assessment"
    assert exported["screenings"][0]["decision"] == "accept"
    assert exported["holds"][0]["answer"] == "Yes, visits in pairs"
    assert data["episodes"][0]["referral"] == referral.reference
    assert data["episodes"][0]["worker"]
    kinds = {e["kind"] for e in data["timeline"]}
    assert {"person.recorded", "referral.submitted", "episode.allocated"} <= kinds
    assert "person.subject_access_export" in kinds  # the export lists itself
    assert data["notifications"], "the messages about the referral are exported"
    assert all(n["referral"] == referral.reference for n in data["notifications"])
    log = [(a["user"], a["action"]) for a in data["access_log"]]
    assert ("Wren Worker", "view") in log
    assert log[-1][1] == "export"
    assert data["export"]["produced_by"]


def test_pdf_export_opens_and_shows_the_name_and_references(full_history, client_for):
    person, referral = full_history
    response = client_for("quality_manager").get(f"/people/{person.pk}/subject-access/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert person.full_name in text
    assert referral.reference in text
    assert "Morgan Żółć" in text  # letters beyond Latin-1 survive
    assert "Is the home safe for visits?" in text
    # Codes are read out in plain words; the JSON keeps the codes.
    assert "The work asked for is specific" in text
    assert "work_specific" not in text and "person.recorded" not in text


@pytest.mark.parametrize("fmt", ["json", "pdf"])
def test_each_download_is_logged_uncached_and_named_without_the_person(
    full_history, client_for, user_for, fmt
):
    person, _ = full_history
    pm = user_for("provision_manager")
    response = client_for("provision_manager").get(f"/people/{person.pk}/subject-access/{fmt}/")
    assert "no-store" in response["Cache-Control"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert f"subject-access-person-{person.pk}-" in disposition
    assert disposition.endswith(f'.{fmt}"')
    assert person.family_name not in disposition
    # The door also logs the record as viewed; the download itself is an export.
    entry = AccessLogEntry.objects.filter(person=person, action="export").latest("at", "id")
    assert entry.user == pm
    event = Event.objects.filter(person=person).first()
    assert (event.kind, event.actor) == ("person.subject_access_export", pm)
    assert fmt.upper() in event.summary


def test_the_person_page_links_to_the_export_only_for_the_managers(full_history, client_for):
    person, _ = full_history
    for role, shown in [("provision_manager", True), ("quality_manager", True), ("senior", False)]:
        html = client_for(role).get(f"/people/{person.pk}/").content.decode()
        assert (f"/people/{person.pk}/subject-access/" in html) is shown, role
        assert (f"/people/{person.pk}/legal-hold/" in html) is shown, role
    page = client_for("provision_manager").get(f"/people/{person.pk}/subject-access/")
    html = page.content.decode()
    assert f"/people/{person.pk}/subject-access/pdf/" in html
    assert f"/people/{person.pk}/subject-access/json/" in html
    assert "no-store" in page["Cache-Control"]


def test_other_roles_and_people_outside_the_managers_services_get_nothing(demo, client_for):
    kers = Person.objects.get(family_name="Exemplar")
    afd = Person.objects.get(family_name="Invented")  # pm.kers does not oversee AFD
    before = AccessLogEntry.objects.count()
    assert client_for("senior").get(f"/people/{kers.pk}/subject-access/json/").status_code == 403
    assert client_for("sysadmin").get(f"/people/{kers.pk}/subject-access/pdf/").status_code == 403
    pm = client_for("provision_manager")
    assert pm.get(f"/people/{afd.pk}/subject-access/json/").status_code == 404
    assert AccessLogEntry.objects.count() == before
    assert (
        client_for("quality_manager").get(f"/people/{afd.pk}/subject-access/json/").status_code
        == 200
    )
