from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "enablement.referrals"
    label = "referrals"
    verbose_name = "Referrals"
