"""A validation made by mistake, undone by the admin before screening starts (issue 12 item
2), in a real browser: every page checked by `Walk` (axe, 320 px without sideways
scrolling). The reason is asked for, kept on the referral, and the referral is back in the
admin's queue to validate."""

import pytest
from playwright.sync_api import Page, expect

from browser_tests.test_seed_paths import Walk, _validate


@pytest.mark.browser
def test_a_validation_made_by_mistake_is_undone_with_a_reason(page: Page):
    from enablement.referrals.models import Referral

    reference = Referral.objects.get(person__family_name="Sample", service__code="KERS").reference
    walk = Walk(page, "A validation undone")
    walk.sign_in("admin.east", "Validation queue and tracker")
    _validate(walk, reference, asked_today=True)
    expect(walk.status()).to_have_text("Waiting for screening")

    walk.go(
        walk.main().get_by_role("button", name="Undo the validation", exact=True),
        "Undo the validation",
    )
    # Without a reason nothing is undone, and the page says what is missing.
    walk.button("Undo the validation", "Undo the validation")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why the validation is undone")
    page.get_by_label("Why are you undoing the validation?").fill(
        "Validated by mistake: the consent date is missing"
    )
    walk.button("Undo the validation", f"Referral {reference}")
    expect(page.get_by_role("alert")).to_contain_text(f"Validation of {reference} undone")
    expect(walk.status()).to_have_text("Submitted")
    expect(page.get_by_test_id("validation-undone")).to_contain_text("the consent date is missing")

    # Back in the queue, with validating as its next step again.
    walk.menu("Home", "Validation queue and tracker")
    queue = page.get_by_test_id("queue")
    expect(queue.get_by_role("link", name=f"Validate {reference}", exact=True)).to_have_count(1)
    walk.report()
