from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "enablement.casework"
    label = "casework"
    verbose_name = "Casework"
