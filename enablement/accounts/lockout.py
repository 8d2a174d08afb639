"""django-axes, the sign-in lockout, wired to the service: the page a locked account sees,
the Event written when a lock happens, and the client address it records."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.dispatch import receiver
from django.shortcuts import render

from enablement.core import clock
from enablement.core.net import request_client_address


def client_address(request) -> str | None:
    # The client behind our trusted proxies (core.net). Lockout is counted per username, so
    # the address is only recorded; the bad-token throttle counts by it.
    return request_client_address(request) or None


def lockout_response(request, original_response=None, credentials=None):
    return render(
        request,
        "accounts/locked.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


def connect():
    from axes.signals import user_locked_out

    receiver(user_locked_out, dispatch_uid="enablement.account_locked")(_on_locked_out)


def _on_locked_out(sender, request, username, ip_address, **kwargs):
    # axes signals every refused attempt of a locked username; the lock itself happens once,
    # at the attempt that reaches the limit.
    if getattr(request, "axes_failures_since_start", None) != settings.AXES_FAILURE_LIMIT:
        return
    from enablement.accounts.services import account_locked

    account_locked(username=username or "", address=ip_address, now=clock.now())


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check before the password, for sign-ins that come with a request (every
    sign-in through a page does). A call without one, such as Django's test client
    `login()` or a management command, has no address or page to lock, so it is let through
    to the password check instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
