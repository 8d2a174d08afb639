from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "enablement.notifications"
    label = "notifications"
    verbose_name = "Notifications and outbox"
