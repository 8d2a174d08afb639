"""The episode page is composed of one section per part of the enablement, each app
answering for its own (`<app>.sections.episode_section`, template
`<app>/_episode_section.html`). The page stays thin and each part keeps its reads; each
section runs a fixed number of queries whatever the episode holds (asserted in tests)."""

from importlib import import_module

# In the order they appear on the page.
SECTION_APPS = ("casework", "plans", "visits", "reviews", "closures")


def episode_sections(user, episode, *, today) -> list[dict]:
    sections = []
    for app in SECTION_APPS:
        module = import_module(f"enablement.{app}.sections")
        context = module.episode_section(user, episode, today=today)
        if context is not None:
            sections.append({"template": f"{app}/_episode_section.html", **context})
    return sections


def episode_section(user, episode, *, today) -> dict | None:
    """Before the start: the risk review, the planning meeting, health-and-safety issues,
    the clocks, and any hold. (casework's own section.)"""
    return {"episode": episode, "today": today}
