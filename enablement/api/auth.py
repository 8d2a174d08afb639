from ninja.security import HttpBearer, SessionAuth

from enablement.accounts.services import user_for_api_key
from enablement.core import clock


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer enb_…` for other systems; the same access door as the pages."""

    def authenticate(self, request, token):
        user = user_for_api_key(token, now=clock.now())
        if user is not None:
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
