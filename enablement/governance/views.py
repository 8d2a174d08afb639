from django.core.paginator import Paginator
from django.shortcuts import render

from enablement.accounts.decorators import role_required
from enablement.accounts.roles import Role
from enablement.governance.selectors import access_log_for


@role_required(Role.PROVISION_MANAGER, Role.QUALITY_MANAGER)
def access_log(request):
    def _int(name):
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() else None

    entries = access_log_for(request.user, person_id=_int("person"), user_id=_int("user"))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "governance/access_log.html", {"page": page})
