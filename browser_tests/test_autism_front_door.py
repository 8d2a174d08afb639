"""The Kent autism "one front door" in a real browser, as the demo's users (seed 001 §10):
the panel lead screens a referral (desktop check, risk screening tool, the 16-week check)
and passes it to KPS; the panel opens the referral it routed; the KPS senior finds it on
their waiting list, accepted at the panel's date, and allocates it. No step is a dead end;
axe checks every page on the way."""

import re

import pytest
from playwright.sync_api import Page, expect

from browser_tests.conftest import assert_accessible, sign_in, sign_out

KPS_KENT = "KPS autism enablement: KPS Kent"
REASON = "Social needs the KPS team can meet in 16 weeks: travel and a weekly routine"


def _afd_reference() -> str:
    from enablement.referrals.models import Referral

    return Referral.objects.get(person__family_name="Notreal", service__code="AFD").reference


def _heading(page: Page):
    return page.get_by_role("heading", level=1)


@pytest.mark.browser
def test_the_panel_routes_to_kps_and_the_kps_senior_allocates(page: Page, live_demo):
    afd = _afd_reference()

    # Given the panel lead's home lists the referral waiting for the panel
    sign_in(page, "senior.autism")
    expect(_heading(page)).to_have_text("Screening and allocation")
    page.get_by_test_id("queue").get_by_role("link", name=afd, exact=True).click()
    expect(_heading(page)).to_have_text(f"Referral {afd}")
    expect(page.get_by_test_id("status")).to_have_text("In triage")

    # When they record the panel's decision for KPS without the desktop check or 16 weeks
    page.get_by_role("button", name="Record the panel's decision").click()
    expect(_heading(page)).to_have_text("Panel screening and decision")
    assert_accessible(page)
    page.get_by_label(KPS_KENT, exact=True).check()
    page.get_by_label("Reason for the panel's decision", exact=True).fill(REASON)
    page.get_by_role("button", name="Route", exact=True).click()

    # Then the page says what is missing and routes nothing
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Complete the desktop check")
    expect(summary).to_contain_text("can be met safely within 16 weeks")
    assert_accessible(page)

    # When they complete the screening and route again
    page.get_by_label(
        "Desktop check done: the referral is fully and correctly completed", exact=True
    ).check()
    page.get_by_label("History of service involvement", exact=True).check()
    page.get_by_label(
        "The individual has a desire to make positive changes and engage in new activities",
        exact=True,
    ).check()
    page.get_by_label("The person's needs can be met safely within 16 weeks", exact=True).check()
    page.get_by_label(KPS_KENT, exact=True).check()
    page.get_by_role("button", name="Route", exact=True).click()

    # Then the panel's referral is routed, with a link to the KPS referral that opens
    expect(_heading(page)).to_have_text(f"Referral {afd}")
    expect(page.get_by_test_id("status")).to_have_text("Routed to another service")
    routed = page.get_by_role("main").get_by_role("link", name=re.compile(r"^KPS-\d{6}$"))
    kps = routed.inner_text()
    routed.click()
    expect(_heading(page)).to_have_text(f"Referral {kps}")
    expect(page.get_by_test_id("status")).to_have_text("Accepted")
    expect(page.get_by_test_id("handed-on")).to_contain_text(
        "Screened and accepted by Autism triage panel (Autism enablement front door)"
    )
    expect(
        page.get_by_test_id("handed-on").get_by_role("link", name=f"referral {afd}")
    ).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # When the KPS senior opens their waiting list
    sign_in(page, "senior.kps")
    expect(_heading(page)).to_have_text("Screening and allocation")
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Waiting list", exact=True
    ).click()
    expect(_heading(page)).to_have_text("Waiting list: KPS Kent")
    row = page.get_by_test_id("waiting-list").locator(f'tr[data-reference="{kps}"]')
    expect(row).to_contain_text("Ina Notreal")
    assert_accessible(page)

    # Then they allocate it to the KPS worker, the first proposal
    row.get_by_role("link", name=re.compile(rf"^{kps}\s*: allocate$")).click()
    expect(_heading(page)).to_have_text("Allocate to a worker")
    assert_accessible(page)
    page.get_by_role("button", name="Allocate and open the episode").click()
    expect(_heading(page)).to_have_text("Waiting list: KPS Kent")
    expect(page.get_by_role("alert").filter(has_text="Success")).to_contain_text(
        f"{kps} allocated to Drew Worker"
    )
