"""The episode's pages. Thin: reads through the access door and the sections."""

from django.shortcuts import render
from django.utils import timezone

from enablement.accounts import access
from enablement.casework.sections import episode_sections
from enablement.core import clock
from enablement.referrals import selectors as referral_selectors


def episode(request, pk):
    episode = access.get_episode(request.user, pk)
    today = timezone.localdate(clock.now())
    return render(
        request,
        "casework/episode.html",
        {
            "episode": episode,
            "referral": episode.referral,
            "person": episode.person,
            "sections": episode_sections(request.user, episode, today=today),
            "today": today,
            "flags": referral_selectors.referral_flags(episode.referral),
        },
    )
