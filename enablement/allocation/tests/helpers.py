"""Test data for allocation: open episodes without walking each referral through the front
door, so a caseload can be filled to a known number."""

from datetime import datetime

from enablement.casework.models import Episode
from enablement.referrals.models import Referral
from enablement.referrals.rules import Status


def fill_caseload(worker, n: int, *, like: Referral, by, at: datetime) -> list[Episode]:
    """Gives `worker` n more open episodes, each on a new allocated copy of `like`."""
    episodes = []
    for i in range(n):
        copy = Referral.objects.get(pk=like.pk)
        copy.pk, copy.status = None, Status.ALLOCATED
        copy.reference = f"FILL-{worker.pk}-{Referral.objects.count()}-{i}"
        copy.save()
        episodes.append(
            Episode.objects.create(
                referral=copy,
                person=copy.person,
                service=copy.service,
                service_settings=copy.service_settings,
                team=worker.team,
                worker=worker,
                allocated_at=at,
                allocated_by=by,
                allocation_reason="filling the caseload for the test",
            )
        )
    return episodes
