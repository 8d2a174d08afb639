from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "enablement.reporting"
    label = "reporting"
    verbose_name = "Performance dashboard"
