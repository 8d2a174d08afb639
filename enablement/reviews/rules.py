"""Reviews and extensions as pure rules: no database, no clock, no request.

An extension is decided by the service's approval chain, held as settings
(`ServiceSettings.extension_rule`, ADR 0028). `approval_steps` turns the setting into the
ordered steps, each with the role that takes it and the request's status while it waits, so
the pages, the API, the queues and the messages all read the chain one way:

- `senior_then_pm` (KERS, seed 000 §7.1): the senior discusses it, then the provision manager
  of the service approves or refuses;
- `pm_with_ot` (the autism services, seed 001 §14): the provision manager decides, and an
  approval records the occupational therapy assessment manager who agrees;
- `at_review` (STR, seed 004 §1): the senior decides, once the first scheduled review
  (week 4) has been held;
- `next_level`, `none`: no extension; the message says what happens instead.
"""

from dataclasses import dataclass
from datetime import date

from enablement.accounts.roles import Role
from enablement.core.dates import long_date

REQUESTED = "requested"
DISCUSSED = "discussed"
APPROVED = "approved"
REFUSED = "refused"
OPEN_STATUSES = (REQUESTED, DISCUSSED)

DISCUSS = "discuss"
DECIDE = "decide"


@dataclass(frozen=True)
class Step:
    kind: str  # DISCUSS or DECIDE
    role: Role
    action: str  # the access door's action name (accounts.access.EPISODE_ACTION_ROLES)
    waits_in: str  # the request's status while it waits for this step
    label: str  # who takes it, in words
    needs_agreed_with: bool = False  # an approval names the OT assessment manager agreeing
    needs_review: bool = False  # decided only once the first scheduled review is held


_SENIOR_DISCUSSES = Step(
    DISCUSS, Role.SENIOR, "discuss_extension", REQUESTED, "The senior discusses it"
)
_CHAINS: dict[str, tuple[Step, ...]] = {
    "senior_then_pm": (
        _SENIOR_DISCUSSES,
        Step(
            DECIDE,
            Role.PROVISION_MANAGER,
            "decide_extension",
            DISCUSSED,
            "The provision manager decides",
        ),
    ),
    "pm_with_ot": (
        Step(
            DECIDE,
            Role.PROVISION_MANAGER,
            "decide_extension",
            REQUESTED,
            "The provision manager decides, with the occupational therapy assessment manager",
            needs_agreed_with=True,
        ),
    ),
    "at_review": (
        Step(
            DECIDE,
            Role.SENIOR,
            "decide_extension_at_review",
            REQUESTED,
            "The senior decides at the review",
            needs_review=True,
        ),
    ),
}

# What happens instead, for a service that does not extend.
NO_EXTENSION = {
    "next_level": (
        "This service does not extend an enablement. {longer} offers a longer programme: "
        "if the person needs more time, refer them on to it"
    ),
    "none": (
        "This service does not extend an enablement: plan the closure for the planned end, "
        "and tell the named social worker about any support needed after it"
    ),
}


def approval_steps(extension_rule: str) -> tuple[Step, ...]:
    """The ordered steps of the service's chain; empty for a service that does not extend."""
    return _CHAINS.get(extension_rule or "none", ())


def no_extension_message(extension_rule: str, longer_programme: str = "") -> str | None:
    """Why this service never extends and what happens instead, or None if it does.
    `longer_programme` names the service of the next level (from the settings' level
    destinations), for the message to say where to refer on to."""
    if approval_steps(extension_rule):
        return None
    message = NO_EXTENSION.get(extension_rule or "none", NO_EXTENSION["none"])
    return message.format(longer=longer_programme or "The service of its next level")


def waiting_step(extension_rule: str, status: str) -> Step | None:
    """The step a request in `status` waits for, or None once decided."""
    return next((s for s in approval_steps(extension_rule) if s.waits_in == status), None)


def review_week_for_decision(review_weeks) -> int | None:
    """The scheduled review an 'at the review' decision waits for: the first one."""
    weeks = sorted(review_weeks or ())
    return weeks[0] if weeks else None


def request_problems(
    *,
    extension_rule: str,
    started: bool,
    status_allows: bool,
    open_request: bool,
    weeks_problem: str | None,
    reasons: str,
    evidence: str,
    longer_programme: str = "",
) -> dict[str, str]:
    """What stops an extension request, keyed by field; empty when it may be made.
    `weeks_problem` is `casework.rules.extension_problem`'s answer for the weeks asked."""
    refused = no_extension_message(extension_rule, longer_programme)
    if refused:
        return {"weeks": refused}
    if not started:
        return {"__all__": "An extension can be asked for once the enablement has started"}
    if not status_allows:
        return {"__all__": "An extension can be asked for only while the enablement is running"}
    if open_request:
        return {
            "__all__": "An extension has already been asked for and is waiting for a decision: "
            "wait for that decision before asking again"
        }
    problems = {}
    if weeks_problem:
        problems["weeks"] = weeks_problem
    if not (reasons or "").strip():
        problems["reasons"] = "Enter the reasons for the extension"
    if not (evidence or "").strip():
        problems["evidence"] = "Enter the evidence that the extra time will meet the goals"
    return problems


def discussion_problems(*, step: Step | None, note: str) -> dict[str, str]:
    if step is None or step.kind != DISCUSS:
        return {"__all__": "This request is not waiting for a discussion"}
    if not (note or "").strip():
        return {"note": "Enter what was discussed"}
    return {}


def decision_problems(
    *,
    step: Step | None,
    approve: bool | None,
    note: str,
    agreed_with: str,
    review_week: int | None,
    review_held: bool,
) -> dict[str, str]:
    """What stops the decision, keyed by field; empty when it may be recorded."""
    if step is None or step.kind != DECIDE:
        return {"__all__": "This request is not waiting for a decision"}
    if step.needs_review and review_week is not None and not review_held:
        return {
            "__all__": f"This service decides an extension at the week {review_week} review: "
            "record that review first"
        }
    problems = {}
    if approve is None:
        problems["approve"] = "Select whether the extension is approved or refused"
    elif approve and step.needs_agreed_with and not (agreed_with or "").strip():
        problems["agreed_with"] = (
            "Enter the name of the occupational therapy assessment manager who agrees"
        )
    elif not approve and not (note or "").strip():
        problems["note"] = "Enter the reason the extension is refused"
    return problems


# --- Reviews -----------------------------------------------------------------------------------

PROGRESS_LEVELS = ("achieved", "on_track", "some", "none")
ENGAGEMENT_LEVELS = ("good", "partial", "poor")


@dataclass(frozen=True)
class GoalFact:
    id: int
    position: int


def progress_field(goal_id: int) -> str:
    """The name the page and the API's errors give a goal's progress."""
    return f"progress_{goal_id}"


def review_problems(
    *,
    today: date,
    started_on: date | None,
    held_on: date | None,
    goals: list[GoalFact],
    progress: dict[int, str],
    engagement: str,
    participants: str,
    summary: str,
    plan_changes: bool,
    plan_revision: str,
) -> dict[str, str]:
    """What stops a review being recorded, keyed by field. Progress is required against every
    goal of the current plan; a goal not in it is refused."""
    if started_on is None:
        return {"__all__": "A review can be recorded once the enablement has started"}
    if not goals:
        return {
            "__all__": "The plan has no goals yet: a review records progress against each "
            "goal, so write the plan's goals with the person first"
        }
    problems = {}
    if held_on is None:
        problems["held_on"] = "Enter the date the review was held"
    elif held_on > today:
        problems["held_on"] = "The date the review was held must be today or in the past"
    elif held_on < started_on:
        problems["held_on"] = (
            f"The date the review was held must be on or after the start, {long_date(started_on)}"
        )
    for goal in goals:
        if progress.get(goal.id) not in PROGRESS_LEVELS:
            problems[progress_field(goal.id)] = f"Select the progress on goal {goal.position}"
    unknown = set(progress) - {g.id for g in goals}
    if unknown:
        problems["progress"] = "Progress was given for a goal that is not in the current plan"
    if engagement not in ENGAGEMENT_LEVELS:
        problems["engagement"] = "Select the level of engagement"
    if not (participants or "").strip():
        problems["participants"] = "Enter who took part in the review"
    if not (summary or "").strip():
        problems["summary"] = "Enter a summary of the review"
    if plan_changes and not (plan_revision or "").strip():
        problems["plan_revision"] = "Say what changes in the plan, as agreed with the person"
    return problems
