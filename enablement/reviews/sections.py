"""This app's part of the episode page (see casework.sections): the reviews, with an
"Overdue" tag on any past its due date and not held, and the extension requests with who
takes the next step. Two queries for the rows, whatever the episode holds, and the access
door's checks."""

from enablement.accounts import access
from enablement.casework.rules import ClockSettings, extension_problem, is_overdue
from enablement.reviews import rules, selectors
from enablement.reviews.services import REVIEWABLE, RUNNING


def may_ask_for_extension(user, episode, *, open_request) -> bool:
    """Whether to offer "Ask for an extension": a running enablement of a service that
    extends, with weeks left and no request waiting, to someone who may ask."""
    settings = episode.service_settings
    if open_request or not episode.started_on or episode.status not in RUNNING:
        return False
    if rules.no_extension_message(settings.extension_rule):
        return False
    if extension_problem(
        ClockSettings.of(settings),
        start=episode.started_on,
        weeks=1,
        already_extended=episode.extended_weeks,
    ):
        return False
    return access.may_act_on_episode(user, episode, "request_extension")


def episode_section(user, episode, *, today) -> dict | None:
    settings = episode.service_settings
    may_record = episode.status in REVIEWABLE and access.may_act_on_episode(
        user, episode, "record_review"
    )
    reviews = [
        {
            "review": r,
            "overdue": not r.is_held and is_overdue(r.due_on, today),
        }
        for r in selectors.episode_reviews(episode)
    ]
    extensions = []
    open_request = False
    for e in selectors.episode_extensions(episode):
        step = rules.waiting_step(settings.extension_rule, e.status)
        open_request = open_request or step is not None
        extensions.append({"extension": e, "step": step})
    return {
        "reviews": reviews,
        "extensions": extensions,
        "may_record": may_record,
        "may_ask": may_ask_for_extension(user, episode, open_request=open_request),
        "no_extension": rules.no_extension_message(
            settings.extension_rule, selectors.longer_programme(settings)
        ),
        "episode": episode,
        "today": today,
    }
