"""The audit tables' months ahead, made once a month by the worker (a durable django-q2
schedule, migration 0011) so rows never start landing in the DEFAULT partition."""

from django.core.management import call_command
from django.db import connection


def audit_partitions_job() -> str:
    if connection.vendor != "postgresql":
        return "not partitioned on this database"
    call_command("audit_partitions", ahead=12, verbosity=0)
    return "made the audit tables' months for the next 12 months"
