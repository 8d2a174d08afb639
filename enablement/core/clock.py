"""The one place the application reads the clock.

Rules take the time as an argument; views and jobs ask here once per request or run and pass
it down, so a test travels in time (time-machine) instead of sleeping.
"""

import time
from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def today() -> date:
    return timezone.localdate()


def monotonic() -> float:
    """Seconds on a clock that never goes back, for how long a cached check stays fresh
    (core/replica.py); not a time of day, so time travel in tests does not move it."""
    return time.monotonic()
