"""Small-number suppression for commissioners (issue 13 item 5). Pure.

A cell counting 1 to 4 people is hidden, and so is a second cell of any line (a row with
its total, a column with its total) that would otherwise hold the only hidden cell: with
one hidden cell and the total shown, the hidden number is the total less the others. A
line therefore holds no hidden cell or at least two. Zero is shown: it singles no one out.
"""

from collections.abc import Sequence

SMALL_NUMBER = 5


def is_small(n: int) -> bool:
    return 0 < n < SMALL_NUMBER


def _protect_line(values: Sequence[int], hidden: list[bool], total_index: int) -> bool:
    """Hide one more cell of this line when exactly one of it is hidden. `values` and
    `hidden` include the total at `total_index`. Returns whether anything changed."""
    if sum(hidden) != 1:
        return False
    candidates = [i for i in range(len(values)) if not hidden[i] and i != total_index]
    if not candidates:
        hidden[total_index] = True
        return True
    # The smallest other cell loses the least; a zero only when nothing else is left, since
    # a hidden zero protects as well but reads as a number that is not there.
    j = min(candidates, key=lambda i: (values[i] == 0, values[i], i))
    hidden[j] = True
    return True


def suppress_line(parts: Sequence[int], total: int) -> tuple[list[bool], bool]:
    """(hidden parts, hidden total) for one row of counts and its total."""
    hidden, _, _, grand = suppress_grid([list(parts)])
    return hidden[0], grand


def suppress_grid(
    grid: Sequence[Sequence[int]],
) -> tuple[list[list[bool]], list[bool], list[bool], bool]:
    """A table of counts with a total for each row, a total for each column and a grand
    total, as shown on the dashboard (months down, parts across, the whole period at the
    foot). Returns hidden flags: (cells, row totals, column totals, grand total).

    Rows and columns are protected in turn until nothing changes, since hiding a cell to
    protect its row can leave its column with a single hidden cell."""
    rows = [list(r) for r in grid]
    width = len(rows[0]) if rows else 0
    if any(len(r) != width for r in rows):
        raise ValueError("every row needs the same number of cells")
    row_totals = [sum(r) for r in rows]
    col_totals = [sum(r[c] for r in rows) for c in range(width)]
    grand = sum(row_totals)
    # One matrix with the totals as its last column and last row.
    values = [[*r, t] for r, t in zip(rows, row_totals, strict=True)] + [[*col_totals, grand]]
    hidden = [[is_small(v) for v in line] for line in values]
    changed = True
    while changed:
        changed = False
        for line_values, line_hidden in zip(values, hidden, strict=True):
            changed |= _protect_line(line_values, line_hidden, width)
        for c in range(width + 1):
            column = [line[c] for line in values]
            column_hidden = [line[c] for line in hidden]
            if _protect_line(column, column_hidden, len(values) - 1):
                for line, flag in zip(hidden, column_hidden, strict=True):
                    line[c] = flag
                changed = True
    return (
        [line[:width] for line in hidden[:-1]],
        [line[width] for line in hidden[:-1]],
        hidden[-1][:width],
        hidden[-1][width],
    )


def share_hidden(part: int, whole: int) -> bool:
    """A share is hidden when its part, the rest or the whole is a small number: any of
    them would follow from the share and the whole."""
    return is_small(part) or is_small(whole - part) or is_small(whole)
