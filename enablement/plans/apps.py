from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "enablement.plans"
    label = "plans"
    verbose_name = "Plans"
