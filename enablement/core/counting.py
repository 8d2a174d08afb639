"""Counts on a page that stop at a ceiling, so a page's work does not grow with the
size of a team's history (issue 14 item 2: "more than N" where an exact count would scan a
whole service on every request)."""

from dataclasses import dataclass

CEILING = 10_000


@dataclass(frozen=True)
class Count:
    n: int
    more: bool = False

    def __str__(self) -> str:
        return f"more than {self.n:,}" if self.more else f"{self.n:,}"

    def __int__(self) -> int:
        return self.n

    def __bool__(self) -> bool:
        return self.n > 0


def bounded(n_or_more: int, ceiling: int = CEILING) -> Count:
    """`n_or_more` is a count of at most ceiling + 1 rows (a LIMIT'ed subquery's count)."""
    return Count(ceiling, True) if n_or_more > ceiling else Count(n_or_more)


def bounded_count(queryset, ceiling: int = CEILING) -> Count:
    """Counts at most ceiling + 1 rows: COUNT(*) over a LIMIT'ed subquery."""
    return bounded(queryset.order_by()[: ceiling + 1].count(), ceiling)


def bounded_groups(queryset, field: str, values, ceiling: int = CEILING):
    """Counts of `queryset` by `field` and its total, each stopping at the ceiling: up to
    it, exact, in one statement grouping the first ceiling + 1 rows (so the total comes
    with them); beyond it, each of `values` counted up to the ceiling on its own (an index
    on `field` serves each) and the total "more than" the ceiling."""
    from django.db import connections

    sql, params = queryset.order_by().values(field)[: ceiling + 1].query.sql_with_params()
    connection = connections[queryset.db]
    column = connection.ops.quote_name(field)  # a model field's name, never a user's input
    # The inner SQL is the ORM's own, its values passed as parameters.
    query = f"SELECT {column}, COUNT(*) FROM ({sql}) limited GROUP BY {column}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        grouped = dict(cursor.fetchall())
    total = bounded(sum(grouped.values()), ceiling)
    if not total.more:
        return {value: Count(n) for value, n in grouped.items()}, total
    each = {v: bounded_count(queryset.filter(**{field: v}), ceiling) for v in values}
    return each, total
