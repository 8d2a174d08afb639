from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django_otp import user_has_device

from enablement.accounts import rules


def second_factor_exempt(view):
    """Marks a page a signed-in user may reach before their second factor: setting one up,
    entering a code, signing out."""
    view.second_factor_exempt = True
    return view


def needs_second_factor(user) -> bool:
    """True while a signed-in session still owes its second factor."""
    if not user.is_authenticated or user.is_verified():
        return False
    return rules.must_verify(
        roles=user.roles,
        required=rules.required_roles(settings.OTP_REQUIRED_ROLES),
        has_device=user_has_device(user),
    )


class SecondFactorMiddleware:
    """A session that owes a second factor reaches only the setup and code pages and
    sign-out. The API treats such a session as signed out (401); API tokens are not
    affected, as a token is its own credential made by a verified user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "second_factor_exempt", False):
            return None
        if not needs_second_factor(request.user):
            return None
        if request.path_info.startswith("/api/"):
            request.user = AnonymousUser()
            return None

        target = (
            "accounts:two-factor" if user_has_device(request.user) else "accounts:two-factor-setup"
        )
        response = redirect(target)
        if request.method == "GET":
            response["Location"] += "?" + urlencode({"next": request.get_full_path()})
        return response
