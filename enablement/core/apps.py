from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "enablement.core"
    label = "core"
    verbose_name = "Core"
