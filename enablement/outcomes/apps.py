from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "enablement.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"
