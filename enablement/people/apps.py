from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "enablement.people"
    label = "people"
    verbose_name = "People supported"
