"""The daily retention sweep, run by the worker as a durable django-q2 schedule.

It is not part of the five-minute sweep in `referrals.jobs`: nothing about retention is due
within minutes, and looking at every closed record twelve times an hour would cost the
database for nothing.
"""

from enablement.core import clock
from enablement.privacy.services import retention_sweep


def retention_sweep_job(now=None) -> dict:
    return retention_sweep(now=now or clock.now()).as_dict()
