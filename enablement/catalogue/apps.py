from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "enablement.catalogue"
    label = "catalogue"
    verbose_name = "Services, teams and staff"
