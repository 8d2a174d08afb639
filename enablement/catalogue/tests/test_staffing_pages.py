"""A team without a role its service's path needs is flagged on the service page and on the
system administrator's home page (issue 10 item 9), from the data as it is."""

from django.contrib.auth import get_user_model

from enablement.catalogue.models import Service, StaffMember, Team

WEST_NO_WORKER = "Kent West has no worker: referrals accepted there cannot be allocated"


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_service_page_flags_a_team_missing_a_role_and_links_to_it(demo, client_for):
    west = Team.objects.get(service__code="KERS", name="Kent West")
    page = _page(client_for("sysadmin"), "/services/KERS/")
    assert 'data-testid="staffing-gaps"' not in page  # both KERS teams are complete
    StaffMember.objects.filter(user__username="worker.west").update(active=False)

    page = _page(client_for("sysadmin"), "/services/KERS/")
    assert f'<a class="govuk-link" href="/teams/{west.pk}/">{WEST_NO_WORKER}</a>' in page
    assert "Kent East has" not in page  # a complete team is not flagged


def test_a_switched_off_account_does_not_count(demo, client_for):
    get_user_model().objects.filter(username="senior.west").update(is_active=False)
    page = _page(client_for("quality"), "/services/KERS/")
    assert "Kent West has no senior: nobody can allocate its waiting list" in page


def test_a_team_the_reader_cannot_open_is_named_without_a_link(demo, client_for):
    StaffMember.objects.filter(user__username="worker.west").update(active=False)
    page = _page(client_for("admin.east"), "/services/KERS/")
    assert f"<li>{WEST_NO_WORKER}</li>" in page


def test_a_referrer_is_not_shown_the_services_staffing(demo, client_for):
    StaffMember.objects.filter(user__username="worker.west").update(active=False)
    assert WEST_NO_WORKER not in _page(client_for("referrer"), "/services/KERS/")


def test_the_sysadmin_home_lists_every_gap_the_data_shows(demo, client_for):
    StaffMember.objects.filter(user__username="worker.west").update(active=False)
    page = _page(client_for("sysadmin"), "/home/administration/")
    west = Team.objects.get(service__code="KERS", name="Kent West")
    assert f'<a class="govuk-link" href="/teams/{west.pk}/">{WEST_NO_WORKER}</a>' in page
    assert "Kent East has" not in page
    # Two services' gaps at once: an STR team whose admin has left too.
    StaffMember.objects.filter(user__username="admin.str").update(active=False)
    page = _page(client_for("sysadmin"), "/home/administration/")
    assert "Thanet and Dover has no admin: referrals to it cannot be validated" in page
    assert WEST_NO_WORKER in page


def test_a_panel_destination_with_no_senior_is_flagged_with_who_hands_on(demo, client_for):
    # Whoever the demo gives KPS Kent, a team without a senior cannot allocate what the
    # autism front door hands on to it.
    StaffMember.objects.filter(team__name="KPS Kent", user__groups__name="Senior").update(
        active=False
    )
    page = _page(client_for("sysadmin"), "/services/KPS/")
    assert "KPS Kent has no " in page and "no senior" in page
    assert (
        "KPS autism enablement has no team with both a senior and a worker: referrals handed "
        "on by Autism enablement front door cannot be allocated"
    ) in page


def test_no_gap_anywhere_says_so(demo, client_for):
    Service.objects.exclude(code="KERS").update(active=False)  # KERS's two teams are complete
    page = _page(client_for("sysadmin"), "/home/administration/")
    assert 'data-testid="no-staffing-gaps"' in page
