from base64 import b32encode
from io import BytesIO

import segno
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from enablement.accounts import rules, services
from enablement.accounts.decorators import role_required
from enablement.accounts.forms import (
    ApiTokenForm,
    CodeForm,
    DeactivateForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    SignInForm,
)
from enablement.accounts.middleware import needs_second_factor, second_factor_exempt
from enablement.accounts.models import ApiToken
from enablement.accounts.roles import ROLES, Role
from enablement.accounts.rules import PORTAL_ROLES
from enablement.core import clock
from enablement.core.formtools import add_errors
from enablement.governance.models import Event

STAFF_AND_PARTNER_ROLES = tuple(rules.STAFF_ROLES)


@login_not_required
def sign_in(request):
    if request.user.is_authenticated:
        return redirect("accounts:home")
    return auth_views.LoginView.as_view(
        template_name="accounts/sign_in.html",
        authentication_form=SignInForm,
        redirect_authenticated_user=True,
    )(request)


sign_out = second_factor_exempt(auth_views.LogoutView.as_view())


def home(request):
    """Each role lands on its own page."""
    role = request.user.primary_role
    if role is None:
        raise PermissionDenied("Your account has no role yet. Ask your system administrator.")
    return redirect(ROLES[role].home)


# --- Your account ---------------------------------------------------------------------------


def _two_factor_state(user) -> dict:

    required = rules.second_factor_required(
        user.roles, rules.required_roles(settings.OTP_REQUIRED_ROLES)
    )
    return {
        "allowed": rules.may_use_second_factor(user.roles) or required,
        "required": required,
        "set_up": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "recovery_left": StaticToken.objects.filter(device__user=user).count(),
    }


def account(request):
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "two_factor": _two_factor_state(user),
            "may_have_tokens": user.has_role(*STAFF_AND_PARTNER_ROLES),
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(
            user=self.request.user, actor=self.request.user, now=clock.now(), how="by themselves"
        )
        messages.success(self.request, "Your password has been changed")
        return response


password_change = PasswordChangeView.as_view()


# --- Password reset by email (Django's views, GOV.UK pages) ---------------------------------

password_reset = login_not_required(
    auth_views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        email_template_name="accounts/email/password_reset.txt",
        subject_template_name="accounts/email/password_reset_subject.txt",
        form_class=PasswordResetForm,
        success_url=reverse_lazy("accounts:password-reset-sent"),
        extra_email_context={"site_name": settings.ENABLEMENT_SERVICE_NAME},
    )
)
password_reset_sent = login_not_required(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html")
)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user, actor=form.user, now=clock.now(), how="reset")
        return response


password_reset_confirm = login_not_required(PasswordResetConfirmView.as_view())
password_reset_complete = login_not_required(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    )
)


# --- API tokens -----------------------------------------------------------------------------


@role_required(*STAFF_AND_PARTNER_ROLES)
def tokens(request):
    new_key = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _, new_key = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                actor=request.user,
                now=clock.now(),
            )
            form = ApiTokenForm()
        except ValidationError as exc:
            add_errors(form, exc)
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "new_key": new_key,
            "tokens": ApiToken.objects.filter(user=request.user),
            "now": clock.now(),
        },
    )


@require_POST
@role_required(*STAFF_AND_PARTNER_ROLES)
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(token=token, actor=request.user, now=clock.now())
    messages.success(request, f"Token '{token.name}' revoked")
    return redirect("accounts:tokens")


# --- Two-factor -----------------------------------------------------------------------------


def _next(request, default="accounts:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def _may_set_up(user) -> bool:
    state = _two_factor_state(user)
    return state["allowed"]


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@second_factor_exempt
def two_factor_setup(request):
    user = request.user
    if not _may_set_up(user):
        raise PermissionDenied

    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        # Replacing an authenticator is done by removing it first, with a verified session.
        return redirect("accounts:account")
    device = services.pending_totp_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.two_factor_confirm(
                user=user, device=device, code=form.cleaned_data["code"], now=clock.now()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            device.refresh_from_db()
            otp_login(request, device)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "first_time": True, "next": _next(request)},
            )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": _grouped(b32encode(device.bin_key).decode()),
            "next": request.GET.get("next", request.POST.get("next", "")),
            "required": _two_factor_state(user)["required"],
        },
    )


@never_cache
@second_factor_exempt
def two_factor_qr(request):
    """The authenticator's QR code as an SVG image, so the page needs no script or inline
    image data (a strict Content-Security-Policy allows images from the site only)."""
    if not _may_set_up(request.user):
        raise PermissionDenied
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        raise Http404  # set up already: the key is never shown again
    device = services.pending_totp_device(request.user)
    out = BytesIO()
    segno.make(device.config_url, error="m").save(
        out, kind="svg", scale=5, border=4, dark="#0b0c0c", light="#ffffff", xmldecl=False
    )
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


@never_cache
@second_factor_exempt
def two_factor(request):
    """The second step of signing in: a code from the app, or a recovery code."""

    user = request.user
    if not needs_second_factor(user):
        return redirect(_next(request))

    if not user_has_device(user):
        return redirect(reverse("accounts:two-factor-setup") + "?" + request.GET.urlencode())
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.second_factor_match(user=user, code=form.cleaned_data["code"])
        if device is None:
            form.add_error(
                "code",
                "The code is not right. Enter the 6-digit code the app shows now, or a "
                "recovery code. After several wrong codes you must wait before trying again",
            )
        else:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                services.recovery_code_used(user=user, left=left, now=clock.now())
                messages.success(
                    request,
                    f"You used a recovery code. You have {left} left: make new ones from "
                    "'Your account' if you are running out",
                )
            return redirect(_next(request))
    return render(
        request, "accounts/two_factor.html", {"form": form, "next": request.GET.get("next", "")}
    )


@require_POST
@never_cache
def recovery_codes(request):
    if not _two_factor_state(request.user)["set_up"]:
        raise PermissionDenied
    codes = services.recovery_codes_renew(user=request.user, now=clock.now())
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "first_time": False})


@require_POST
def two_factor_remove(request):
    state = _two_factor_state(request.user)
    if state["required"] or not state["set_up"]:
        raise PermissionDenied
    services.two_factor_remove(user=request.user, actor=request.user, now=clock.now())
    messages.success(request, "Two-factor authentication is turned off")
    return redirect("accounts:account")


# --- Administration of accounts (system administrators) -------------------------------------


def _locked_usernames() -> dict[str, dict]:

    rows = (
        AccessAttempt.objects.values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("username")
    )
    return {r["username"]: r for r in rows}


def staff_accounts():
    """Accounts a system administrator keeps. A person supported or a carer is left out:
    that someone has a portal account says they use a mental-health service, which a system
    administrator may not know (DESIGN.md section 1); their account follows their record."""
    portal_groups = [ROLES[Role.PERSON].group, ROLES[Role.CARER].group]
    portal_only = (
        get_user_model()
        .objects.filter(groups__name__in=portal_groups)
        .exclude(groups__name__in=[i.group for r, i in ROLES.items() if r not in PORTAL_ROLES])
    )
    return get_user_model().objects.exclude(pk__in=portal_only.values("pk"))


@role_required(Role.SYSADMIN)
def users(request):

    locked = _locked_usernames()
    with_2fa = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    accounts = staff_accounts().prefetch_related("groups")
    return render(
        request,
        "accounts/users.html",
        {
            "accounts": [
                {"user": u, "locked": u.username in locked, "two_factor": u.pk in with_2fa}
                for u in accounts
            ],
            "locked_count": len(locked),
        },
    )


@role_required(Role.SYSADMIN)
def locked(request):
    rows = list(_locked_usernames().values())
    known = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=[r["username"] for r in rows])
    }
    for row in rows:
        row["user"] = known.get(row["username"])
    return render(request, "accounts/locked_list.html", {"rows": rows})


@require_POST
@role_required(Role.SYSADMIN)
def unlock(request):
    username = request.POST.get("username", "")[:150]
    if services.account_unlock(username=username, actor=request.user, now=clock.now()):
        messages.success(request, f"'{username}' can sign in again")
    else:
        messages.info(request, f"'{username}' was not locked")
    back = request.POST.get("back")
    if back == "user":
        user = get_user_model().objects.filter(username=username).first()
        if user:
            return redirect("accounts:user", pk=user.pk)
    return redirect("accounts:locked")


@role_required(Role.SYSADMIN)
def user_detail(request, pk):

    user = get_object_or_404(staff_accounts(), pk=pk)
    events = Event.objects.filter(kind__startswith="account.", data__user=user.pk).select_related(
        "actor"
    )[:20]
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": user,
            "locked": user.username in _locked_usernames(),
            "two_factor": _two_factor_state(user),
            "events": events,
            "is_self": user.pk == request.user.pk,
        },
    )


@role_required(Role.SYSADMIN)
def user_deactivate(request, pk):
    user = get_object_or_404(staff_accounts(), pk=pk)
    form = DeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_deactivate(
                user=user, reason=form.cleaned_data["reason"], actor=request.user, now=clock.now()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{user} can no longer sign in or use API tokens")
            return redirect("accounts:user", pk=user.pk)
    return render(request, "accounts/user_deactivate.html", {"form": form, "account": user})


@require_POST
@role_required(Role.SYSADMIN)
def user_reactivate(request, pk):
    user = get_object_or_404(staff_accounts(), pk=pk)
    try:
        services.account_reactivate(user=user, actor=request.user, now=clock.now())
    except ValidationError as exc:
        messages.info(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{user} can sign in again")
    return redirect("accounts:user", pk=user.pk)


@require_POST
@role_required(Role.SYSADMIN)
def user_two_factor_remove(request, pk):
    user = get_object_or_404(staff_accounts(), pk=pk)
    services.two_factor_remove(user=user, actor=request.user, now=clock.now())
    messages.success(
        request,
        f"Two-factor authentication removed for {user}: they set it up again when next signing in",
    )
    return redirect("accounts:user", pk=user.pk)
