from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class GovernanceConfig(AppConfig):
    name = "enablement.governance"
    label = "governance"
    verbose_name = "Events and access log"

    def ready(self):
        from enablement.governance import triggers

        connection_created.connect(
            triggers.prepare_connection, dispatch_uid="enablement.audit_connection"
        )
        post_migrate.connect(
            triggers.ensure_after_migrate, dispatch_uid="enablement.audit_triggers"
        )
