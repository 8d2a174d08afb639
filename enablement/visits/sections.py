"""This app's part of the episode page (see casework.sections)."""


def episode_section(user, episode, *, today) -> dict | None:
    return None
