"""A staff referral made in sections in the browser (issue 12): the service, then each
section from the task list, then check your answers and send. Every click goes through a
`Walk`, so it is counted and every page is checked (axe, 320 px)."""

import datetime as dt
import re

from playwright.sync_api import expect

RISK_AREAS = (
    "Risk to others",
    "Risk to self",
    "Substance misuse",
    "Risk from others",
    "Other risks, including environment",
)
FACE_TO_FACE = "Was the person's eligibility (social care needs) assessment face to face?"
TASKS = re.compile(r"^Referral to ")
SECTION = {
    "person": "The person and their eligibility",
    "referrer": "Who is referring and the named social worker",
    "risk": "Risk, area by area",
    "work": "The enablement work and its outcomes",
    "consent": "Consent to share information",
}
CHECK = "Check your answers before sending the referral"


def fill_date(page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day", exact=True).fill(str(day.day))
    group.get_by_label("Month", exact=True).fill(str(day.month))
    group.get_by_label("Year", exact=True).fill(str(day.year))


def start(walk, service: str) -> None:
    """From "Refer <name>": choose the service and continue, straight to the first section
    of a new draft."""
    walk.tick(walk.main().get_by_role("radio", name=service, exact=True))
    walk.button("Continue", SECTION["person"])


def _heading(walk) -> str:
    return walk.page.get_by_role("heading", level=1).inner_text()


def open_section(walk, slug: str) -> None:
    """Open a section, unless saving the one before already led to it: from a section page
    or check your answers, back to the task list first."""
    if _heading(walk) == SECTION[slug]:
        return
    if not TASKS.match(_heading(walk)):
        walk.go(walk.page.get_by_role("link", name="Back", exact=True), TASKS)
    tasks = walk.page.get_by_test_id("sections")
    walk.go(tasks.get_by_role("link", name=SECTION[slug], exact=True), SECTION[slug])


def save(walk, heading=None) -> None:
    """Save and continue: on to the next section still to do, or check your answers."""
    walk.button("Save and continue", heading)


def status_of(walk, slug: str):
    return walk.page.locator(f"#section-{slug}-status")


def person(walk, assessed_on: dt.date, team: str | None = None) -> None:
    page = walk.page
    open_section(walk, "person")
    if team is not None:
        choice = page.get_by_role("radio", name=team, exact=True)
        if not choice.count():  # the service's only team: nothing to choose
            expect(page.get_by_test_id("team-proposal")).to_contain_text(team)
        elif not choice.is_checked():
            walk.tick(choice)
    walk.tick(
        page.get_by_role("group", name="Unmet eligible needs (Care Act assessment)").get_by_label(
            "Yes", exact=True
        )
    )
    walk.tick(page.get_by_role("group", name=FACE_TO_FACE).get_by_label("Yes", exact=True))
    fill_date(page, "Date of the eligibility assessment", assessed_on)
    for label in ("Ongoing community mental-health social work involvement", "A diagnosed need"):
        walk.tick(page.get_by_label(label, exact=True))
    save(walk)


def referrer(walk, source: str) -> None:
    open_section(walk, "referrer")
    # The source of the referrer's last referral is proposed: chosen only when it differs.
    select = walk.page.get_by_label("Who is making the referral", exact=True)
    if select.evaluate("s => s.selectedIndex < 0 ? '' : s.options[s.selectedIndex].text") != source:
        walk.pick(select, source)
    # The referrer is proposed as the named social worker: nothing to choose.
    expect(walk.page.get_by_label("Named social worker", exact=True)).to_have_value(
        re.compile(r"^\d+$")
    )
    save(walk)


def risk(walk, assessed_on: dt.date) -> None:
    open_section(walk, "risk")
    for area in RISK_AREAS:
        walk.page.get_by_label(area, exact=True).fill("None known")
        fill_date(walk.page, f"{area}: date assessed", assessed_on)
    save(walk)


def work(walk, work: str, outcomes: str = "", *, deliverable: bool = True) -> None:
    page = walk.page
    open_section(walk, "work")
    walk.tick(
        page.get_by_label(
            "Enablement or preventative work has been identified as a need", exact=True
        )
    )
    page.get_by_label("The enablement work asked for", exact=True).fill(work)
    if outcomes:
        page.get_by_label("Intended outcomes", exact=True).fill(outcomes)
    if deliverable:
        walk.tick(
            page.get_by_label(
                "The work can be delivered within the length of the service", exact=True
            )
        )
    save(walk)


def consent(walk) -> None:
    open_section(walk, "consent")
    walk.tick(
        walk.page.get_by_label("The person agrees to their information being shared", exact=True)
    )
    save(walk)


def check_and_send(walk, service_code: str = "[A-Z]+") -> str:
    if _heading(walk) != CHECK:
        walk.button("Check your answers", CHECK)
    walk.button("Send referral", re.compile(rf"^Referral {service_code}-\d{{6}}$"))
    expect(walk.status()).to_have_text("Submitted")
    return walk.page.get_by_role("heading", level=1).inner_text().removeprefix("Referral ")


def refer_in_full(
    walk, service: str, team: str | None, source: str, assessed_on, *, work_asked, outcomes
) -> str:
    """Every section of a referral from a referrer with a named social worker."""
    start(walk, service)
    person(walk, assessed_on, team)
    referrer(walk, source)
    risk(walk, assessed_on)
    work(walk, work_asked, outcomes)
    consent(walk)
    return check_and_send(walk)
