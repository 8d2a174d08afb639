from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

from enablement.accounts.roles import ROLES


def sync_roles(using: str = "default") -> None:
    """Make each role's group hold exactly the permissions roles.py gives it."""
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    for info in ROLES.values():
        group, _ = Group.objects.using(using).get_or_create(name=info.group)
        perms = []
        for dotted in info.permissions:
            app_label, codename = dotted.split(".")
            perms.append(
                Permission.objects.using(using).get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(perms)
