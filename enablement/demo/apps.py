from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "enablement.demo"
    label = "demo"
    verbose_name = "Demo data"
