from django.conf import settings
from django_ratelimit.core import get_usage
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from enablement.accounts.lockout import client_address
from enablement.accounts.services import user_for_api_key
from enablement.core import clock

BAD_TOKEN_GROUP = "api-bad-token"  # noqa: S105 - a cache key group, not a secret


def _client_address(group, request) -> str:
    # The same address the sign-in lockout records; a request without one (a WSGI call
    # from a test harness) is counted under one shared name rather than failing.
    return client_address(request) or "unknown"


def _bad_tokens(request, *, increment: bool) -> dict | None:
    """Wrong tokens from the request's client address in the current window, counted in the
    shared cache (Redis when REDIS_URL is set, so every process sees the same count)."""
    return get_usage(
        request,
        group=BAD_TOKEN_GROUP,
        key=_client_address,
        rate=settings.API_TOKEN_FAILURE_RATE,
        increment=increment,
    )


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer enb_…` for other systems; the same access door as the pages.

    A client address that keeps sending wrong tokens is refused for a while (429), so keys
    cannot be guessed at speed; a right token from it is refused too until the window ends."""

    def authenticate(self, request, token):
        usage = _bad_tokens(request, increment=False)
        if usage and usage["count"] >= usage["limit"]:
            raise HttpError(
                429, "Too many wrong API tokens from this address; wait before trying again"
            )
        user = user_for_api_key(token, now=clock.now())
        if user is None:
            _bad_tokens(request, increment=True)
            return None
        request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """The browser's session, with the CSRF check only where there is a session to protect.

    django-ninja checks CSRF before it looks at who is signed in, so a write from nobody was a
    "CSRF check failed" 403; a caller with neither a session nor a token is told 401, as on
    every read, and a signed-in browser still needs the CSRF token for every change."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None
