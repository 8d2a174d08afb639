from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "enablement.privacy"
    label = "privacy"
    verbose_name = "Subject access and retention"
