"""`{% episode_url referral.episode %}`: the whole episode for a user who may see all of it,
else its summary (the referrer and the named social worker)."""

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def episode_url(context, episode) -> str:
    from enablement.accounts import access
    from enablement.casework.models import Episode

    user = context["request"].user
    if Episode.objects.filter(access.episode_filter(user), pk=episode.pk).exists():
        return reverse("casework:episode", args=[episode.pk])
    return reverse("casework:summary", args=[episode.pk])
