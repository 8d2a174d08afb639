from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _recount(sender, using, **kwargs):
    """On SQLite only, after every `migrate` (and every flush, which sends this signal too):
    the tally's triggers put back if a migration remade the referrals table (SQLite drops a
    table's triggers with it), and the tally counted afresh, because a flush (a test's)
    empties the tables one by one in no fixed order and the referrals' delete triggers may
    write their changes after the tally was emptied. PostgreSQL keeps triggers across
    ALTER TABLE and empties every table in one TRUNCATE, which fires no trigger; its tally
    is not recounted on each deploy (that would lock the referrals against writes while it
    counted)."""
    from django.db import connections

    from enablement.referrals import tally

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    if not {tally.TABLE, tally.REFERRALS} <= set(connection.introspection.table_names()):
        return  # migrated back to before the tally
    tally.restore_sqlite_triggers(connection)
    tally.rebuild(using=connection)


class ReferralsConfig(AppConfig):
    name = "enablement.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self):
        post_migrate.connect(_recount, sender=self, dispatch_uid="referrals_recount")
