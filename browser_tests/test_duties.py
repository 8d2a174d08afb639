"""Separation of duties in a real browser: the system administrator opens one record in an
emergency and the provision manager sees it; the system administrator asks for a worker role
and the provision manager approves it from their queue. axe checks every page on the way."""

import re

from playwright.sync_api import Page, expect

from browser_tests.conftest import assert_accessible, path_of, sign_in, sign_out

REASON = "Police need the next of kin after a fall at home"


def _error_summary(page: Page):
    return page.locator(".govuk-error-summary")


def test_break_glass_by_the_sysadmin_is_shown_to_the_provision_manager(page: Page):
    from enablement.people.models import Person

    specimen = Person.objects.get(family_name="Specimen")
    sign_in(page, "sysadmin")
    page.get_by_role("link", name="Emergency access to a record (break-glass)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency access to a record")
    assert_accessible(page)

    page.get_by_label("NHS number").fill(specimen.nhs_number)
    page.get_by_role("button", name="Open the record").click()
    expect(_error_summary(page)).to_contain_text("Say why you need to see this record now")
    assert_accessible(page)

    page.get_by_label("Why do you need to see this record now?").fill(REASON)
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(specimen.full_name)
    assert path_of(page) == f"/people/{specimen.pk}/"
    expect(page.get_by_role("link", name=re.compile("Change details"))).to_have_count(0)
    assert_accessible(page)

    page.goto("/break-glass/")
    expect(page.get_by_test_id("live")).to_contain_text(specimen.full_name)
    assert_accessible(page)
    sign_out(page)

    sign_in(page, "pm.kers")
    expect(page.get_by_test_id("break-glass-count")).to_have_text("1")
    page.get_by_role("link", name=re.compile("Emergency accesses to records")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency access to records")
    row = page.get_by_test_id("break-glass").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(REASON)
    expect(row).to_contain_text(specimen.full_name)
    expect(row).to_contain_text("Still open")
    assert_accessible(page)


def test_a_worker_role_asked_by_the_sysadmin_is_approved_by_the_provision_manager(page: Page):
    from enablement.accounts.models import User
    from enablement.accounts.roles import Role

    sign_in(page, "sysadmin")
    page.get_by_role("button", name="Give a role").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Give a role")
    assert_accessible(page)
    page.get_by_label("Username of the account").fill("referrer")
    page.get_by_label("Enablement worker").check()
    page.get_by_role("button", name="Give the role").click()
    expect(_error_summary(page)).to_contain_text("Select the team")
    expect(_error_summary(page)).to_contain_text("Say why they need this role")
    assert_accessible(page)

    page.get_by_label("Team (for a service admin, worker or senior)").select_option(
        label="Kent East (KERS)"
    )
    page.get_by_label("Why they need this role").fill("Covers Kent East visits from Monday")
    page.get_by_role("button", name="Give the role").click()
    expect(page.get_by_test_id("status")).to_have_text("Waiting for a decision")
    assert_accessible(page)
    assert Role.WORKER not in User.objects.get(username="referrer").roles
    sign_out(page)

    sign_in(page, "pm.kers")
    expect(page.get_by_test_id("role-requests-count")).to_have_text("1")
    page.get_by_role("link", name=re.compile("Role requests waiting for your decision")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Role requests")
    assert_accessible(page)
    page.get_by_test_id("waiting").get_by_role("link", name=re.compile("Rowan Referrer")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Enablement worker")
    assert_accessible(page)
    page.get_by_label("Approve: give the role").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Role requests")
    expect(page.get_by_test_id("waiting")).to_contain_text("Nothing is waiting for you")
    assert_accessible(page)
    assert Role.WORKER in User.objects.get(username="referrer").roles
