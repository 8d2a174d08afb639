"""The worker's dashboard job (ADR 0043). Safe to run any number of times."""

from enablement.core import clock
from enablement.reporting import stamps


def refresh_dashboards() -> dict:
    """The schedule's entry point: stamp each active service's default dashboard."""
    return stamps.refresh(now=clock.now())
