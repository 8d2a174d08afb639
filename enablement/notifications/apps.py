from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "enablement.notifications"
    label = "notifications"
    verbose_name = "Notifications and outbox"

    def ready(self):
        from enablement.notifications import checks  # noqa: F401  (registers the check)
