from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "enablement.returns"
    label = "returns"
    verbose_name = "Returns"
