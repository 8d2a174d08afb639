"""This app's part of the episode page (see casework.sections): the current version and
its state, the goals in short, the signatures and the links. Three queries, whatever the
number of versions or goals."""

from django.db.models import Prefetch, prefetch_related_objects

from enablement.accounts import access
from enablement.plans.models import Goal, Plan, PlanStatus


def episode_section(user, episode, *, today) -> dict | None:
    plans = list(
        Plan.objects.filter(episode=episode)
        .select_related("worker_signed_by")
        .only(
            "pk",
            "episode_id",
            "version",
            "status",
            "level",
            "worker_signed_at",
            "worker_signed_by",
            "person_signed_on",
            "person_signed_how",
        )
        .order_by("-version")
    )
    current = next((p for p in plans if p.status in (PlanStatus.DRAFT, PlanStatus.SIGNED)), None)
    signed = next((p for p in plans if p.status == PlanStatus.SIGNED), None)
    if current is not None:
        prefetch_related_objects(
            [current], Prefetch("goals", queryset=Goal.objects.order_by("position"))
        )
    return {
        "episode": episode,
        "plan": current,
        "signed": signed,
        "count": len(plans),
        # A closed enablement's plan is a record: no link offers to change or sign it.
        "may_edit": episode.is_open and access.may_act_on_episode(user, episode, "edit_plan"),
        "may_sign": episode.is_open and access.may_act_on_episode(user, episode, "sign_plan"),
    }
