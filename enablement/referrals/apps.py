from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _recount(sender, using, **kwargs):
    """SQLite empties a database (a test's flush) table by table in no fixed order: the
    referrals' delete triggers may write their changes after the tally was emptied. A flush
    is followed by this signal, so the tally is counted afresh. PostgreSQL empties every
    table in one TRUNCATE, which fires no trigger, and its tally is not recounted on each
    deploy (that would lock the referrals against writes while it counted)."""
    from django.db import connections

    from enablement.referrals import tally

    if connections[using].vendor == "sqlite":
        tally.rebuild(using=connections[using])


class ReferralsConfig(AppConfig):
    name = "enablement.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self):
        post_migrate.connect(_recount, sender=self, dispatch_uid="referrals_recount")
