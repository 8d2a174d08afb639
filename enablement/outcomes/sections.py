"""This app's part of the episode page (see casework.sections): distance travelled on each
instrument the service scores, a chart with its table, and where to record the next score.
Three queries whatever the episode holds (and the access door's check)."""

from enablement.accounts import access
from enablement.outcomes import selectors


def episode_section(user, episode, *, today) -> dict | None:
    series = selectors.distance(episode)
    if not series:
        return None
    return {
        "episode": episode,
        "series": series,
        "may_record": episode.is_open
        and access.may_act_on_episode(user, episode, "record_outcome"),
    }
