"""The one place the application reads the clock.

Rules take the time as an argument; views and jobs ask here once per request or run and pass
it down, so a test travels in time (time-machine) instead of sleeping.
"""

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def today() -> date:
    return timezone.localdate()
