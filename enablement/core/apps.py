from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "enablement.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from enablement.core import converters

        converters.register()
