from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "enablement.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        # Groups need the permissions, which Django itself creates after migrating.
        post_migrate.connect(_sync_roles, dispatch_uid="enablement.sync_roles")
        from enablement.accounts import lockout

        lockout.connect()


def _sync_roles(sender, using="default", **kwargs):
    if sender.label != "accounts":
        return
    from enablement.accounts.setup import sync_roles

    sync_roles(using=using)
