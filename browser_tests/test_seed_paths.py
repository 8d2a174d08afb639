"""Each seed service's path from referral to allocation, walked in a real browser as the
demo's users (issue 10 acceptance): every step is reached by a link or button from the
user's home page, queue, tracker or waiting list, and every page on the way opens (no 404,
403 or server error), passes axe, and does not scroll sideways at 320 px wide. The clicks
of each path are counted and printed.

Seed 000 (KERS), seed 001 (the autism front door), seed 003 (the Barnet hubs and the
Network) and seed 004 (STR) are the specification."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from browser_tests.conftest import assert_accessible
from enablement.demo.loader import DEMO_PASSWORD

DESKTOP = {"width": 1280, "height": 720}
NARROW = {"width": 320, "height": 800}
BROKEN_PAGES = ("Page not found", "You cannot see this page", "Server error")
DESKTOP_CHECK = "Desktop check done: the referral is fully and correctly completed"
RISK_AREAS = (
    "Risk to others",
    "Risk to self",
    "Substance misuse",
    "Risk from others",
    "Other risks, including environment",
)
FACE_TO_FACE = "Was the person's eligibility (social care needs) assessment face to face?"
FACTORS = "Which of the factors that indicate the referral is appropriate do you confirm?"
ALLOCATE = re.compile(r"^[A-Z]+-\d{6}\s*: allocate$")


class Walk:
    """One path through the pages as the demo's users. Every click is counted; every page
    a click lands on is checked: it opened, it is not an error page, axe finds nothing
    serious, and at 320 px wide it does not scroll sideways."""

    def __init__(self, page: Page, name: str):
        self.page, self.name = page, name
        self.clicks = self.pages = self.sign_ins = 0

    # --- what a person does -------------------------------------------------------------

    def go(self, target: Locator, heading: str | re.Pattern | None = None) -> None:
        """Click a link or button that opens a page, and check the page."""
        with self.page.expect_navigation() as navigation:
            target.click()
        self.clicks += 1
        self.landed(navigation.value.status, heading)

    def tick(self, box: Locator) -> None:
        box.check()
        self.clicks += 1

    def pick(self, select: Locator, label: str) -> None:
        select.select_option(label=label)
        self.clicks += 2  # open the list, choose

    def start(self, url: str, heading: str) -> None:
        """The one typed address of each user's visit: the sign-in or public start page."""
        response = self.page.goto(url)
        self.landed(response.status, heading)

    def sign_in(self, username: str, home: str) -> None:
        self.start("/sign-in/", "Sign in to Enablement")
        self.page.get_by_label("Username", exact=True).fill(username)
        self.page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        self.go(self.page.get_by_role("button", name="Sign in", exact=True), home)
        self.sign_ins += 1

    def sign_out(self) -> None:
        banner = self.page.get_by_role("banner")
        self.go(banner.get_by_role("button", name="Sign out"), "Sign in to Enablement")

    # --- moving about ---------------------------------------------------------------------

    def main(self) -> Locator:
        return self.page.get_by_role("main")

    def menu(self, label: str, heading: str | re.Pattern | None = None) -> None:
        nav = self.page.get_by_role("navigation", name="Menu")
        self.go(nav.get_by_role("link", name=label, exact=True), heading)

    def open_referral(self, reference: str, within: Locator | None = None) -> None:
        link = (within or self.main()).get_by_role("link", name=reference, exact=True)
        self.go(link.first, f"Referral {reference}")

    def button(self, name: str, heading: str | re.Pattern | None = None) -> None:
        self.go(self.main().get_by_role("button", name=name, exact=True), heading)

    def status(self) -> Locator:
        return self.page.get_by_test_id("status")

    def allocate_from_waiting_list(self, reference: str, team: str, worker: str) -> None:
        """Follow the waiting list in the menu, open the referral's allocate page and
        allocate it to the named worker."""
        self.menu("Waiting list", f"Waiting list: {team}")
        row = self.page.get_by_test_id("waiting-list").locator(f'tr[data-reference="{reference}"]')
        expect(row).to_have_count(1)
        self.go(row.get_by_role("link", name=ALLOCATE), "Allocate to a worker")
        choice = self.page.get_by_role("group", name="Allocate to").get_by_role(
            "radio", name=re.compile(rf"^{re.escape(worker)}:")
        )
        self.tick(choice)
        self.button("Allocate and open the episode", f"Waiting list: {team}")
        success = self.page.get_by_role("alert").filter(has_text="Success")
        expect(success).to_contain_text(f"{reference} allocated to {worker}")

    # --- checking each page ---------------------------------------------------------------

    def landed(self, status: int, heading: str | re.Pattern | None) -> None:
        self.pages += 1
        page = self.page
        h1 = page.get_by_role("heading", level=1)
        assert status < 400, f"{page.url} answered {status}"
        expect(h1).to_have_count(1)
        if heading is not None:
            expect(h1).to_have_text(heading)
        assert h1.inner_text() not in BROKEN_PAGES, f"{page.url}: {h1.inner_text()}"
        assert_accessible(page)
        page.set_viewport_size(NARROW)
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        page.set_viewport_size(DESKTOP)
        assert widths[0] <= widths[1], (
            f"{page.url} ({h1.inner_text()}) scrolls sideways at 320 px: "
            f"{widths[0]} px of content in {widths[1]} px"
        )

    def report(self) -> None:
        print(
            f"\n{self.name}: {self.clicks} clicks, {self.pages} pages checked, "
            f"{self.sign_ins} sign-ins"
        )


def _fill_date(page: Page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day", exact=True).fill(str(day.day))
    group.get_by_label("Month", exact=True).fill(str(day.month))
    group.get_by_label("Year", exact=True).fill(str(day.year))


def _refer(walk: Walk, destination: str, source: str, assessed_on: dt.date, **answers) -> str:
    """Fill the referral form a referrer fills for a person with a named social worker, and
    submit it; return the new referral's reference."""
    page = walk.page
    walk.pick(page.get_by_label("Refer to", exact=True), destination)
    walk.pick(page.get_by_label("Who is making the referral", exact=True), source)
    walk.pick(page.get_by_label("Named social worker", exact=True), "Rowan Referrer")
    for label in (
        "Enablement or preventative work has been identified as a need",
        "The work can be delivered within the length of the service",
        "The person agrees to their information being shared",
        "Ongoing community mental-health social work involvement",
        "A diagnosed need",
    ):
        walk.tick(page.get_by_label(label, exact=True))
    page.get_by_label("The enablement work asked for", exact=True).fill(answers["work"])
    page.get_by_label("Intended outcomes", exact=True).fill(answers["outcomes"])
    walk.tick(
        page.get_by_role("group", name="Unmet eligible needs (Care Act assessment)").get_by_label(
            "Yes", exact=True
        )
    )
    walk.tick(page.get_by_role("group", name=FACE_TO_FACE).get_by_label("Yes", exact=True))
    _fill_date(page, "Date of the eligibility assessment", assessed_on)
    for area in RISK_AREAS:
        page.get_by_label(area, exact=True).fill("None known")
        _fill_date(page, f"{area}: date assessed", assessed_on)
    walk.button("Submit referral", re.compile(r"^Referral [A-Z]+-\d{6}$"))
    expect(walk.status()).to_have_text("Submitted")
    return page.get_by_role("heading", level=1).inner_text().removeprefix("Referral ")


def _refer_from_home(walk: Walk, name: str, destination: str, source: str, **answers) -> str:
    """The referrer opens the person from their home page and refers them."""
    given = name.split()[0]
    walk.go(
        walk.page.get_by_role("main").get_by_role("link", name=name, exact=True), name
    )
    walk.button(f"Refer {given} to a service", f"Refer {name}")
    assessed_on = timezone.localdate() - dt.timedelta(days=7)
    return _refer(walk, destination, source, assessed_on, **answers)


def _validate(walk: Walk, reference: str, *, asked_today: bool = False) -> None:
    """The service admin validates the referral from their validation queue."""
    walk.open_referral(reference, walk.page.get_by_test_id("queue"))
    walk.button("Validate")
    if walk.page.get_by_role("heading", level=1).inner_text() == "Validate the referral":
        if asked_today:
            _fill_date(
                walk.page,
                "Date you asked for them to be opened (if they are not already open)",
                timezone.localdate(),
            )
        walk.button("Validate", f"Referral {reference}")
    expect(walk.page.get_by_role("alert")).to_contain_text(f"Referral {reference} validated")


def _screen_and_accept(walk: Walk, reference: str, factors: int = 0) -> None:
    """The senior screens from their queue: desktop check, the factors confirmed, accept."""
    walk.open_referral(reference, walk.page.get_by_test_id("queue"))
    expect(walk.status()).to_have_text("Waiting for screening")
    walk.button("Screen", "Screen the referral")
    walk.tick(walk.page.get_by_label(DESKTOP_CHECK, exact=True))
    if factors:
        boxes = walk.page.get_by_role("group", name=FACTORS).get_by_role("checkbox")
        expect(boxes).to_have_count(factors)
        for i in range(factors):
            walk.tick(boxes.nth(i))
    walk.tick(walk.page.get_by_role("group", name="Decision").get_by_label("Accept", exact=True))
    walk.button("Save", f"Referral {reference}")
    expect(walk.status()).to_have_text("Accepted")


@pytest.mark.browser
def test_kers_from_referral_to_allocation(page: Page):
    walk = Walk(page, "KERS (seed 000), Kent East")

    # The referrer refers Ada Sample, whom they recorded, to KERS Kent East in full.
    walk.sign_in("referrer", "My referrals")
    reference = _refer_from_home(
        walk,
        "Ada Sample",
        "Kent Enablement and Recovery Service: Kent East",
        "Community mental-health social work team",
        work="Plan and cook two hot meals a week and take the bus alone to the Tuesday "
        "allotment group by week 10",
        outcomes="Cooks and travels alone by week 10",
    )
    walk.sign_out()

    # The KERS admin validates it, having asked for her to be opened on the case system.
    walk.sign_in("admin.east", "Validation queue and tracker")
    _validate(walk, reference, asked_today=True)
    expect(page.get_by_test_id("case-system")).to_contain_text("not yet confirmed")
    expect(walk.status()).to_have_text("Waiting for screening")
    walk.sign_out()

    # The KERS senior screens it (the six factors of seed 000 §5), accepts and allocates.
    walk.sign_in("senior.east", "Screening and allocation")
    _screen_and_accept(walk, reference, factors=6)
    walk.allocate_from_waiting_list(reference, "Kent East", "Wren Worker")
    walk.sign_out()

    # The referrer's inbox has a message for each step, the newest linking to the referral.
    walk.sign_in("referrer", "My referrals")
    walk.menu("Inbox", "Inbox")
    messages = (
        page.get_by_test_id("inbox").get_by_role("heading", level=2).filter(has_text=reference)
    )
    expect(messages.first).to_contain_text("allocated")
    expect(messages.filter(has_text="accepted")).to_have_count(1)
    expect(messages.filter(has_text="received")).to_have_count(1)
    walk.go(messages.first.get_by_role("link"), f"Referral {reference}")
    expect(walk.status()).to_have_text("Allocated to a worker")
    expect(page.get_by_test_id("allocated-to")).to_contain_text("Wren Worker")
    walk.report()
