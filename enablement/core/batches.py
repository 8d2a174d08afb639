"""Claiming due rows a batch at a time, for the periodic jobs (ADR 0038)."""

from django.db import connections


def claim_batch(queryset, *, of: tuple[str, ...], batch_size: int) -> list:
    """Up to `batch_size` rows of `queryset` (which the caller orders), locked until its
    transaction ends; call inside `transaction.atomic`. Where the database can (PostgreSQL),
    rows another transaction holds are skipped, not waited for: a second job running at the
    same time takes the next rows, and a row a person is acting on is left for the next run.
    `of` names the tables locked (the model's own, "self", and joined ones). SQLite has no row
    locks and lets one writer in at a time: there it is a plain batch."""
    if connections[queryset.db].features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True, of=of)
    return list(queryset[:batch_size])
