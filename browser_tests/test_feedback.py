"""Evaluation and feedback in a real browser (issue 13 item 2): a person with no account
answers the evaluation from the single-use link in their email, once; a member of the
public sends a complaint through the public form. Every page passes axe and does not
scroll sideways at 320 px."""

import re

import pytest
from playwright.sync_api import Page, expect

from browser_tests.conftest import assert_accessible, path_of


def _fits_320(page: Page) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 320, f"{page.url} scrolls sideways at 320 px ({wide} px wide)"
    page.set_viewport_size({"width": 1280, "height": 800})


def _link_for(now) -> tuple[str, str]:
    from enablement.feedback.tests.helpers import closed_episode
    from enablement.notifications.models import OutboxMessage

    episode = closed_episode(now)
    body = OutboxMessage.objects.get(to_email="pat.closed@example.invalid").body
    return re.search(r"(/feedback/evaluation/[^/\s]+/)", body).group(1), episode.service.name


@pytest.mark.browser
def test_evaluation_from_a_single_use_link_works_once(page: Page, live_demo):
    path, service = _link_for(live_demo)
    page.goto(path)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(f"Tell us what you thought of {service}")
    assert_accessible(page)
    _fits_320(page)

    page.get_by_role("button", name="Send my evaluation").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose an answer from 1 to 5")
    assert_accessible(page)

    for group in page.get_by_role("group").all():
        group.get_by_label("4: good").check()
    page.get_by_label("What went well? (optional)").fill("Being listened to")
    page.get_by_role("button", name="Send my evaluation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluation sent")
    assert_accessible(page)

    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has already been used")
    assert_accessible(page)

    from enablement.feedback.models import Evaluation

    evaluation = Evaluation.objects.get()
    assert evaluation.channel == "link"
    assert evaluation.answers.filter(text="Being listened to").exists()


@pytest.mark.browser
def test_public_complaint_form(page: Page, live_demo):
    page.goto("/feedback/tell-us/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Make a complaint or pay a compliment"
    )
    expect(page.get_by_test_id("procedures")).to_contain_text("complaintsteamadults@kent.gov.uk")
    assert_accessible(page)
    _fits_320(page)

    page.get_by_role("button", name="Send").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select the service it is about")
    expect(summary).to_contain_text("Tell us what happened")
    assert_accessible(page)

    page.get_by_label("Kent Enablement and Recovery Service").check()
    page.get_by_label("Complaint", exact=True).check()
    page.get_by_label("A carer or relative").check()
    page.get_by_label("What would you like to tell us?").fill("Nobody phoned back about visits")
    page.get_by_label("Email address (optional)").fill("dana@example.invalid")
    page.get_by_role("button", name="Send").click()

    assert path_of(page) == "/feedback/tell-us/sent/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Complaint sent")
    expect(page.get_by_test_id("due")).to_contain_text("We will acknowledge your complaint by")
    assert_accessible(page)

    from enablement.feedback.models import Feedback

    row = Feedback.objects.get(contact_email="dana@example.invalid")
    assert row.kind == "complaint" and row.acknowledge_due and row.respond_due
