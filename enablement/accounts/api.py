from django.urls import reverse
from ninja import Router, Schema

from enablement.accounts.roles import ROLES
from enablement.api.schemas import responses

router = Router(tags=["me"])


class MeOut(Schema):
    username: str
    name: str
    roles: list[str]
    primary_role: str | None
    home_url: str | None
    team: str | None
    service: str | None


@router.get("/me", response=responses({200: MeOut}), summary="The signed-in user")
def me(request):
    user = request.auth
    staff = getattr(user, "staff", None)
    team = staff.team if staff and staff.team_id else None
    role = user.primary_role
    return {
        "username": user.username,
        "name": user.get_full_name(),
        "roles": sorted(r.value for r in user.roles),
        "primary_role": role.value if role else None,
        "home_url": reverse(ROLES[role].home) if role else None,
        "team": team.name if team else None,
        "service": team.service.code if team else None,
    }
