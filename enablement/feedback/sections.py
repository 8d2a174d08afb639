"""The episode page's evaluation and feedback section: the evaluations received, the serious
incidents and safeguarding concerns recorded, and the links to add either. Two queries."""


def episode_section(user, episode, *, today) -> dict | None:
    from enablement.accounts import access
    from enablement.feedback.models import Evaluation, Incident

    evaluations = list(Evaluation.objects.filter(episode=episode).order_by("submitted_at"))
    incidents = list(Incident.objects.filter(episode=episode).order_by("-recorded_at"))
    return {
        "episode": episode,
        "evaluations": evaluations,
        "incidents": incidents,
        "may_record_evaluation": episode.status in ("closing", "closed")
        and access.may_act_on_episode(user, episode, "record_evaluation"),
        "may_record_incident": access.may_act_on_episode(user, episode, "record_incident"),
    }
