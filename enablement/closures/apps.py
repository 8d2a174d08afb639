from django.apps import AppConfig


class ClosuresConfig(AppConfig):
    name = "enablement.closures"
    label = "closures"
    verbose_name = "Closures"
