"""The roles of DESIGN.md section 1, each a Django group with permissions.

A role is data about a user (their group); this module only names them, says where each
lands after signing in, and which permissions each group holds. The groups are created by
a data migration and kept in step by `sync_roles`.
"""

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    REFERRER = "referrer"
    ADMIN = "admin"
    WORKER = "worker"
    SENIOR = "senior"
    PROVISION_MANAGER = "provision_manager"
    QUALITY_MANAGER = "quality_manager"
    COMMISSIONER = "commissioner"
    PERSON = "person"
    CARER = "carer"
    SYSADMIN = "sysadmin"


@dataclass(frozen=True)
class RoleInfo:
    role: Role
    group: str
    label: str
    home: str  # URL name of the page the role lands on
    permissions: tuple[str, ...]  # "app_label.codename"


_CASE_READ = ("people.view_person",)
_CASE_WRITE = ("people.add_person", "people.change_person", "people.view_person")

ROLES: dict[Role, RoleInfo] = {
    info.role: info
    for info in (
        RoleInfo(
            Role.REFERRER,
            "Referrer",
            "Referrer",
            "home:referrer",
            # Change only a record they made outside any team, until a referral of theirs
            # for the person is validated (access.change_filter).
            _CASE_WRITE,
        ),
        RoleInfo(Role.ADMIN, "Service admin", "Service admin", "home:admin", _CASE_WRITE),
        RoleInfo(Role.WORKER, "Enablement worker", "Enablement worker", "home:worker", _CASE_WRITE),
        RoleInfo(Role.SENIOR, "Senior", "Senior", "home:senior", _CASE_WRITE),
        RoleInfo(
            Role.PROVISION_MANAGER,
            "Provision manager",
            "Provision manager",
            "home:dashboard",
            (
                *_CASE_READ,
                "governance.view_accesslogentry",
                "catalogue.add_service",
                "catalogue.change_service",
                "catalogue.view_service",
                "catalogue.view_staffmember",
            ),
        ),
        RoleInfo(
            Role.QUALITY_MANAGER,
            "Quality and enablement service manager",
            "Quality and enablement service manager",
            "home:dashboard",
            (
                *_CASE_READ,
                "governance.view_accesslogentry",
                "catalogue.view_service",
                "catalogue.view_staffmember",
            ),
        ),
        RoleInfo(
            Role.COMMISSIONER,
            "Commissioner",
            "Commissioner or analyst",
            "home:dashboard",
            ("catalogue.view_service",),
        ),
        RoleInfo(Role.PERSON, "Person supported", "Person supported", "home:portal", ()),
        RoleInfo(Role.CARER, "Carer", "Carer", "home:portal", ()),
        RoleInfo(
            Role.SYSADMIN,
            "System administrator",
            "System administrator",
            "home:sysadmin",
            (
                "catalogue.add_service",
                "catalogue.change_service",
                "catalogue.view_service",
                "catalogue.view_staffmember",
                "catalogue.change_staffmember",
                "catalogue.add_team",
                "catalogue.change_team",
                "accounts.add_user",
                "accounts.change_user",
                "accounts.view_user",
            ),
        ),
    )
}

# When a user holds several roles, the first in this order decides their home page.
PRECEDENCE = [
    Role.SYSADMIN,
    Role.PROVISION_MANAGER,
    Role.QUALITY_MANAGER,
    Role.SENIOR,
    Role.ADMIN,
    Role.WORKER,
    Role.COMMISSIONER,
    Role.REFERRER,
    Role.PERSON,
    Role.CARER,
]
BY_GROUP = {info.group: info.role for info in ROLES.values()}

# Roles whose members work inside a team and see the people that team works with.
TEAM_CASE_ROLES = frozenset({Role.ADMIN, Role.WORKER, Role.SENIOR})
# Roles with oversight of whole services.
SERVICE_OVERSIGHT_ROLES = frozenset({Role.PROVISION_MANAGER})
ALL_SERVICES_ROLES = frozenset({Role.QUALITY_MANAGER})

# Roles whose holders see people's records (DESIGN.md section 1). Giving one of these is a
# change of who sees case data, so a system administrator only asks for it and a provision
# or quality manager decides (separation of duties); the rest may be given directly.
CASE_DATA_ROLES = frozenset(Role) - {Role.SYSADMIN, Role.COMMISSIONER}
