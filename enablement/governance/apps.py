from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "enablement.governance"
    label = "governance"
    verbose_name = "Events and access log"
