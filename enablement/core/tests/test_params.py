import pytest

from enablement.core.params import BIGINT_MAX, query_int


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("1", 1),
        (str(BIGINT_MAX), BIGINT_MAX),
        (str(BIGINT_MAX + 1), None),
        ("99999999999999999999", None),
        ("0", None),
        ("-3", None),
        ("²", None),
        ("١٢", None),  # Arabic-Indic digits pass str.isdigit() but are not ids
        ("12a", None),
        ("", None),
        (None, None),
        ("1e3", None),
    ],
)
def test_only_ascii_digits_in_range_are_numbers(value, expected):
    assert query_int(value) == expected


def test_bounds_are_the_callers():
    assert query_int("5", minimum=0, maximum=4) is None
    assert query_int("0", minimum=0) == 0
