"""Referrals counted by place and status from `StatusTally` (ADR 0047): the triggers that
keep it, folding its rows together, rebuilding it, and reading counts from it.

The triggers are the database's own, so a count cannot drift from the referrals whatever
writes them (an action, a bulk update in the sweep, the generator's COPY, a shell). On
PostgreSQL one trigger per statement writes the statement's net change per place and
status from its transition tables, so the sweep's update of a thousand referrals writes a
handful of rows, and no two transactions wait for each other on a shared count row.
SQLite has no statement triggers: a row each."""

import logging

from django.db import connection, transaction
from django.db.models import Q, QuerySet, Sum

from enablement.core import counting
from enablement.referrals.models import StatusTally

logger = logging.getLogger(__name__)

TABLE = "referrals_statustally"
REFERRALS = "referrals_referral"
_COLUMNS = "service_id, team_id, status"

_POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION referrals_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO {TABLE} ({_COLUMNS}, n)
      SELECT {_COLUMNS}, COUNT(*) FROM new_rows GROUP BY {_COLUMNS};
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO {TABLE} ({_COLUMNS}, n)
      SELECT {_COLUMNS}, -COUNT(*) FROM old_rows GROUP BY {_COLUMNS};
  ELSE
    -- An update that leaves every row in its place and status nets to nothing: no row.
    INSERT INTO {TABLE} ({_COLUMNS}, n)
      SELECT {_COLUMNS}, SUM(d) FROM (
        SELECT {_COLUMNS}, -1 AS d FROM old_rows
        UNION ALL SELECT {_COLUMNS}, 1 AS d FROM new_rows
      ) moved GROUP BY {_COLUMNS} HAVING SUM(d) <> 0;
  END IF;
  RETURN NULL;
END $$;
"""
_POSTGRES_TRIGGERS = [
    f"CREATE TRIGGER referrals_tally_insert AFTER INSERT ON {REFERRALS} "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION referrals_tally()",
    f"CREATE TRIGGER referrals_tally_update AFTER UPDATE ON {REFERRALS} "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION referrals_tally()",
    f"CREATE TRIGGER referrals_tally_delete AFTER DELETE ON {REFERRALS} "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION referrals_tally()",
]
_SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS referrals_tally_insert AFTER INSERT ON {REFERRALS} BEGIN
      INSERT INTO {TABLE} ({_COLUMNS}, n) VALUES (NEW.service_id, NEW.team_id, NEW.status, 1);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS referrals_tally_update
    AFTER UPDATE OF {_COLUMNS} ON {REFERRALS}
    WHEN OLD.service_id IS NOT NEW.service_id OR OLD.team_id IS NOT NEW.team_id
      OR OLD.status IS NOT NEW.status
    BEGIN
      INSERT INTO {TABLE} ({_COLUMNS}, n) VALUES (OLD.service_id, OLD.team_id, OLD.status, -1);
      INSERT INTO {TABLE} ({_COLUMNS}, n) VALUES (NEW.service_id, NEW.team_id, NEW.status, 1);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS referrals_tally_delete AFTER DELETE ON {REFERRALS} BEGIN
      INSERT INTO {TABLE} ({_COLUMNS}, n) VALUES (OLD.service_id, OLD.team_id, OLD.status, -1);
    END""",
]
TRIGGERS = ("referrals_tally_insert", "referrals_tally_update", "referrals_tally_delete")


def install_triggers(schema_editor) -> None:
    """For the migration: the triggers, then the tally rebuilt from the referrals."""
    vendor = schema_editor.connection.vendor
    statements = (
        [_POSTGRES_FUNCTION, *_POSTGRES_TRIGGERS] if vendor == "postgresql" else _SQLITE_TRIGGERS
    )
    for sql in statements:
        schema_editor.execute(sql)
    rebuild(using=schema_editor.connection)


def restore_sqlite_triggers(using) -> None:
    """SQLite remakes a table for most changes a migration makes to it (a new table, the
    rows copied, the old one dropped), and its triggers go with the old table: any later
    migration of the referrals would silently stop the tally. Run after every `migrate` on
    SQLite, this puts back any that are missing, before the recount."""
    with using.cursor() as cursor:
        for sql in _SQLITE_TRIGGERS:
            cursor.execute(sql)


def drop_triggers(schema_editor) -> None:
    postgres = schema_editor.connection.vendor == "postgresql"
    for name in TRIGGERS:
        # IF EXISTS on SQLite too: a migration that remade the table dropped them already.
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {name} ON {REFERRALS}"
            if postgres
            else f"DROP TRIGGER IF EXISTS {name}"
        )
    if postgres:
        schema_editor.execute("DROP FUNCTION IF EXISTS referrals_tally()")


def rebuild(using=None) -> None:
    """The tally counted afresh from the referrals. On PostgreSQL the referrals are locked
    against writes meanwhile (reads go on), so no change is counted both in a row of changes
    and in the recount. Run by the migration, after each `migrate` (a test database flushed
    row by row on SQLite would otherwise keep the changes its deletes wrote) and by the
    generator."""
    using = using or connection
    with transaction.atomic(using=using.alias), using.cursor() as cursor:
        if using.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {REFERRALS} IN SHARE MODE")
            # And a fold in flight finishes first: its rows of sums, committed after this
            # DELETE's snapshot, would otherwise survive it and count everything twice.
            cursor.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(
            f"INSERT INTO {TABLE} ({_COLUMNS}, n) "
            f"SELECT {_COLUMNS}, COUNT(*) FROM {REFERRALS} GROUP BY {_COLUMNS}"
        )


_PLACE = ("service_id", "team_id", "status")


def tallied() -> dict[tuple, int]:
    """{(service_id, team_id, status): n} as the tally says, places with none left out."""
    rows = StatusTally.objects.values_list(*_PLACE).annotate(n=Sum("n")).order_by()
    return {(s, t, st): n for s, t, st, n in rows.values_list(*_PLACE, "n") if n}


def counted() -> dict[tuple, int]:
    """The same, counted from the referrals themselves: reads every referral (for
    `manage.py recount_referrals --check` and tests, never for a page)."""
    from django.db.models import Count

    from enablement.referrals.models import Referral

    rows = Referral.objects.values_list(*_PLACE).annotate(n=Count("pk")).order_by()
    return {(s, t, st): n for s, t, st, n in rows.values_list(*_PLACE, "n")}


def differences() -> dict[tuple, tuple[int, int]]:
    """{place: (tallied, counted)} wherever the two disagree: empty while the triggers
    have seen every write."""
    said, found = tallied(), counted()
    return {
        place: (said.get(place, 0), found.get(place, 0))
        for place in said.keys() | found.keys()
        if said.get(place, 0) != found.get(place, 0)
    }


def compact() -> int:
    """Folds the rows of changes into one row per place and status (the sweep runs it).
    Counts read the same before and after, and changes committed meanwhile are kept: on
    PostgreSQL one statement deletes the rows it sees and writes back their sums, so a row
    another transaction commits meanwhile is neither deleted nor summed. Returns the rows
    left."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH gone AS (DELETE FROM {TABLE} RETURNING {_COLUMNS}, n) "
                f"INSERT INTO {TABLE} ({_COLUMNS}, n) SELECT {_COLUMNS}, SUM(n) FROM gone "
                f"GROUP BY {_COLUMNS} HAVING SUM(n) <> 0"
            )
            return cursor.rowcount
        # SQLite has one writer at a time: the read and the rewrite see the same rows.
        cursor.execute(
            f"SELECT {_COLUMNS}, SUM(n) FROM {TABLE} GROUP BY {_COLUMNS} HAVING SUM(n) <> 0"
        )
        sums = cursor.fetchall()
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.executemany(f"INSERT INTO {TABLE} ({_COLUMNS}, n) VALUES (%s, %s, %s, %s)", sums)
        return len(sums)


def counts(where: Q) -> dict[str, int]:
    """Referrals by status in the places `where` picks (a filter on `service_id`, `team_id`
    and `status`, the columns the referrals and the tally share). Statuses with none are
    left out."""
    rows = (
        StatusTally.objects.filter(where)
        .order_by()
        .values_list("status")
        .annotate(total=Sum("n"))
        .values_list("status", "total")
    )
    found = {}
    for status, total in rows:
        if total < 0:
            # Cannot happen while the triggers run; if they were bypassed (disabled by the
            # database's owner), say so rather than show a negative count.
            logger.error("referral tally below zero for %s in %s: run tally.rebuild", status, where)
        elif total:
            found[status] = total
    return found


def visible_counts(scope, where: Q, referrals: QuerySet, ceiling: int):
    """(counts by status, total) of the referrals a user sees (`scope`, an
    `access.ReferralScope`) that `where` picks (`where` on the shared columns; `referrals`,
    those same referrals as a queryset). The places are counted from the tally, exactly;
    the rest (what a front door handed on, a referrer's own), which are few, from the
    referrals, up to `ceiling` each ("more than" beyond it)."""
    if scope.everything:
        return _as_counts(counts(where), {})
    placed = counts(where & scope.places_filter) if scope.places else {}
    elsewhere = {}
    if scope.others:
        # Only those outside the tallied places, so none is counted twice.
        rest = referrals.exclude(scope.places_filter) if scope.places else referrals
        elsewhere, _ = counting.bounded_groups(rest, "status", _statuses(), ceiling)
    return _as_counts(placed, elsewhere)


def _statuses() -> list[str]:
    from enablement.referrals.rules import Status

    return [s.value for s in Status]


def _as_counts(placed: dict[str, int], elsewhere: dict[str, counting.Count]):
    statuses = {}
    for status in placed.keys() | elsewhere.keys():
        extra = elsewhere.get(status, counting.Count(0))
        statuses[status] = counting.Count(placed.get(status, 0) + extra.n, extra.more)
    total = counting.Count(
        sum(c.n for c in statuses.values()), any(c.more for c in statuses.values())
    )
    return statuses, total
