"""Counts on a home page that stop at a ceiling, so a page's work does not grow with the
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
