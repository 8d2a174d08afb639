"""A system administrator answers for an email that may not have been sent: from the warning
on their home page to the list, then "Send it again", without JavaScript errors or
accessibility violations."""

import pytest
from playwright.sync_api import Page, expect

from browser_tests.conftest import assert_accessible, path_of, sign_in


def _an_email_set_aside(now):
    """As the outbox leaves it when a worker died mid-send by SMTP."""
    from enablement.notifications.models import OutboxMessage

    message = OutboxMessage.objects.filter(notification__referral__isnull=False).first()
    OutboxMessage.objects.filter(pk=message.pk).update(
        sent_at=None, claimed_at=now, needs_check_at=now
    )
    return message


@pytest.mark.browser
def test_system_administrator_sends_a_set_aside_email_again(page: Page, live_demo):
    message = _an_email_set_aside(live_demo)
    sign_in(page, "sysadmin")

    warning = page.get_by_test_id("emails-to-check-notice")
    expect(warning).to_contain_text("1 email may not have been sent")
    assert_accessible(page)
    warning.get_by_role("link").click()

    assert path_of(page) == "/inbox/emails-to-check/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Emails to check")
    table = page.get_by_test_id("emails-to-check")
    expect(table).to_contain_text(message.to_email)
    expect(table).to_contain_text(message.subject)
    assert_accessible(page)

    table.get_by_role("button", name="Send it again").click()

    expect(page.get_by_role("alert")).to_contain_text(
        f"The email to {message.to_email} will be sent again"
    )
    expect(page.get_by_test_id("emails-to-check")).to_have_text("There are no emails to check.")
    message.refresh_from_db()
    assert message.needs_check_at is None and message.sent_at is None
    assert message.checked_by.username == "sysadmin"
