"""Small things that looked broken (issue 12 item 6): a list of hubs, teams or services
starts with words, not "---------"; a referral with no risk information says so instead of
showing an empty table."""

import pytest

from enablement.referrals.forms import AssessForm
from enablement.referrals.models import Referral

pytestmark = pytest.mark.django_db

DASHES = "---------"


@pytest.mark.parametrize("url", ["/teams/new/", "/staff/new/", "/roles/give/"])
def test_the_administrators_lists_start_with_words(demo, client_for, url):
    page = client_for("sysadmin").get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<select" in html and DASHES not in html


def test_the_hub_assessment_lists_start_with_words(demo):
    referral = Referral.objects.filter(service__code="BEP").first()
    form = AssessForm(referral=referral)
    for name in ("hub", "destination_team"):
        if name in form.fields:
            assert form.fields[name].empty_label.startswith("Select"), name
            assert DASHES not in str(form[name]), name


def test_a_referral_with_no_risk_information_says_so(demo, client_for):
    referral = Referral.objects.filter(risks__isnull=True).order_by("pk").first()
    assert referral is not None  # the demo's public self-referral gives none
    html = client_for("quality").get(f"/referrals/{referral.pk}/").content.decode()
    assert 'data-testid="no-risks">No risks recorded.' in html
    assert 'aria-label="Risk information"' not in html  # no empty table


def test_a_referral_with_risks_shows_them_in_a_table(demo, client_for):
    referral = Referral.objects.filter(risks__isnull=False).order_by("pk").first()
    html = client_for("quality").get(f"/referrals/{referral.pk}/").content.decode()
    assert 'aria-label="Risk information"' in html and "No risks recorded" not in html


def test_safeguarding_risk_and_communication_flags_on_all_three_pages(demo, client_for):
    """The same flags, from the same partial, at the top of the person, referral and
    allocation pages: here a safeguarding finding of the risk screening tool."""
    waiting = Referral.objects.get(person__family_name="Standin")
    screening = waiting.screenings.order_by("-screened_at").first()
    assert screening is not None
    type(screening).objects.filter(pk=screening.pk).update(complex_features=["safeguarding"])
    senior = client_for("senior")
    for url in (
        f"/people/{waiting.person_id}/",
        f"/referrals/{waiting.pk}/",
        f"/allocation/referrals/{waiting.pk}/",
    ):
        html = senior.get(url).content.decode()
        flags = html[html.index('data-testid="flags"') :]
        flags = flags[: flags.index("</div>")]
        assert "govuk-tag--orange" in flags and "Safeguarding" in flags, url
        assert "Communication needs" in flags and "Prefers email" in flags, url
