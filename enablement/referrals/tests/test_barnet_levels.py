"""The Barnet hubs' levels (seed 003 LEH, "Enablement Plans"), walked as the demo's users
through the pages: Brief to a hub's queue, screened and allocated there; Enhanced handed on
to the Network's waiting list; Specialist referred on outside with its contact; signposting
ended with the information given. Whoever acts lands on a page they can see."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from enablement.catalogue.models import Team
from enablement.notifications.models import Notification, OutboxMessage
from enablement.people.models import Person
from enablement.referrals import services
from enablement.referrals.models import Referral
from enablement.referrals.rules import RiskArea, Status
from enablement.referrals.services import RiskEntry

MONDAY = timezone.make_aware(dt.datetime(2026, 3, 9, 10, 0))
SENIORS = {
    "Barnet West": "senior.bep.west",
    "Barnet North": "senior.bep",
    "Barnet South": "senior.bep.south",
}


@pytest.fixture
def monday(demo):
    with time_machine.travel(MONDAY, tick=False):
        yield MONDAY


@pytest.fixture
def in_triage(monday, user_for, client_for):
    """A BEP referral at the single point of referral, validated by the Barnet admin
    through the page: ready for the hub assessment."""

    def make(family="Mock") -> Referral:
        referrer = user_for("referrer")
        referral = services.submit_referral(
            service=Team.objects.get(name="Barnet West").service,
            team=None,
            person=Person.objects.get(family_name=family),
            values={
                "source": "agreed_organisation",
                "named_social_worker": referrer,
                "need_identified": True,
                "work_requested": "Rebuild a weekly routine and join the Thursday walking group",
                "intended_outcomes": "Walks with the group alone by week 6",
                "deliverable_within_length": True,
                "consent_to_share": True,
                "diagnosed_need": True,
                "eligible_needs": True,
            },
            risks={
                a: RiskEntry("None known", monday.date() - dt.timedelta(days=3)) for a in RiskArea
            },
            referrer=referrer,
            actor=referrer,
            now=monday - dt.timedelta(days=1),
        )
        admin = client_for("admin.bep")
        _lands_on_a_page_they_see(admin, admin.post(f"/referrals/{referral.pk}/validate/"))
        referral.refresh_from_db()
        assert referral.status == Status.IN_TRIAGE
        return referral

    return make


def _lands_on_a_page_they_see(client, response) -> str:
    """The action answered with a redirect to a page the same user opens (no 404)."""
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"])
    assert page.status_code == 200, response["Location"]
    return page.content.decode()


def _latest_note(user, referral) -> Notification:
    return Notification.objects.filter(user=user, referral=referral).latest("pk")


def _assess(client, referral, **data):
    return client.post(f"/referrals/{referral.pk}/assess/", data)


@pytest.mark.parametrize("hub_name", list(SENIORS))
def test_brief_goes_to_the_hub_whose_senior_screens_and_allocates_it(
    hub_name, in_triage, client_for, user_for
):
    referral = in_triage()
    hub = Team.objects.get(service__code="BEP", name=hub_name)
    assessor = client_for("worker.bep")  # Barnet West
    page = _lands_on_a_page_they_see(
        assessor,
        _assess(assessor, referral, level="brief", hub=hub.pk, reason="Brief: walking group"),
    )
    assert referral.reference in page and hub_name in page  # the banner says where it went
    referral.refresh_from_db()
    assert (referral.status, referral.team, referral.level) == (Status.VALIDATED, hub, "brief")
    senior_name = SENIORS[hub_name]
    # The hub's senior and admin are told it is in their queue.
    assert Notification.objects.filter(user=user_for(senior_name), referral=referral).exists()

    senior = client_for(senior_name)
    assert senior.get(f"/referrals/{referral.pk}/").status_code == 200
    _lands_on_a_page_they_see(
        senior,
        senior.post(
            f"/referrals/{referral.pk}/screen/",
            {"desktop_check_complete": "on", "decision": "accept", "reason": ""},
        ),
    )
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert referral.reference in senior.get("/allocation/").content.decode()
    allocate = senior.get(f"/allocation/referrals/{referral.pk}/")
    assert allocate.status_code == 200
    worker = allocate.context["form"].fields["worker"].initial
    assert worker, "a worker of the hub fits"
    _lands_on_a_page_they_see(
        senior, senior.post(f"/allocation/referrals/{referral.pk}/", {"worker": worker})
    )
    referral.refresh_from_db()
    assert referral.status == Status.ALLOCATED
    assert referral.episode.worker.team == hub


def test_the_assessor_of_a_referral_sent_to_another_hub_lands_on_their_queue(in_triage, client_for):
    referral = in_triage()
    north = Team.objects.get(service__code="BEP", name="Barnet North")
    assessor = client_for("worker.bep")  # Barnet West: Barnet North's referrals are not theirs
    response = _assess(assessor, referral, level="brief", hub=north.pk, reason="Brief")
    assert response["Location"] == "/referrals/"
    page = _lands_on_a_page_they_see(assessor, response)
    assert f"Referral {referral.reference} assessed at Brief" in page
    assert "Barnet North" in page
    assert assessor.get(f"/referrals/{referral.pk}/").status_code == 404  # as the rules say


def test_enhanced_joins_the_network_waiting_list_accepted_at_the_assessment(
    in_triage, client_for, user_for
):
    referral = in_triage()
    assessor = client_for("senior.bep")
    page = _lands_on_a_page_they_see(
        assessor,
        _assess(
            assessor,
            referral,
            level="enhanced",
            reason="Needs a longer programme with peer support",
            # A hub chosen by mistake before choosing Enhanced is not recorded.
            hub=Team.objects.get(name="Barnet North").pk,
        ),
    )
    referral.refresh_from_db()
    triage = referral.triage
    network = Team.objects.get(service__code="BEN")
    created = triage.created_referral
    assert referral.status == Status.REDIRECTED
    assert referral.team is None
    assert (triage.level, triage.destination.code, triage.hub) == ("enhanced", "BEN", None)
    assert triage.reason == "Needs a longer programme with peer support"
    assert (created.status, created.team, created.service.code) == (
        Status.ACCEPTED,
        network,
        "BEN",
    )
    assert created.decided_at == created.received_at == MONDAY  # on the list from today
    assert created.routed_from == referral and created.person == referral.person
    assert "Barnet Enablement Network" in page and created.reference in page
    # The link on the hub's referral opens the Network's for the assessor; only the
    # Network acts on it.
    assert assessor.get(f"/referrals/{created.pk}/").status_code == 200
    assert assessor.get(f"/allocation/referrals/{created.pk}/").status_code == 403
    # The referrer hears where the person went.
    note = _latest_note(user_for("referrer"), referral)
    assert "Barnet Enablement Network" in note.body and created.reference in note.body

    # The Network's senior sees it on the waiting list and allocates it to its worker.
    senior = client_for("senior.ben")
    assert created.reference in senior.get("/allocation/").content.decode()
    worker = senior.get(f"/allocation/referrals/{created.pk}/").context["form"]
    worker = worker.fields["worker"].initial
    _lands_on_a_page_they_see(
        senior, senior.post(f"/allocation/referrals/{created.pk}/", {"worker": worker})
    )
    created.refresh_from_db()
    assert created.status == Status.ALLOCATED
    assert created.episode.worker.user == user_for("worker.ben")


def test_specialist_is_referred_on_outside_with_its_contact_and_the_referrer_told(
    in_triage, client_for, user_for
):
    referral = in_triage()
    assessor = client_for("worker.bep")
    page = _lands_on_a_page_they_see(
        assessor,
        _assess(
            assessor,
            referral,
            level="specialist",
            outside_service="Community mental health team (CMHT), Barnet East",
            outside_contact="Dr Ola Fictional, duty psychiatrist",
            reason="Complex needs: psychosis relapse signs",
        ),
    )
    assert "Community mental health team (CMHT), Barnet East" in page
    assert "Named contact there: Dr Ola Fictional, duty psychiatrist" in page
    assert "Hub assessment level: Specialist" in page
    referral.refresh_from_db()
    triage = referral.triage
    assert referral.status == Status.REDIRECTED
    assert referral.decision_reason == "Complex needs: psychosis relapse signs"
    assert (triage.level, triage.destination, triage.created_referral) == (
        "specialist",
        None,
        None,
    )
    assert triage.outside_service == "Community mental health team (CMHT), Barnet East"
    assert triage.outside_contact == "Dr Ola Fictional, duty psychiatrist"
    assert triage.reason == "Complex needs: psychosis relapse signs"
    referrer = user_for("referrer")
    note = _latest_note(referrer, referral)
    assert "Community mental health team (CMHT)" in note.body
    assert "Dr Ola Fictional" in note.body and "psychosis" in note.body
    # The email carries the reference and a link, nothing about the person (ADR 0015).
    email = OutboxMessage.objects.get(notification=note)
    assert referral.reference in email.subject and "/inbox/" in email.body
    for private in ("Mock", "psychosis", "CMHT", "Fictional"):
        assert private not in email.subject + email.body
    # Nothing was made in any service of ours.
    assert not Referral.objects.filter(routed_from=referral).exists()


def test_signposting_ends_the_referral_with_the_information_given(in_triage, client_for, user_for):
    referral = in_triage()
    assessor = client_for("worker.bep")
    _lands_on_a_page_they_see(
        assessor,
        _assess(
            assessor,
            referral,
            level="signposting",
            information_given="Details of the Tuesday wellbeing cafe and Social Care Direct",
            reason="Needs information only",
        ),
    )
    referral.refresh_from_db()
    assert referral.status == Status.SIGNPOSTED
    assert "wellbeing cafe" in referral.decision_reason
    assert "wellbeing cafe" in referral.triage.information_given
    assert referral.triage.level == "signposting"
    note = _latest_note(user_for("referrer"), referral)
    assert "wellbeing cafe" in note.body


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"level": "brief"}, "hub", "Select the hub for the person&#x27;s area"),
        ({"level": "signposting"}, "information_given", "Record the information and advice"),
        ({"level": "specialist"}, "outside_service", "Name the service the person is referred"),
        ({"level": "specialist"}, "outside_contact", "Name the contact at that service"),
        ({"level": "gold"}, "level", "Select one of the levels shown"),
    ],
)
def test_the_assessment_asks_for_what_the_level_needs_in_plain_words(
    data, field, message, in_triage, client_for
):
    referral = in_triage()
    response = _assess(client_for("worker.bep"), referral, reason="Assessed", **data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.IN_TRIAGE


def test_everything_missing_is_said_at_once(in_triage, client_for):
    referral = in_triage()
    response = _assess(client_for("worker.bep"), referral, level="specialist", reason=" ")
    assert set(response.context["form"].errors) == {"reason", "outside_service", "outside_contact"}
    html = _assess(client_for("worker.bep"), referral, reason="").content.decode()
    assert "Select a level this service offers (Pre-enablement signposting, Brief, " in html
    assert "Summarise the assessment and the reason for the level" in html


def test_the_assessment_page_shows_each_levels_fields_with_it(in_triage, client_for):
    referral = in_triage()
    page = client_for("worker.bep").get(f"/referrals/{referral.pk}/assess/").content.decode()
    assert "Referred on to Barnet Enablement Network" in page  # Enhanced says where
    # Specialist's fields sit in the indented block beside it, shown always: GOV.UK's
    # reveal would put aria-expanded on the radios, which ARIA does not allow (axe fails it).
    specialist = page.index('value="specialist"')
    conditional = page.index('class="govuk-radios__conditional"', specialist)
    assert page.index('name="outside_contact"', conditional) > conditional
    assert "data-aria-controls" not in page
    assert "govuk-radios__conditional--hidden" not in page


def test_enhanced_and_specialist_through_the_api(in_triage, client_for):
    referral = in_triage()
    api = client_for("worker.bep")
    url = f"/api/v1/referrals/{referral.pk}/assess"
    missing = api.post(
        url, {"level": "specialist", "reason": "Complex"}, content_type="application/json"
    )
    assert missing.status_code == 400
    assert {e["field"] for e in missing.json()["errors"]} == {
        "outside_service",
        "outside_contact",
    }
    done = api.post(
        url, {"level": "enhanced", "reason": "Longer programme"}, content_type="application/json"
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["status"] == Status.REDIRECTED
    assert body["triage"]["destination"] == "BEN"
    created = Referral.objects.get(pk=body["triage"]["created_referral_id"])
    assert (created.status, created.service.code) == (Status.ACCEPTED, "BEN")
    assert "refer_on" not in body["allowed_actions"]


def test_every_bep_action_lands_on_a_page_the_actor_can_see(in_triage, client_for):
    """Return, match, validate (in the fixture), each level of the assessment, screening
    and allocation: each ends on a page its actor opens."""
    referral = in_triage()
    returned = services.submit_referral(
        service=referral.service,
        team=None,
        person=referral.person,
        values={k: getattr(referral, k) for k in services.REFERRAL_FIELDS},
        risks={r.area: RiskEntry(r.description, r.assessed_on) for r in referral.risks.all()},
        referrer=referral.referrer,
        actor=referral.referrer,
        now=MONDAY,
    )
    admin = client_for("admin.bep")
    _lands_on_a_page_they_see(
        admin,
        admin.post(
            f"/referrals/{returned.pk}/return/", {"missing": ["work_specific"], "note": "More"}
        ),
    )
    # The demo's public self-referral, matched to Ada Sample's record (her NHS number).
    public = Referral.objects.get(submitted_details__family_name="Sampel")
    ada = Person.objects.get(family_name="Sample")
    _lands_on_a_page_they_see(
        admin, admin.post(f"/referrals/{public.pk}/match/", {"choice": str(ada.pk)})
    )
    public.refresh_from_db()
    assert public.person == ada
    for level, extra in [
        ("specialist", {"outside_service": "Family therapy", "outside_contact": "A. Therapist"}),
        ("enhanced", {}),
        ("signposting", {"information_given": "Leaflet"}),
    ]:
        for assessor in ("worker.bep", "senior.bep", "worker.bep.south"):
            fresh = in_triage()
            client = client_for(assessor)
            _lands_on_a_page_they_see(
                client, _assess(client, fresh, level=level, reason="Assessed", **extra)
            )
    for assessor in ("worker.bep", "senior.bep", "worker.bep.south"):
        for hub in Team.objects.filter(service__code="BEP"):
            fresh = in_triage()
            client = client_for(assessor)
            _lands_on_a_page_they_see(
                client, _assess(client, fresh, level="brief", hub=hub.pk, reason="Assessed")
            )


def test_every_hub_and_the_network_have_the_people_their_path_needs(demo):
    """A senior (the hubs' consultant social worker, seed 003 LEH "Teams") to screen and
    allocate and a worker to allocate to in each hub; the Network has an admin too."""
    from enablement.accounts.roles import Role
    from enablement.catalogue.models import StaffMember

    def roles_of(team):
        return {
            role
            for staff in StaffMember.objects.filter(team=team, user__is_active=True)
            for role in staff.user.roles
        }

    for hub in Team.objects.filter(service__code="BEP"):
        assert {Role.SENIOR, Role.WORKER} <= roles_of(hub), hub.name
        seniors = [s for s in StaffMember.objects.filter(team=hub) if Role.SENIOR in s.user.roles]
        assert {s.job_title for s in seniors} == {"Consultant social worker"}, hub.name
    network = Team.objects.get(service__code="BEN")
    assert {Role.ADMIN, Role.SENIOR, Role.WORKER} <= roles_of(network)


def test_a_hub_worker_finds_referrals_to_assess_on_their_home_page(in_triage, client_for):
    """Seed 003 LEH: the hubs assess every referral from the single point of referral; the
    hub worker who does it sees them waiting on their own home page, not only in the
    tracker. A worker of a direct service sees no such queue."""
    referral = in_triage()
    home = client_for("worker.bep").get("/home/caseload/").content.decode()
    assert "Waiting for the hub assessment" in home
    assert f"/referrals/{referral.pk}/" in home
    kers = client_for("worker.east").get("/home/caseload/").content.decode()
    assert "Waiting for the hub assessment" not in kers
