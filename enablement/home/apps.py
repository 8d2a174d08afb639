from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "enablement.home"
    label = "home"
    verbose_name = "Home pages"
