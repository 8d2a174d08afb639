from django.conf import settings
from django.urls import reverse

from enablement.accounts.roles import Role

# (label, url name, roles that see it). Order is the order in the navigation.
NAVIGATION = (
    ("Home", "accounts:home", None),
    ("My caseload", "casework:caseload", {Role.WORKER}),
    (
        "Team enablements",
        "casework:team",
        {Role.SENIOR, Role.PROVISION_MANAGER, Role.QUALITY_MANAGER},
    ),
    (
        "People",
        "people:search",
        {
            Role.ADMIN,
            Role.WORKER,
            Role.SENIOR,
            Role.REFERRER,
            Role.PROVISION_MANAGER,
            Role.QUALITY_MANAGER,
        },
    ),
    (
        "Referrals",
        "referrals:list",
        {
            Role.ADMIN,
            Role.WORKER,
            Role.SENIOR,
            Role.REFERRER,
            Role.PROVISION_MANAGER,
            Role.QUALITY_MANAGER,
        },
    ),
    (
        "Waiting list",
        "allocation:waiting",
        {Role.ADMIN, Role.SENIOR, Role.PROVISION_MANAGER, Role.QUALITY_MANAGER},
    ),
    ("Forecast", "allocation:forecast", {Role.PROVISION_MANAGER, Role.QUALITY_MANAGER}),
    ("Inbox", "notifications:inbox", None),
    (
        "Teams",
        "catalogue:teams",
        {
            Role.ADMIN,
            Role.WORKER,
            Role.SENIOR,
            Role.PROVISION_MANAGER,
            Role.QUALITY_MANAGER,
            Role.SYSADMIN,
        },
    ),
    (
        "Services",
        "catalogue:services",
        {
            Role.ADMIN,
            Role.WORKER,
            Role.SENIOR,
            Role.PROVISION_MANAGER,
            Role.QUALITY_MANAGER,
            Role.COMMISSIONER,
            Role.SYSADMIN,
            Role.REFERRER,
        },
    ),
    (
        "Resources",
        "catalogue:resources",
        {Role.ADMIN, Role.WORKER, Role.SENIOR, Role.PROVISION_MANAGER, Role.QUALITY_MANAGER},
    ),
    (
        "Feedback",
        "feedback:complaints",
        {Role.SENIOR, Role.PROVISION_MANAGER, Role.QUALITY_MANAGER},
    ),
    ("Access log", "governance:access-log", {Role.PROVISION_MANAGER, Role.QUALITY_MANAGER}),
    ("Users", "accounts:users", {Role.SYSADMIN}),
    # Password, two-factor and API tokens live under "Your account", linked from the header.
)


def nav_items_for(user, path: str) -> list[dict]:
    if not user.is_authenticated:
        return []
    items = []
    for label, name, roles in NAVIGATION:
        if roles is not None and not (user.roles & roles):
            continue
        url = reverse(name)
        matches = path == url if url == "/" else path.startswith(url)
        items.append({"label": label, "url": url, "current": matches, "name": name})
    # One section is current: the longest match, so /allocation/forecast/ is the forecast
    # and not also the waiting list at /allocation/.
    best = max((i for i in items if i["current"]), key=lambda i: len(i["url"]), default=None)
    for item in items:
        item["current"] = item is best
    return items


def _unread(user) -> int:
    from enablement.notifications.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def navigation(request):
    user = request.user
    items = nav_items_for(user, request.path)
    for item in items:
        # The inbox says how many messages wait unread, so nobody has to open it to know.
        if item["name"] == "notifications:inbox":
            item["count"] = _unread(user)
    return {
        "service_name": settings.ENABLEMENT_SERVICE_NAME,
        "nav_items": items,
        "user_role_label": user.role_label if user.is_authenticated else "",
    }
