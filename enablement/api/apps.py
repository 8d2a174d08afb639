from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "enablement.api"
    label = "api"
    verbose_name = "API"
