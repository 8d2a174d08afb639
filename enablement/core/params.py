"""Numbers read from a query string, parsed in one place.

`str.isdigit()` accepts "²" and other Unicode digits that `int()` then refuses, and an id of
twenty digits overflows a database integer: both gave a 500. Anything that is not plain
ASCII digits within range is treated as absent, so a filter falls back to "no filter" or an
empty result and never to an error.
"""

import re

# The largest value a PostgreSQL bigint (and SQLite's integer) holds.
BIGINT_MAX = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def query_int(value, *, minimum: int = 1, maximum: int = BIGINT_MAX) -> int | None:
    """The whole number in `value`, or None when it is missing, not ASCII digits, or out of
    [minimum, maximum]."""
    if value is None:
        return None
    text = str(value).strip()
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None
