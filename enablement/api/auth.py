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
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None
