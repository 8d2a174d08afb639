"""A staff referral made in sections in a real browser (issue 12): a draft the referrer
leaves with a section incomplete, comes back to from their home page, completes and sends
from check your answers; and a section sent empty showing every problem at once. Every
page is checked by `Walk` (axe, 320 px without sideways scrolling); the clicks of a KERS
referral from a new person are counted and printed."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from browser_tests import sections
from browser_tests.test_seed_paths import Walk, _fill_date

SOURCE = "Community mental-health social work team"
WORK = "Plan and cook two hot meals a week and take the bus alone to the Tuesday allotment group"


def _record_and_open(walk: Walk, given: str, family: str, postcode: str) -> None:
    """From the referrer's home page: record a new person, landing on their page."""
    page = walk.page
    walk.go(walk.main().get_by_role("button", name="Record a person"), "Record a person")
    page.get_by_label("First name", exact=True).fill(given)
    page.get_by_label("Last name", exact=True).fill(family)
    _fill_date(page, "Date of birth", dt.date(1990, 6, 12))
    page.get_by_label("Postcode (optional)").fill(postcode)
    walk.tick(
        page.get_by_role("group", name="Primary diagnosis category").get_by_label(
            "Mental health", exact=True
        )
    )
    walk.button("Save", f"{given} {family}")


@pytest.mark.browser
def test_a_referral_left_incomplete_is_completed_and_sent_from_check_your_answers(page: Page):
    walk = Walk(page, "KERS referral in sections, left incomplete and finished later")
    assessed = timezone.localdate() - dt.timedelta(days=7)
    walk.sign_in("referrer", "My referrals")
    _record_and_open(walk, "Kit", "Sectioned", "ME13 8XZ")
    walk.button("Refer Kit to a service", "Refer Kit Sectioned")
    # A new draft opens on its first section. The team is proposed from the postcode: ME13
    # is Kent East's, though ME is Kent West's.
    sections.start(walk, "Kent Enablement and Recovery Service")
    expect(page.get_by_test_id("team-proposal")).to_contain_text("Kent East covers ME13")
    expect(page.get_by_role("radio", name="Kent East", exact=True)).to_be_checked()
    walk.button("Save and come back later", sections.TASKS)
    for slug in ("referrer", "risk", "work", "consent"):
        expect(sections.status_of(walk, slug)).to_have_text("Not yet started")
    sections.person(walk, assessed)
    # Saved complete, the person's section leads straight on to the next.
    expect(page.get_by_role("heading", level=1)).to_have_text(sections.SECTION["referrer"])
    sections.referrer(walk, SOURCE)
    sections.risk(walk, assessed)

    # The work section is saved without confirming the work fits the service's length.
    sections.open_section(walk, "work")
    walk.tick(
        page.get_by_label(
            "Enablement or preventative work has been identified as a need", exact=True
        )
    )
    page.get_by_label("The enablement work asked for", exact=True).fill(WORK)
    walk.button("Save and come back later", sections.TASKS)
    expect(sections.status_of(walk, "person")).to_have_text("Completed")
    expect(sections.status_of(walk, "risk")).to_have_text("Completed")
    expect(sections.status_of(walk, "work")).to_have_text("Incomplete")
    expect(sections.status_of(walk, "consent")).to_have_text("Not yet started")
    expect(walk.main().get_by_role("button", name="Check your answers")).to_have_count(0)

    # Later, from their home page, the referrer finds the draft and finishes it.
    walk.menu("Home", "My referrals")
    walk.go(walk.main().get_by_role("link", name="Your draft referrals"), "Your draft referrals")
    walk.go(
        walk.main().get_by_role("link", name=re.compile(r"^Kit Sectioned to Kent Enablement")),
        sections.TASKS,
    )
    sections.open_section(walk, "work")
    expect(page.get_by_label("The enablement work asked for", exact=True)).to_have_value(WORK)
    expect(page.locator("#id_deliverable_within_length-error")).to_contain_text(
        "can be delivered within"
    )
    walk.tick(
        page.get_by_label("The work can be delivered within the length of the service", exact=True)
    )
    sections.save(walk, sections.SECTION["consent"])
    sections.consent(walk)
    # Every section complete: straight on to check your answers.
    expect(page.get_by_role("heading", level=1)).to_have_text(sections.CHECK)
    expect(page.get_by_test_id("summary-person")).to_contain_text("Kent East")
    expect(page.get_by_test_id("summary-work")).to_contain_text(WORK)
    # A Change link goes back to its section and returns to the task list.
    walk.go(
        page.get_by_test_id("summary-consent").get_by_role("link", name=re.compile("^Change")),
        sections.SECTION["consent"],
    )
    sections.save(walk, sections.CHECK)
    reference = sections.check_and_send(walk, "KERS")
    expect(page.get_by_role("alert")).to_contain_text(f"Referral {reference} submitted")
    expect(page.get_by_role("main")).to_contain_text("Kent East")
    walk.report()


@pytest.mark.browser
def test_an_empty_section_shows_every_problem_at_once(page: Page):
    from enablement.people.models import Person

    walk = Walk(page, "Sections sent empty")
    ada = Person.objects.get(family_name="Sample")
    walk.sign_in("referrer", "My referrals")
    walk.start(f"/people/{ada.pk}/", "Ada Sample")
    walk.button("Refer Ada to a service", "Refer Ada Sample")
    sections.start(walk, "Kent Enablement and Recovery Service")

    sections.open_section(walk, "risk")
    sections.save(walk, sections.SECTION["risk"])
    expect(page).to_have_title(re.compile(r"^Error: Risk, area by area"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    # Each area's description and its date, ten problems, all at once.
    expect(summary.get_by_role("listitem")).to_have_count(10)
    expect(summary).to_contain_text("Risk to self: describe the risk, or write “None known”")
    expect(summary).to_contain_text("Risk from others: enter the date the risk was assessed")
    expect(summary).not_to_contain_text("seed")

    walk.go(page.get_by_role("link", name="Back", exact=True), sections.TASKS)
    expect(sections.status_of(walk, "risk")).to_have_text("Incomplete")
    sections.open_section(walk, "work")
    page.get_by_label("Intended outcomes", exact=True).fill("Goes alone by week 6")
    sections.save(walk, sections.SECTION["work"])
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("listitem")).to_have_count(3)
    expect(summary).to_contain_text("Enter the specific enablement work asked for")
    expect(summary).to_contain_text("Confirm that enablement or preventative work")
    expect(summary).to_contain_text("can be delivered within")
    # Nothing typed is lost.
    expect(page.get_by_label("Intended outcomes", exact=True)).to_have_value("Goes alone by week 6")


@pytest.mark.browser
def test_clicks_of_a_kers_referral_from_a_new_person(page: Page):
    """Counted from the referrer's home page: record the person, refer, send."""
    walk = Walk(page, "KERS referral from a new person, in sections")
    walk.sign_in("referrer", "My referrals")
    walk.clicks = 0
    _record_and_open(walk, "Cal", "Counted", "CT9 2AA")
    walk.button("Refer Cal to a service", "Refer Cal Counted")
    sections.refer_in_full(
        walk,
        "Kent Enablement and Recovery Service",
        "Kent East",
        SOURCE,
        timezone.localdate() - dt.timedelta(days=7),
        work_asked=WORK,
        outcomes="Goes alone by week 10",
    )
    walk.report()
