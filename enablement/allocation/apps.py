from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "enablement.allocation"
    label = "allocation"
    verbose_name = "Allocation and capacity"
