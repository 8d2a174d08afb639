"""A KERS enablement episode from allocation to closure, walked in a real browser as the
demo's users (issue 11 acceptance): the senior allocates, the worker reviews the risks,
holds the planning meeting, writes and signs the plan, starts, records visits and the
week 6 review (which changes the plan), asks for an extension the senior discusses and the
provision manager approves, and proposes closure the senior agrees. Every step is reached
by a link or button; every page on the way opens, passes axe and does not scroll sideways
at 320 px (the `Walk` of the seed paths). The named social worker's inbox holds a message
for each step seed 000 says they hear about. The clicks are counted and printed.

The live server reads the real clock, so every date is today: the planning meeting, the
start, the visits and the review (a review may be held before the day it is due)."""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from browser_tests.test_seed_paths import Walk, _fill_date

PERSON = "Wyn Facsimile"  # accepted two days ago in Kent East, waiting; Rowan is named
GOALS = (
    (
        "Cook a hot meal twice a week",
        "Cooks two hot meals a week for three weeks running",
        "Plan the meals on Monday with the worker; shop on Tuesday",
    ),
    (
        "Take the bus alone to the allotment group",
        "Goes to the Tuesday allotment group alone three weeks running",
        "Travel together twice, then the worker meets Wyn there",
    ),
)


def _screenshot(page: Page, name: str) -> None:
    """A full-page picture of a key page, to look at, when WALK_SCREENSHOTS names a folder."""
    folder = os.environ.get("WALK_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"walk-{name}.png"), full_page=True)


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


def _episode_heading() -> str:
    return f"{PERSON}: enablement"


def _open_episode_from_home(walk: Walk, reference: str) -> None:
    """The worker's caseload lists the referral; its page links to the enablement."""
    walk.menu("Home", "My caseload")
    walk.open_referral(reference, walk.page.get_by_test_id("my-episodes"))
    walk.go(walk.page.get_by_test_id("see-enablement"), _episode_heading())


def _write_goals(walk: Walk, target: dt.date) -> None:
    page = walk.page
    for i, (description, measure, steps) in enumerate(GOALS):
        n = i + 1
        page.get_by_label(f"Goal {n}: what the person wants to do, in their words").fill(
            description
        )
        page.get_by_label(f"Goal {n}: how you will measure it").fill(measure)
        _fill_date(page, f"Goal {n}: target date", target)
        page.get_by_label(f"Goal {n}: steps and who takes them (optional)").fill(steps)
        if (
            n < len(GOALS)
            and page.get_by_label(f"Goal {n + 1}: how you will measure it").count() == 0
        ):
            walk.button("Save and add another goal")


def _sign_plan(walk: Walk, version: int, today: dt.date) -> None:
    """From the episode page, Wren signs the plan, then records Wyn's paper signature."""
    page = walk.page
    sign = walk.main().get_by_role("link", name="Sign the plan", exact=True)
    walk.go(sign, f"Sign plan version {version}")
    walk.button("Sign the plan", _episode_heading())
    expect(page.get_by_role("alert")).to_contain_text("Signature recorded")
    walk.go(sign, f"Sign plan version {version}")
    _fill_date(page, "Date the person signed", today)
    walk.button("Record the paper signature", _episode_heading())
    expect(page.get_by_role("alert")).to_contain_text(f"Plan version {version} agreed and signed")
    expect(page.get_by_test_id("plan-status")).to_have_text("Agreed and signed")


@pytest.mark.browser
def test_kers_episode_from_allocation_to_closure(page: Page):
    walk = Walk(page, "KERS (seed 000): an enablement from allocation to closure")
    today = timezone.localdate()
    main = walk.main

    # 1. The senior allocates the demo's waiting referral of Wyn Facsimile to Wren.
    walk.sign_in("senior.east", "Screening and allocation")
    walk.menu("Waiting list", "Waiting list: Kent East")
    row = page.get_by_test_id("waiting-list").locator("tr").filter(has_text=PERSON)
    reference = row.get_attribute("data-reference")
    walk.allocate_from_waiting_list(
        reference,
        "Kent East",
        "Wren Worker",
        person=PERSON,
        accepted=today - dt.timedelta(days=2),
    )
    walk.sign_out()

    # 2. Wren opens the enablement from their caseload: the steps before the start.
    walk.sign_in("worker.east", "My caseload")
    _open_episode_from_home(walk, reference)
    _screenshot(page, "episode-at-start")
    tasks = page.get_by_test_id("before-start")
    walk.go(
        tasks.get_by_role("link", name="Review risk and contact notes"),
        "Review the risk assessments and contact notes",
    )
    walk.tick(page.get_by_label(re.compile(r"^I have reviewed the risk assessments")))
    walk.button("Record the risk review", _episode_heading())

    walk.go(tasks.get_by_role("link", name="Planning meeting"), "Record the planning meeting")
    _fill_date(page, "Date of the planning meeting", today)
    page.get_by_label("Who attended", exact=True).fill("Wyn Facsimile, Wren Worker")
    # Seed 003's employment and accommodation at the start, for the return and dashboard.
    walk.pick(page.get_by_label("Employment at the start"), "Not in Paid Employment (seeking work)")
    walk.pick(page.get_by_label("Accommodation at the start"), "Tenant - private landlord")
    walk.tick(page.get_by_label("Ready to start the enablement", exact=True))
    walk.button("Record the planning meeting", _episode_heading())

    # The plan on a page: two SMART goals, signed by Wren and on paper by Wyn.
    walk.go(
        main().get_by_role("link", name="Write the plan with the person"),
        f"{PERSON}: enablement plan",
    )
    _write_goals(walk, today + dt.timedelta(weeks=8))
    page.get_by_label("Strengths", exact=True).fill("Likes cooking; knows the bus routes")
    walk.button("Save the draft plan", _episode_heading())
    _sign_plan(walk, 1, today)
    _screenshot(page, "plan")

    # Start today.
    walk.go(tasks.get_by_role("link", name="Start", exact=True), "Start the enablement")
    _fill_date(page, "Start date", today)
    walk.button("Start the enablement", _episode_heading())
    expect(page.get_by_test_id("episode-status")).to_have_text("Active")
    clocks = page.get_by_test_id("clocks")
    expect(clocks).to_contain_text(f"Started{_day(today)}")
    planned_end = clocks.get_by_role("definition").nth(2).inner_text()

    # 3. Three visits, attended, with hours.
    visits = page.get_by_test_id("visits-section")
    walk.go(
        visits.get_by_role("link", name="Plan or record visits"), f"Visits and contacts: {PERSON}"
    )
    for hours in ("1.5", "2", "1"):
        walk.go(
            main().get_by_role("link", name="Record a visit that happened"),
            "Record a visit that happened",
        )
        walk.tick(
            page.get_by_role("group", name="Kind of contact").get_by_label("Face-to-face visit")
        )
        walk.tick(page.get_by_label("Attended", exact=True))
        _fill_date(page, "Day of the visit", today)
        page.get_by_label(re.compile(r"^Hours spent with the person")).fill(hours)
        walk.button("Record the visit", f"Visits and contacts: {PERSON}")
    expect(page.get_by_test_id("recorded-visits").locator("tbody tr")).to_have_count(3)
    walk.go(page.get_by_role("link", name="Back to the enablement"), _episode_heading())

    # 4. The week 6 review, held today: progress on each goal, and the plan changes.
    reviews = page.get_by_test_id("reviews")
    week6 = reviews.get_by_role("row").filter(has_text="Week 6 review")
    walk.go(week6.get_by_role("link", name=re.compile("^Record")), "Record the week 6 review")
    _fill_date(page, "Date the review was held", today)
    for n, level in ((1, "On track"), (2, "Some progress")):
        group = page.get_by_role("group", name=re.compile(rf"^Goal {n}:"))
        walk.tick(group.get_by_label(level, exact=True))
    walk.tick(page.get_by_label("Engaging well", exact=True))
    page.get_by_label("Who took part", exact=True).fill("Wyn Facsimile, Wren Worker")
    page.get_by_label("Summary of the review", exact=True).fill(
        "Cooking is going well; the bus is still hard alone"
    )
    page.get_by_label("The plan revision agreed with the person (optional)").fill(
        "Travel together once more before Wyn goes alone"
    )
    page.get_by_label("Issues to feed back to the social worker (optional)").fill(
        "Wyn would like help with a bus pass renewal"
    )
    walk.tick(page.get_by_label("The plan changes: make a new version to sign"))
    walk.button("Save the review", _episode_heading())
    expect(
        page.get_by_test_id("reviews").get_by_role("row").filter(has_text="Week 6 review")
    ).to_contain_text(_day(today))
    expect(page.get_by_test_id("plan-status")).to_have_text("Draft: not yet signed")
    walk.go(
        main().get_by_role("link", name="Edit the draft plan"),
        f"{PERSON}: enablement plan, version 2",
    )
    page.get_by_label("Goal 2: steps and who takes them (optional)").fill(
        "Travel together three times, then the worker meets Wyn there"
    )
    walk.button("Save the draft plan", _episode_heading())
    _sign_plan(walk, 2, today)

    # 5. A 2-week extension, with reasons and evidence.
    walk.go(page.get_by_test_id("ask-extension"), "Ask for an extension")
    page.get_by_label("Weeks", exact=True).fill("2")
    page.get_by_label("Reasons for the extension", exact=True).fill(
        "Wyn was in hospital for two weeks"
    )
    page.get_by_label("Evidence that the extra time will meet the goals", exact=True).fill(
        "Cooking is on track; two more weeks of travel practice will get Wyn there"
    )
    walk.button("Ask for the extension", "Extension of 2 weeks")
    expect(page.get_by_test_id("next-step")).to_contain_text("senior")
    walk.sign_out()

    # The senior discusses it, from their home page.
    walk.sign_in("senior.east", "Screening and allocation")
    walk.go(
        main().get_by_role("link", name="Extensions waiting for you"), "Extensions waiting for you"
    )
    walk.go(page.get_by_test_id("queue").get_by_role("link", name=PERSON), "Extension of 2 weeks")
    page.get_by_label("What was discussed", exact=True).fill(
        "Agreed: the hospital stay cost two weeks of travel practice"
    )
    walk.button("Save the discussion", "Extension of 2 weeks")
    expect(page.get_by_test_id("next-step")).to_contain_text("provision manager decides")
    walk.sign_out()

    # The provision manager approves it: the planned end moves by 14 days.
    walk.sign_in("pm.kers", "Dashboard")
    walk.go(
        main().get_by_role("link", name="Extensions waiting for you"), "Extensions waiting for you"
    )
    walk.go(page.get_by_test_id("queue").get_by_role("link", name=PERSON), "Extension of 2 weeks")
    walk.tick(page.get_by_label("Approve the extension", exact=True))
    agreed = page.get_by_label("Occupational therapy assessment manager who agrees")
    if agreed.count():
        agreed.fill("Olu Therapist")
    walk.button("Save the decision", "Extension of 2 weeks")
    expect(page.get_by_test_id("extension-status")).to_have_text("Approved")
    end_before = dt.datetime.strptime(planned_end, "%d %B %Y").date()
    end_after = end_before + dt.timedelta(days=14)
    expect(main()).to_contain_text(f"Moved from {_day(end_before)} to {_day(end_after)}")
    walk.go(page.get_by_role("link", name="Back to the enablement"), _episode_heading())
    expect(page.get_by_test_id("clocks")).to_contain_text(
        f"{_day(end_after)} (extended by 2 weeks)"
    )
    walk.sign_out()

    # 6. Wren proposes closure, goals achieved, with the outcomes form.
    walk.sign_in("worker.east", "My caseload")
    _open_episode_from_home(walk, reference)
    walk.go(main().get_by_role("link", name="Propose closure"), "Propose closure")
    walk.tick(page.get_by_label("Goals achieved", exact=True))
    for n in (1, 2):
        group = page.get_by_role("group", name=re.compile(rf"^Goal {n}:"))
        walk.tick(group.get_by_label("Achieved", exact=True))
        page.get_by_label(f"Note on goal {n} (optional)").fill(f"Goal {n} met three weeks running")
    page.get_by_label("Recommendations (optional)").fill("Keep going to the allotment group")
    page.get_by_label("Further care and support needs (optional)").fill(
        "A bus pass renewal in March"
    )
    walk.tick(
        page.get_by_role("group", name="Was the form completed with the person?").get_by_label(
            "Yes", exact=True
        )
    )
    walk.tick(page.get_by_label("Sent a link to the electronic evaluation", exact=True))
    walk.tick(page.get_by_label("Service ended as planned", exact=True))
    # Accommodation is as it was at the start, and proposed so; Wyn now works.
    expect(page.get_by_label("Accommodation at closure")).to_have_value("tenant_private")
    walk.pick(page.get_by_label("Employment at closure"), "Paid: Less than 16 hours a week")
    walk.button("Propose closure to the senior", _episode_heading())
    expect(page.get_by_test_id("episode-status")).to_have_text("Closure proposed")
    expect(page.get_by_test_id("closure-proposed")).to_contain_text("Goals achieved")
    walk.sign_out()

    # The senior agrees it: the enablement is closed.
    walk.sign_in("senior.east", "Screening and allocation")
    walk.go(main().get_by_role("link", name="Closures to agree"), "Closures to agree")
    walk.go(
        page.get_by_test_id("closures-to-agree").get_by_role("link", name=PERSON),
        "Agree the closure",
    )
    walk.tick(page.get_by_label("Yes, agree and close", exact=True))
    walk.button("Save the decision", _episode_heading())
    expect(page.get_by_test_id("episode-status")).to_have_text("Closed")
    expect(page.get_by_test_id("closure")).to_contain_text("Goals achieved")
    # the closed enablement's plan is a record: nothing offers to change or sign it
    expect(main().get_by_role("link", name="Change the plan")).to_have_count(0)
    _screenshot(page, "closed")

    # 7. The timeline shows every step.
    timeline = page.get_by_test_id("timeline")
    for step in (
        f"{reference} allocated to Wren Worker",
        "risk assessments and contact notes reviewed",
        f"planning meeting held {_day(today)}: ready to start the enablement",
        "plan version 1 agreed and signed by the person and the worker",
        f"enablement starts {_day(today)}, planned end {_day(end_before)}",
        f"week 6 review held on {_day(today)}",
        "plan version 2 agreed and signed by the person and the worker, replacing version 1",
        "an extension of 2 weeks asked for",
        "the extension of 2 weeks discussed with the senior",
        f"extension of 2 weeks approved; planned end moved from {_day(end_before)} to "
        f"{_day(end_after)}",
        "closure proposed by Wren Worker: goals achieved",
        "enablement closed (goals achieved)",
        "closure agreed by Sage Senior: goals achieved",
    ):
        expect(timeline.get_by_role("listitem").filter(has_text=step)).to_have_count(1)
    expect(
        timeline.get_by_role("listitem").filter(
            has_text=f"visit of {_day(today)} recorded: attended"
        )
    ).to_have_count(3)
    walk.sign_out()

    # 8. Rowan, the named social worker, hears about each step.
    walk.sign_in("referrer", "My referrals")
    walk.menu("Inbox", "Inbox")
    inbox = page.get_by_test_id("inbox").get_by_role("listitem")
    for subject, body in (
        ("allocated to a worker", f"{PERSON} has been allocated to Wren Worker"),
        (
            "enablement start date",
            f"starts on {_day(today)} and is planned to end on {_day(end_before)}",
        ),
        ("issues from a review", "Wyn would like help with a bus pass renewal"),
        ("extension approved", f"It now ends on {_day(end_after)}"),
        ("enablement closed", "has closed: goals achieved"),
        ("further care and support needs after enablement", "A bus pass renewal in March"),
    ):
        message = inbox.filter(
            has=page.get_by_role("heading", name=f"New Referral {reference}: {subject}", exact=True)
        )
        expect(message).to_have_count(1)
        expect(message).to_contain_text(body)
    # the outcomes of each goal reach the named social worker with the further needs
    expect(inbox.filter(has_text="further care and support needs after")).to_contain_text(
        "Take the bus alone to the allotment group: achieved"
    )
    # the plan is as the referral asked: no message that it differs
    expect(inbox.filter(has_text="the plan differs from the referral")).to_have_count(0)
    walk.report()
