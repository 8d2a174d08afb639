"""Small-number suppression, checked exhaustively: every count of 1 to 4 is hidden, and
no hidden count can be worked out from what is shown."""

import itertools

import pytest

from enablement.reporting.suppression import is_small, suppress_grid, suppress_line

VALUES = range(8)


def _lines_of(grid, hidden, row_hidden, col_hidden, grand_hidden):
    """Every line of the table as (values, hidden flags), totals included."""
    rows = [list(r) for r in grid]
    width = len(rows[0])
    row_totals = [sum(r) for r in rows]
    col_totals = [sum(r[c] for r in rows) for c in range(width)]
    for r, h, t, th in zip(rows, hidden, row_totals, row_hidden, strict=True):
        yield [*r, t], [*h, th]
    yield [*col_totals, sum(row_totals)], [*col_hidden, grand_hidden]
    for c in range(width):
        yield (
            [r[c] for r in rows] + [col_totals[c]],
            [h[c] for h in hidden] + [col_hidden[c]],
        )
    yield [*row_totals, sum(row_totals)], [*row_hidden, grand_hidden]


def _check(grid):
    hidden, row_hidden, col_hidden, grand_hidden = suppress_grid(grid)
    for values, flags in _lines_of(grid, hidden, row_hidden, col_hidden, grand_hidden):
        for v, h in zip(values, flags, strict=True):
            assert h or not is_small(v), (grid, values, flags)
        assert sum(flags) != 1, f"one hidden cell in {values} of {grid} could be worked out"


@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_every_row_of_counts_and_its_total(width):
    for parts in itertools.product(VALUES, repeat=width):
        hidden, total_hidden = suppress_line(parts, sum(parts))
        flags = [*hidden, total_hidden]
        values = [*parts, sum(parts)]
        assert all(h for v, h in zip(values, flags, strict=True) if is_small(v)), parts
        assert sum(flags) != 1, parts
        if not any(is_small(v) for v in values):
            assert not any(flags), f"{parts} has no small number, so nothing is hidden"


@pytest.mark.parametrize("width", [1, 2, 3])
def test_no_hidden_count_of_a_row_follows_from_the_rest(width):
    """An attacker who knows the shown cells and the total finds every hidden cell could
    take at least two values."""
    for parts in itertools.product(VALUES, repeat=width):
        hidden, total_hidden = suppress_line(parts, sum(parts))
        if total_hidden or not any(hidden):
            continue
        total = sum(parts)
        shown = sum(v for v, h in zip(parts, hidden, strict=True) if not h)
        slots = [i for i, h in enumerate(hidden) if h]
        solutions = [
            combo
            for combo in itertools.product(range(total + 1), repeat=len(slots))
            if sum(combo) + shown == total
        ]
        for k in range(len(slots)):
            assert len({s[k] for s in solutions}) >= 2, (parts, hidden)


def test_the_complementary_cell_is_the_smallest_other_count():
    assert suppress_line([3, 40, 12], 55) == ([True, False, True], False)


def test_a_zero_is_hidden_only_when_nothing_else_is_left():
    assert suppress_line([3, 0, 10], 13) == ([True, False, True], False)
    # Here the total is small too: two hidden cells, nothing to work one out from.
    assert suppress_line([3, 0], 3) == ([True, False], True)


def test_a_row_with_one_small_part_and_the_rest_zero_hides_the_total():
    assert suppress_line([0, 2, 0], 2) == ([False, True, False], True)


def test_nothing_small_nothing_hidden():
    assert suppress_line([5, 0, 9], 14) == ([False, False, False], False)


@pytest.mark.parametrize("shape", [(1, 2), (2, 1), (2, 2), (2, 3), (3, 2)])
def test_every_small_table_with_its_totals(shape):
    rows, width = shape
    values = (0, 1, 3, 5, 9) if rows * width > 4 else range(7)
    for cells in itertools.product(values, repeat=rows * width):
        grid = [list(cells[r * width : (r + 1) * width]) for r in range(rows)]
        _check(grid)


def test_a_hidden_cell_protected_in_its_row_is_protected_in_its_column_too():
    # Row 1 hides 2 and its smallest other (6); columns 1 and 2 then hold one hidden cell
    # each, so row 2's 30 and 7 go too.
    grid = [[2, 6, 20], [30, 7, 40]]
    hidden, *_ = suppress_grid(grid)
    _check(grid)
    assert hidden[0][:2] == [True, True]
    assert hidden[1][0] and hidden[1][1]
