"""The episode page is composed of one section per part of the enablement, each app
answering for its own (`<app>.sections.episode_section`, template
`<app>/_episode_section.html`). The page stays thin and each part keeps its reads; each
section runs a fixed number of queries whatever the episode holds (asserted in tests)."""

from importlib import import_module

# In the order they appear on the page.
SECTION_APPS = ("casework", "plans", "visits", "reviews", "closures", "outcomes", "feedback")


def episode_sections(user, episode, *, today) -> list[dict]:
    sections = []
    for app in SECTION_APPS:
        module = import_module(f"enablement.{app}.sections")
        context = module.episode_section(user, episode, today=today)
        if context is not None:
            sections.append({"template": f"{app}/_episode_section.html", **context})
    return sections


def episode_section(user, episode, *, today) -> dict | None:
    """Before the start: the risk review, the planning meeting, health-and-safety issues
    as a task list; the clocks; any open hold. (casework's own section: four queries.)"""
    from enablement.accounts import access
    from enablement.casework import rules
    from enablement.casework.models import (
        EpisodeHold,
        EpisodeStatus,
        MeetingOutcome,
        PlanningMeeting,
        SafetyIssue,
    )

    meeting = PlanningMeeting.objects.filter(episode=episode).first()
    issues = list(SafetyIssue.objects.filter(episode=episode).select_related("raised_by"))
    hold = EpisodeHold.objects.filter(
        episode=episode, answered_at__isnull=True, expired_at__isnull=True
    ).first()
    open_issues = [i for i in issues if i.is_open]
    planning = episode.status == EpisodeStatus.PLANNING
    reviewed = episode.risk_reviewed_at is not None
    ready = meeting is not None and meeting.outcome == MeetingOutcome.READY
    acts = set()
    if episode.is_open:
        acts = {
            a
            for a in ("review_risk", "record_meeting", "raise_safety_issue", "start", "raise_hold")
            if access.may_act_on_episode(user, episode, a)
        }
    tasks = []
    if planning:
        tasks = [
            {
                "name": "Review risk and contact notes",
                "url": "casework:risk-review",
                "done": reviewed,
                "status": "Completed" if reviewed else "Not yet started",
                "can": "review_risk" in acts and not reviewed,
                "id": "risk",
            },
            {
                "name": "Planning meeting",
                "url": "casework:planning-meeting",
                "done": meeting is not None,
                "status": (
                    "Completed"
                    if meeting
                    else ("Not yet started" if reviewed else "Cannot start yet")
                ),
                "can": "record_meeting" in acts and reviewed and meeting is None,
                "id": "meeting",
            },
            {
                "name": "Health and safety",
                "url": "casework:safety-issue",
                "done": not open_issues,
                "status": (
                    f"{len(open_issues)} open"
                    if open_issues
                    else ("Resolved" if issues else "None raised")
                ),
                "can": "raise_safety_issue" in acts,
                "id": "safety",
            },
            {
                "name": "Start",
                "url": "casework:start",
                "done": False,
                "status": "Not yet started"
                if (reviewed and ready and not open_issues)
                else "Cannot start yet",
                "can": "start" in acts and reviewed and ready and not open_issues,
                "id": "start",
            },
        ]
    settings = rules.ClockSettings.of(episode.service_settings)
    return {
        "episode": episode,
        "today": today,
        "tasks": tasks,
        "meeting": meeting,
        "issues": issues,
        "open_issues": open_issues,
        "hold": hold,
        "review_overdue": rules.is_overdue(episode.next_review_due, today),
        "weekly_hours": settings.weekly_hours,
        "may_hold": "raise_hold" in acts
        and episode.service_settings.complex_risk_hold
        and hold is None
        and episode.status in (EpisodeStatus.PLANNING, EpisodeStatus.ACTIVE),
        "may_raise_issue": "raise_safety_issue" in acts and not planning,
    }
