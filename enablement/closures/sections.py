"""This app's part of the episode page (see casework.sections): a closure waiting for the
senior, the closure with its reason and the outcomes per goal, and disputes with their
steps. A fixed number of queries whatever the episode holds."""

from enablement.accounts import access
from enablement.casework.models import EpisodeStatus
from enablement.closures import rules, selectors, services
from enablement.closures.models import ClosureStatus


def episode_section(user, episode, *, today) -> dict | None:
    closures, disputes = selectors.episode_closures(episode)
    for closure in closures:
        closure.reason_label = services.reason_label(closure.reason)
    proposed = next((c for c in closures if c.status == ClosureStatus.PROPOSED), None)
    agreed = next((c for c in closures if c.status == ClosureStatus.AGREED), None)
    not_agreed = [c for c in closures if c.status == ClosureStatus.NOT_AGREED]

    may_dispute = access.may_act_on_episode(user, episode, "record_dispute")
    answers = {
        level: access.may_act_on_episode(user, episode, f"answer_dispute_{level}")
        for level in rules.DISPUTE_LEVELS
    }
    levels: list[str] = []
    steps = []
    for i, step in enumerate(disputes):
        levels = rules.current_chain([*levels, step.level]) if levels else [step.level]
        last = i == len(disputes) - 1
        answered = step.answered_at is not None
        next_level = rules.next_dispute_level(levels) if answered and step.upheld else None
        steps.append(
            {
                "step": step,
                "starts_dispute": len(levels) == 1,
                "may_answer": last and not answered and answers[step.level],
                "may_escalate": last and next_level is not None and may_dispute,
            }
        )
    waiting = bool(disputes) and disputes[-1].answered_at is None
    return {
        "episode": episode,
        "proposed": proposed,
        "agreed": agreed,
        "not_agreed": not_agreed,
        "steps": steps,
        "may_propose": episode.status in rules.OPEN_BEFORE_CLOSING
        and access.may_act_on_episode(user, episode, "propose_closure"),
        "may_agree": proposed is not None
        and access.may_act_on_episode(user, episode, "agree_closure"),
        "may_dispute": episode.status == EpisodeStatus.CLOSED
        and agreed is not None
        and not waiting
        and may_dispute,
    }
