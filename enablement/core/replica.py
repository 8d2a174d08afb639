"""Reporting reads on a read replica, when one is configured (REPORTING_DATABASE_URL).

The dashboard, the return and their exports read a lot and write nothing, so they may be
served by a PostgreSQL streaming replica and leave the primary to the people doing the work.
Other code asks here which database to read from and never names the replica itself:

    queryset.using(reporting_db())        # one query
    with reporting_reads(): ...           # every read inside the block (ReportingRouter)
    @reporting_reads()                    # every read in a selector function

The replica is used only when it is up and replaying within REPORTING_MAX_LAG_SECONDS of the
primary; otherwise the primary answers and a warning is logged, never an error: a late or
missing replica makes reports slower, not wrong or absent. The check is cached for
REPORTING_CHECK_SECONDS per process, so a dead replica costs one connection attempt per
period rather than one per page. Writes always go to the primary.
"""

import logging
from contextlib import ContextDecorator
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from enablement.core import clock

REPLICA = "replica"
logger = logging.getLogger("enablement.replica")

# The replica's lag in seconds: 0 when it has replayed everything it has received (an idle
# primary writes nothing, so the time since the last replayed transaction is not a lag);
# otherwise the age of the last transaction replayed; NULL when that is unknown.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
END
"""

# alias -> (when measured, lag in seconds or None if unknown, why not usable or "")
_checked: dict[str, tuple[float, float | None, str]] = {}
_reads_on: ContextVar[str | None] = ContextVar("reporting_reads_on", default=None)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def forget() -> None:
    """Drop the cached check, so the next reporting read measures the replica again."""
    _checked.clear()


def _measure(alias: str) -> tuple[float | None, str]:
    try:
        connection = connections[alias]
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                return 0.0, ""
            cursor.execute(LAG_SQL)
            (lag,) = cursor.fetchone()
    except Exception as error:  # down, refused, timed out, or not allowed here: never fatal
        connections[alias].close()
        return None, f"unreachable ({type(error).__name__}: {str(error).strip()[:200]})"
    if lag is None:
        return None, "lag unknown (nothing replayed yet)"
    return float(lag), ""


def _lag(alias: str) -> tuple[float | None, str, bool]:
    """(lag, problem, measured now) with the measurement cached briefly."""
    now = clock.monotonic()
    cached = _checked.get(alias)
    if cached and now - cached[0] < settings.REPORTING_CHECK_SECONDS:
        return cached[1], cached[2], False
    lag, problem = _measure(alias)
    _checked[alias] = (now, lag, problem)
    return lag, problem, True


def reporting_db() -> str:
    """The alias reporting reads should use: the replica if configured, up and fresh enough,
    otherwise the primary."""
    if not configured():
        return DEFAULT_DB_ALIAS
    # Inside a transaction on the primary a read must see that transaction's own writes,
    # which the replica cannot have (and a test's rolled-back data never reaches it).
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    lag, problem, fresh = _lag(REPLICA)
    limit = settings.REPORTING_MAX_LAG_SECONDS
    if not problem and lag is not None and lag > limit:
        problem = f"{lag:.1f} s behind the primary, more than REPORTING_MAX_LAG_SECONDS={limit}"
    if problem:
        if fresh:
            logger.warning("Reporting reads from the primary: the read replica is %s", problem)
        return DEFAULT_DB_ALIAS
    return REPLICA


class reporting_reads(ContextDecorator):
    """Every ORM read inside the block (or the decorated function) goes to reporting_db()."""

    def _recreate_cm(self):
        # A fresh instance per decorated call: the token must not be shared between calls.
        return type(self)()

    def __enter__(self):
        alias = reporting_db()
        self._token = _reads_on.set(alias)
        return alias

    def __exit__(self, *exc):
        _reads_on.reset(self._token)
        return False


class ReportingRouter:
    """Sends reads inside `reporting_reads` to the chosen alias; everything else, and every
    write, to the primary. Migrations run on the primary only: the replica copies them."""

    def db_for_read(self, model, **hints):
        return _reads_on.get()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS
