"""CSV downloads that a spreadsheet opens safely."""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from django.http import HttpResponse

# A cell starting with one of these is run as a formula by spreadsheet programs; free text
# typed by users (names, reasons) must never become one (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)  # a number, even a negative one, is never a formula
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
    return out.getvalue().encode("utf-8")


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_attachment(filename: str, headers: Sequence[str], rows: Iterable[Sequence]):
    return attachment(csv_bytes(headers, rows), "text/csv; charset=utf-8", filename)
