"""CSV and XLSX downloads that a spreadsheet opens safely, streamed so that the size of an
export costs time, never memory (issue 14 item 3, ADR 0036).

A CSV is written row by row into a `StreamingHttpResponse` from whatever iterator the caller
gives (a server-side cursor over narrow `.values_list()` rows); an XLSX goes through openpyxl's
write-only workbook into a temporary file (a zip cannot be sent before its directory is
written) and is sent with `FileResponse`. Neither holds more than one row and the writer's
buffers."""

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import IO

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A cell starting with one of these is run as a formula by spreadsheet programs; free text
# typed by users (names, reasons) must never become one (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    if value.__class__ is str:  # the common case first: an export calls this per cell
        return "'" + value if value.startswith(FORMULA_START) else value
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)  # a number, even a negative one, is never a formula
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class _Line:
    """A file-like object whose `write` hands back what it was given: csv.writer writes one
    line into it and the generator yields that line at once."""

    def write(self, value: str) -> str:
        return value


def csv_lines(headers: Sequence[str], rows: Iterable[Sequence]) -> Iterator[bytes]:
    """The file, one encoded line per row, as the rows arrive."""
    writer = csv.writer(_Line())
    yield writer.writerow(headers).encode("utf-8")
    # A few hundred rows per chunk: one tiny write per row would cost more in the server's
    # send calls than in writing the CSV.
    buffer: list[str] = []
    for row in rows:
        buffer.append(writer.writerow([csv_safe(v) for v in row]))
        if len(buffer) == 500:
            yield "".join(buffer).encode("utf-8")
            buffer.clear()
    if buffer:
        yield "".join(buffer).encode("utf-8")


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """A small file whole (the dashboard's tables, tests)."""
    return b"".join(csv_lines(headers, rows))


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_attachment(filename: str, headers: Sequence[str], rows: Iterable[Sequence]):
    """A bounded file whole: its rows are read before the response leaves the view, so an
    `exporting()` block around the call counts them (the waiting list, the access log)."""
    return attachment(csv_bytes(headers, rows), CSV_TYPE, filename)


def streamed_csv(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(headers, rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _is_formula(value) -> bool:
    return isinstance(value, str) and value.startswith("=")


def write_xlsx(
    out: IO[bytes],
    sheet_title: str,
    columns: Sequence[tuple[str, int]],
    rows: Iterable[Sequence],
) -> None:
    """A one-sheet workbook into `out`: a bold, frozen header of (title, width) columns, then
    the rows as they arrive. Dates stay dates, so a spreadsheet sorts and filters them."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.freeze_panes = "A2"
    for number, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    bold = Font(bold=True)
    header = []
    for title, _ in columns:
        cell = WriteOnlyCell(sheet, title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        # Plain values are the fast path; only text that openpyxl would store as a formula
        # is wrapped and kept as text.
        sheet.append([_text_cell(sheet, v) if _is_formula(v) else v for v in row])
    workbook.save(out)


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    return cell


def streamed_xlsx(
    filename: str,
    sheet_title: str,
    columns: Sequence[tuple[str, int]],
    rows: Iterable[Sequence],
) -> FileResponse:
    """The workbook written to an anonymous temporary file (removed when the response closes
    it) and sent from there."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    try:
        write_xlsx(out, sheet_title, columns, rows)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
