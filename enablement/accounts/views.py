from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from enablement.accounts import services
from enablement.accounts.decorators import role_required
from enablement.accounts.forms import ApiTokenForm, SignInForm
from enablement.accounts.models import ApiToken
from enablement.accounts.roles import ROLES, Role
from enablement.core import clock

STAFF_AND_PARTNER_ROLES = tuple(r for r in Role if r not in (Role.PERSON, Role.CARER))


@login_not_required
def sign_in(request):
    if request.user.is_authenticated:
        return redirect("accounts:home")
    return auth_views.LoginView.as_view(
        template_name="accounts/sign_in.html",
        authentication_form=SignInForm,
        redirect_authenticated_user=True,
    )(request)


sign_out = auth_views.LogoutView.as_view()


def home(request):
    """Each role lands on its own page."""
    role = request.user.primary_role
    if role is None:
        raise PermissionDenied("Your account has no role yet. Ask your system administrator.")
    return redirect(ROLES[role].home)


@role_required(*STAFF_AND_PARTNER_ROLES)
def tokens(request):
    new_key = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _, new_key = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                actor=request.user,
                now=clock.now(),
            )
            form = ApiTokenForm()
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "new_key": new_key,
            "tokens": ApiToken.objects.filter(user=request.user),
        },
    )


@require_POST
@role_required(*STAFF_AND_PARTNER_ROLES)
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(token=token, actor=request.user, now=clock.now())
    messages.success(request, f"Token '{token.name}' revoked")
    return redirect("accounts:tokens")
