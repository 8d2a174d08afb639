"""The timeline's cursor (governance/timeline.py): what it writes it reads back exactly, to
the microsecond and whatever the zone; anything it did not write is no cursor at all."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from enablement.governance.timeline import Position, decode, encode

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    "position",
    [
        Position(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), 1),
        Position(dt.datetime(2026, 7, 1, 10, 30, 15, 123456, tzinfo=LONDON), 2**63 - 1),
        Position(dt.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC), 5),
        Position(dt.datetime(1970, 1, 1, tzinfo=dt.UTC), 7),
        Position(dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC), 8),
    ],
)
def test_a_position_written_reads_back_as_the_same_instant_and_id(position):
    text = encode(position)
    back = decode(text)
    assert back == position  # aware datetimes compare as instants
    assert back.occurred_at.tzinfo is not None


def test_a_cursor_is_plain_digits_safe_in_a_query_string():
    text = encode(Position(dt.datetime(2026, 3, 2, 9, 0, 0, 250, tzinfo=dt.UTC), 42))
    assert text == "1772442000000250.42"
    assert decode(f"  {text} ") == decode(text)


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "42",
        ".42",
        "42.",
        "1.2.3",
        "--1.2",
        "1.-2",
        "1.0x10",
        "²³.4",
        "١٢.٣",  # Arabic-Indic digits, which int() would take
        "1.0",  # no event has id 0
        "1.9223372036854775808",  # past a bigint
        "99999999999999999999.1",  # twenty digits
        "9999999999999999999.1",  # past year 9999
        "1 .2",
    ],
)
def test_anything_else_is_no_cursor(text):
    assert decode(text) is None
