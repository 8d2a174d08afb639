from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "enablement.visits"
    label = "visits"
    verbose_name = "Visits"
