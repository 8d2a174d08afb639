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

from browser_tests import sections
from browser_tests.conftest import assert_accessible
from enablement.casework.models import EpisodeStatus
from enablement.catalogue import vocab
from enablement.demo.loader import DEMO_PASSWORD
from enablement.referrals.rules import COMPLEX_FEATURES, RiskArea, Status

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
# The codes behind the words (those with an underscore, which no English word has): a page
# that shows one shows a code instead of its label.
RAW_CODES = re.compile(
    r"\b("
    + "|".join(
        sorted(
            {
                str(code)
                for choices in (
                    vocab.ReferralSource,
                    vocab.DiagnosisCategory,
                    vocab.NeedsBasis,
                    vocab.TeamKind,
                    EpisodeStatus,
                    RiskArea,
                    Status,
                )
                for code in (c.value for c in choices)
                if "_" in str(code)
            }
            | {code for code, _ in COMPLEX_FEATURES if "_" in code}
        )
    )
    + r")\b"
)
# The innermost elements whose right edge is past the window's: what makes a page scroll.
WIDEST = """() => {
  const edge = document.documentElement.clientWidth;
  const past = [...document.body.querySelectorAll("*")].filter(
    (e) => e.getBoundingClientRect().right > edge + 0.5
  );
  return past
    .filter((e) => !past.some((o) => o !== e && e.contains(o)))
    .slice(0, 5)
    .map((e) => `${e.tagName.toLowerCase()}.${e.className}: ${e.textContent.trim().slice(0, 60)}`);
}"""
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
        # A menu item may carry a count after its label: "Inbox (3 unread)".
        name = re.compile(rf"^{re.escape(label)}(\W|$)")
        self.go(nav.get_by_role("link", name=name).first, heading)

    def open_referral(self, reference: str, within: Locator | None = None) -> None:
        link = (within or self.main()).get_by_role("link", name=reference, exact=True)
        self.go(link.first, f"Referral {reference}")

    def button(self, name: str, heading: str | re.Pattern | None = None) -> None:
        self.go(self.main().get_by_role("button", name=name, exact=True), heading)

    def status(self) -> Locator:
        return self.page.get_by_test_id("status")

    def allocate_from_waiting_list(
        self, reference: str, team: str, worker: str, *, person: str, accepted: dt.date
    ) -> None:
        """Follow the waiting list in the menu, find the referral there, accepted on the day
        given, open its allocate page and allocate it to the named worker."""
        self.menu("Waiting list", f"Waiting list: {team}")
        row = self.page.get_by_test_id("waiting-list").locator(f'tr[data-reference="{reference}"]')
        expect(row).to_contain_text(person)
        expect(row).to_contain_text(f"{accepted:%-d %b %Y}")
        self.go(row.get_by_role("link", name=ALLOCATE), "Allocate to a worker")
        self._allocate_to(reference, team, worker)

    def allocate_from_referral(self, reference: str, team: str, worker: str) -> None:
        """From the accepted referral's own page, allocate it to the named worker."""
        self.go(
            self.main().get_by_role("button", name="Allocate to a worker", exact=True),
            "Allocate to a worker",
        )
        self._allocate_to(reference, team, worker)

    def _allocate_to(self, reference: str, team: str, worker: str) -> None:
        choice = self.page.get_by_role("group", name="Allocate to").get_by_role(
            "radio", name=re.compile(rf"^{re.escape(worker)}:")
        )
        self.tick(choice)
        # A referral accepted today goes after any that waited longer and fit (issue 12
        # item 4): the demo's waiting lists hold such referrals, so the senior says why.
        why = self.page.get_by_label(re.compile(r"^Why this referral goes before"))
        if why.count():
            why.fill("The referrer asked for a start this week")
            self.clicks += 1
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
            problems = page.locator(".govuk-error-summary")
            said = problems.inner_text() if problems.count() else "no error summary"
            expect(h1, f"{page.url} is not {heading!r} ({said})").to_have_text(heading)
        assert h1.inner_text() not in BROKEN_PAGES, f"{page.url}: {h1.inner_text()}"
        raw = RAW_CODES.findall(page.get_by_role("main").inner_text())
        assert not raw, f"{page.url} shows codes instead of words: {sorted(set(raw))}"
        assert_accessible(page)
        page.set_viewport_size(NARROW)
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        wide = page.evaluate(WIDEST) if widths[0] > widths[1] else []
        page.set_viewport_size(DESKTOP)
        assert widths[0] <= widths[1], (
            f"{page.url} ({h1.inner_text()}) scrolls sideways at 320 px: "
            f"{widths[0]} px of content in {widths[1]} px; past the edge: {wide}"
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
    """Make the referral a referrer makes for a person with a named social worker, section by
    section (issue 12), and send it; return the new referral's reference. `destination` is
    "Service: Team" or "Service (single point of referral)"."""
    service, _, team = destination.removesuffix(" (single point of referral)").partition(": ")
    return sections.refer_in_full(
        walk,
        service,
        team or None,
        source,
        assessed_on,
        work_asked=answers["work"],
        outcomes=answers["outcomes"],
    )


def _refer_from_home(walk: Walk, name: str, destination: str, source: str, **answers) -> str:
    """The referrer opens the person from their home page and refers them."""
    given = name.split()[0]
    walk.go(walk.page.get_by_role("main").get_by_role("link", name=name, exact=True), name)
    walk.button(f"Refer {given} to a service", f"Refer {name}")
    assessed_on = timezone.localdate() - dt.timedelta(days=7)
    return _refer(walk, destination, source, assessed_on, **answers)


def _validate(walk: Walk, reference: str, *, asked_today: bool = False) -> None:
    """The service admin validates the referral from their validation queue, whose next
    step opens the validation page."""
    queue = walk.page.get_by_test_id("queue")
    walk.go(queue.get_by_role("link", name=f"Validate {reference}", exact=True))
    if walk.page.get_by_role("heading", level=1).inner_text() == "Validate the referral":
        if asked_today:
            _fill_date(
                walk.page,
                "Date you asked for them to be opened (if they are not already open)",
                timezone.localdate(),
            )
        walk.button("Validate", f"Referral {reference}")
    expect(walk.page.get_by_role("alert")).to_contain_text(f"Referral {reference} validated")


def _screen_and_accept(walk: Walk, reference: str, factors: int = 0, reason: str = "") -> None:
    """The senior screens from their queue: desktop check, the factors confirmed, accept
    (with the reason, where eligibility needs their judgement)."""
    queue = walk.page.get_by_test_id("queue")
    walk.go(
        queue.get_by_role("link", name=f"Screen {reference}", exact=True), "Screen the referral"
    )
    walk.tick(walk.page.get_by_label(DESKTOP_CHECK, exact=True))
    if factors:
        boxes = walk.page.get_by_role("group", name=FACTORS).get_by_role("checkbox")
        expect(boxes).to_have_count(factors)
        for i in range(factors):
            walk.tick(boxes.nth(i))
    walk.tick(walk.page.get_by_role("group", name="Decision").get_by_label("Accept", exact=True))
    if reason:
        walk.page.get_by_label("Reason", exact=True).fill(reason)
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
    walk.allocate_from_referral(reference, "Kent East", "Wren Worker")
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


def _record_a_person(walk: Walk, given: str, family: str, postcode: str, diagnosis: str) -> None:
    """From their home page, the user records a new person and lands on the person's page."""
    page = walk.page
    walk.go(walk.main().get_by_role("button", name="Record a person"), "Record a person")
    page.get_by_label("First name", exact=True).fill(given)
    page.get_by_label("Last name", exact=True).fill(family)
    _fill_date(page, "Date of birth", dt.date(1994, 5, 17))
    page.get_by_label("Postcode (optional)").fill(postcode)
    walk.tick(
        page.get_by_role("group", name="Primary diagnosis category").get_by_label(
            diagnosis, exact=True
        )
    )
    walk.button("Save", f"{given} {family}")
    # Back home, where the person they recorded is listed.
    walk.menu("Home", "My referrals")


@pytest.mark.browser
def test_autism_front_door_from_referral_to_allocation_at_kps(page: Page):
    walk = Walk(page, "Autism front door (seed 001) to KPS")

    # The referrer records an autistic Kent person and refers them to the single point of
    # referral (seed 001 §1), as a social work team.
    walk.sign_in("referrer", "My referrals")
    _record_a_person(walk, "Ori", "Autistest", "CT2 7NZ", "Autism")
    afd = _refer_from_home(
        walk,
        "Ori Autistest",
        "Autism enablement front door (single point of referral)",
        "Social work team",
        work="Travel alone by train to the college course and keep a weekly routine",
        outcomes="Goes to college alone three days a week by week 14",
    )
    walk.sign_out()

    # The front door's admin validates it; it goes to the panel.
    walk.sign_in("admin.autism", "Validation queue and tracker")
    _validate(walk, afd)
    walk.sign_out()

    # The panel screens it (desktop check, appropriate factors, 16 weeks) and routes to KPS.
    walk.sign_in("senior.autism", "Screening and allocation")
    walk.open_referral(afd, page.get_by_test_id("queue"))
    expect(walk.status()).to_have_text("In triage")
    walk.button("Record the panel's decision", "Panel screening and decision")
    walk.tick(page.get_by_label(DESKTOP_CHECK, exact=True))
    # the five factors of seed 001 §6 that indicate enablement is appropriate
    factors = page.locator("fieldset").filter(
        has=page.locator("legend", has_text="Factors that show enablement is appropriate")
    )
    expect(factors.get_by_role("checkbox")).to_have_count(5)
    for i in range(5):
        walk.tick(factors.get_by_role("checkbox").nth(i))
    walk.tick(page.get_by_label("The person's needs can be met safely within 16 weeks"))
    walk.tick(page.get_by_label("KPS autism enablement: KPS Kent", exact=True))
    page.get_by_label("Reason for the panel's decision", exact=True).fill(
        "Travel and routine goals KPS can meet safely in 16 weeks"
    )
    # The server reads the real clock: the day of the routing is the day before or after
    # the click (a walk can run across midnight).
    before = timezone.localdate()
    walk.button("Route", f"Referral {afd}")
    expect(walk.status()).to_have_text("Routed to another service")
    days = {before, timezone.localdate()}

    # The panel opens the referral it routed, from its own referral's page.
    routed = walk.main().get_by_role("link", name=re.compile(r"^KPS-\d{6}$"))
    kps = routed.inner_text()
    walk.go(routed, f"Referral {kps}")
    expect(walk.status()).to_have_text("Accepted")
    handed_on = page.get_by_test_id("handed-on")
    expect(handed_on).to_contain_text(
        re.compile(
            "Screened and accepted by Autism enablement front door on "
            f"({'|'.join(f'{d:%-d %B %Y}' for d in days)})"
        )
    )
    accepted = next(d for d in days if f"{d:%-d %B %Y}" in handed_on.inner_text())
    expect(handed_on).to_contain_text("nothing to validate or screen again")
    walk.sign_out()

    # The KPS senior finds it accepted on the waiting list, with nothing to validate or
    # screen, and allocates it to the KPS worker.
    walk.sign_in("senior.kps", "Screening and allocation")
    expect(page.get_by_test_id("queue")).not_to_contain_text(kps)
    walk.allocate_from_waiting_list(
        kps, "KPS Kent", "Drew Worker", person="Ori Autistest", accepted=accepted
    )
    walk.report()


@pytest.mark.browser
def test_str_from_referral_to_allocation(page: Page):
    walk = Walk(page, "STR (seed 004), Thanet and Dover")

    # The referrer refers Bo Specimen (Dover), whom they recorded, from the integrated
    # mental-health team.
    walk.sign_in("referrer", "My referrals")
    reference = _refer_from_home(
        walk,
        "Bo Specimen",
        "Mental Health Support Time Recovery: Thanet and Dover",
        "Integrated mental-health team",
        work="Get back to the Saturday five-a-side and manage a weekly budget",
        outcomes="Plays on Saturdays and pays bills on time by week 6",
    )
    walk.sign_out()

    # The STR admin validates; the senior STR worker screens, accepts and allocates.
    walk.sign_in("admin.str", "Validation queue and tracker")
    _validate(walk, reference)
    walk.sign_out()
    walk.sign_in("senior.str", "Screening and allocation")
    _screen_and_accept(walk, reference)
    walk.allocate_from_waiting_list(
        reference,
        "Thanet and Dover",
        "Logan Worker",
        person="Bo Specimen",
        accepted=timezone.localdate(),
    )
    # The tracker shows it allocated to the worker.
    walk.menu("Referrals", "Referral tracker")
    walk.open_referral(reference, page.get_by_test_id("tracker"))
    expect(walk.status()).to_have_text("Allocated to a worker")
    expect(page.get_by_test_id("allocated-to")).to_contain_text("Logan Worker")
    walk.report()


PREVENTATIVE = "Preventative support: the hub assessment found needs the Brief plan meets"


def _self_refer_to_barnet(walk: Walk, given: str, family: str, postcode: str) -> str:
    """The person asks for help themself through the public form; return the reference."""
    page = walk.page
    walk.start("/self-referral/", "Ask for enablement support")
    walk.tick(page.get_by_label(re.compile(r"^Barnet Enablement Pathway: Brief \(up to")))
    walk.tick(page.get_by_label("I am asking for help for myself", exact=True))
    page.get_by_label("First name of the person who needs help", exact=True).fill(given)
    page.get_by_label("Last name", exact=True).fill(family)
    _fill_date(page, "Their date of birth", dt.date(1988, 2, 29))
    page.get_by_label("Postcode", exact=True).fill(postcode)
    walk.tick(page.get_by_label("By phone", exact=True))
    page.get_by_label("Phone number", exact=True).fill("07700 900321")
    walk.tick(
        page.get_by_role(
            "group", name="Have they been told they have a mental health condition?"
        ).get_by_label("Yes", exact=True)
    )
    page.get_by_label("What would you like help with?", exact=True).fill(
        "Getting out of the flat to meet people, and back to the Thursday walking group"
    )
    walk.tick(page.get_by_label(re.compile(r"^I understand this is short-term support")))
    walk.tick(page.get_by_label(re.compile(r"^I agree that the service may use these")))
    walk.button("Send", "Request sent")
    return page.get_by_test_id("reference").inner_text()


def _match_as_new_and_validate(walk: Walk, reference: str, *, without_nhs: bool = False) -> None:
    """The hub admin opens the public referral from their queue, records the person as new
    (none of the possible matches is them) and validates it for the hub assessment."""
    page = walk.page
    walk.open_referral(reference, page.get_by_test_id("queue"))
    walk.go(
        walk.main().get_by_role("button", name="Match the person to a record"),
        "Match the person to a record",
    )
    walk.tick(page.get_by_label("None of these: record them as a new person", exact=True))
    if without_nhs:
        walk.tick(page.get_by_label("Record them without the NHS number given on the form"))
    walk.button("Save", f"Referral {reference}")
    expect(page.get_by_role("alert")).to_contain_text(f"Referral {reference} matched")
    # Validation is confirmed on a page with the service's checklist (issue 12).
    walk.button("Validate", "Validate the referral")
    walk.button("Validate", f"Referral {reference}")
    expect(walk.status()).to_have_text("In triage")


def _assess(walk: Walk, reference: str, level: str, reason: str, hub: str | None = None):
    """A hub assessor finds the referral in the tracker and records the hub assessment."""
    page = walk.page
    walk.menu("Referrals", "Referral tracker")
    walk.open_referral(reference, page.get_by_test_id("tracker"))
    walk.button("Record the hub assessment", "Hub assessment")
    walk.tick(page.get_by_role("group", name="Level").get_by_label(level, exact=True))
    if hub:
        walk.pick(page.get_by_label("Hub", exact=True), hub)
    page.get_by_label("Assessment summary and the reason for the level", exact=True).fill(reason)
    walk.button("Save the assessment")


@pytest.mark.browser
def test_barnet_self_referral_assessed_brief_to_its_hub_and_allocated(page: Page):
    walk = Walk(page, "Barnet (seed 003): self-referral, Brief, Barnet West")

    # A person in NW9 asks for help through the public form.
    reference = _self_refer_to_barnet(walk, "Nell", "Selfref", "NW9 5AB")

    # The hub admin matches them (a new person) and validates it for the hub assessment.
    walk.sign_in("admin.bep", "Validation queue and tracker")
    _match_as_new_and_validate(walk, reference)
    walk.sign_out()

    # A Barnet West assessor assesses it at Brief, to Barnet West (the person's hub).
    walk.sign_in("worker.bep", "My caseload")
    _assess(walk, reference, "Brief", "Brief: the walking group and meeting people", "Barnet West")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral {reference}")
    expect(walk.status()).to_have_text("Waiting for screening")
    walk.sign_out()

    # The Barnet West team leader screens, accepts and allocates to the assessor.
    walk.sign_in("senior.bep.west", "Screening and allocation")
    # A self-referral records no Care Act assessment: the team leader says why they accept.
    _screen_and_accept(walk, reference, reason=PREVENTATIVE)
    walk.allocate_from_waiting_list(
        reference,
        "Barnet West",
        "Taylor Worker",
        person="Nell Selfref",
        accepted=timezone.localdate(),
    )
    walk.report()


@pytest.mark.browser
def test_barnet_gp_referral_with_minimum_data_assessed_enhanced_to_the_network(page: Page):
    walk = Walk(page, "Barnet (seed 003): GP minimum data, Enhanced, the Network")

    # The referrer, for a GP, records a Barnet person and refers them with the basic minimum
    # (no named social worker, no risk information: the hub assessment gathers the rest).
    walk.sign_in("referrer", "My referrals")
    _record_a_person(walk, "Gil", "Gpref", "NW4 3AA", "Mental health")
    walk.go(walk.main().get_by_role("link", name="Gil Gpref", exact=True), "Gil Gpref")
    walk.button("Refer Gil to a service", "Refer Gil Gpref")
    sections.start(walk, "Barnet Enablement Pathway: Brief")
    # A GP gives the basic minimum: the person and risk sections are saved as they are.
    sections.open_section(walk, "person")
    sections.save(walk, sections.SECTION["referrer"])
    sections.referrer(walk, "GP")
    sections.open_section(walk, "risk")
    sections.save(walk, sections.SECTION["work"])
    sections.work(
        walk,
        "Rebuild a weekly routine after a long admission, starting with the Monday library group",
        deliverable=False,
    )
    sections.consent(walk)
    walk.button("Send referral", re.compile(r"^Referral BEP-\d{6}$"))
    reference = page.get_by_role("heading", level=1).inner_text().removeprefix("Referral ")
    expect(walk.status()).to_have_text("Submitted")
    walk.sign_out()

    # The hub admin validates it for the hub assessment.
    walk.sign_in("admin.bep", "Validation queue and tracker")
    _validate(walk, reference)
    expect(walk.status()).to_have_text("In triage")
    walk.sign_out()

    # The assessor assesses it at Enhanced: it goes to the Network, accepted today.
    walk.sign_in("worker.bep", "My caseload")
    _assess(walk, reference, "Enhanced", "Needs the Network's longer programme with peer support")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral {reference}")
    expect(walk.status()).to_have_text("Routed to another service")
    network = walk.main().get_by_role("link", name=re.compile(r"^BEN-\d{6}$"))
    ben = network.inner_text()
    walk.go(network, f"Referral {ben}")  # the assessor's link to it opens
    expect(walk.status()).to_have_text("Accepted")
    walk.sign_out()

    # The Network's team leader allocates it from the Network's waiting list.
    walk.sign_in("senior.ben", "Screening and allocation")
    walk.allocate_from_waiting_list(
        ben,
        "Barnet Enablement Network",
        "Frankie Worker",
        person="Gil Gpref",
        accepted=timezone.localdate(),
    )
    walk.report()


@pytest.mark.browser
def test_barnet_assessor_sends_a_referral_to_another_hub_which_allocates_it(page: Page):
    walk = Walk(page, "Barnet (seed 003): the demo's self-referral, Brief, Barnet North")

    # The hub admin matches the demo's public self-referral (EN5, Barnet North): the NHS
    # number given is Ada Sample's in Kent, so they record a new person without it.
    walk.sign_in("admin.bep", "Validation queue and tracker")
    queue = page.get_by_test_id("queue")
    row = queue.get_by_role("row").filter(has_text="Ada Sampel (not yet matched)")
    reference = row.get_by_role("link").inner_text()
    _match_as_new_and_validate(walk, reference, without_nhs=True)
    walk.sign_out()

    # A Barnet West assessor assesses it at Brief into Barnet North, whose referrals they
    # do not see: they land on a page that opens, saying where it went.
    walk.sign_in("worker.bep", "My caseload")
    _assess(walk, reference, "Brief", "Brief: volunteering at the food bank", "Barnet North")
    expect(page.get_by_role("alert")).to_contain_text(f"Referral {reference} assessed at Brief")
    expect(page.get_by_role("alert")).to_contain_text("Barnet North")
    walk.sign_out()

    # Barnet North's team leader screens it, accepts it and allocates it to their worker.
    walk.sign_in("senior.bep", "Screening and allocation")
    _screen_and_accept(walk, reference, reason=PREVENTATIVE)
    walk.allocate_from_waiting_list(
        reference,
        "Barnet North",
        "Casey Worker",
        person="Ada Sampel",
        accepted=timezone.localdate(),
    )
    walk.report()
