"""The short-term support return's page and its downloads (provision and quality managers;
commissioners never: the rows are about people, ADR 0031)."""

import io
import secrets
from collections import Counter
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import render
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from enablement.accounts import access
from enablement.core import clock
from enablement.core.exports import attachment, csv_bytes
from enablement.governance import reads
from enablement.returns import rules, selectors
from enablement.returns.forms import ReturnForm
from enablement.returns.vocab import SEQUELS_AT_CLOSURE, EventOutcome

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OUTCOME = dict(EventOutcome.choices)


def _financial_year_start(today: date) -> date:
    return date(today.year if today.month >= 4 else today.year - 1, 4, 1)


def _form(request):
    services = access.return_services(request.user)
    if not services.exists():
        raise PermissionDenied
    data = request.GET
    if not data:
        # The financial year so far, for the first of the user's services.
        today = clock.today()
        start = _financial_year_start(today)
        data = QueryDict(mutable=True)
        data.update(
            {
                "service": str(services.order_by("name").first().pk),
                "start_0": str(start.day),
                "start_1": str(start.month),
                "start_2": str(start.year),
                "end_0": str(today.day),
                "end_1": str(today.month),
                "end_2": str(today.year),
            }
        )
    return ReturnForm(data, services=services)


def _rows(form, key: str) -> list[dict]:
    data = form.cleaned_data
    facts = selectors.referral_facts(data["service"], start=data["start"], end=data["end"])
    return rules.return_rows(facts, key=key, start=data["start"], end=data["end"])


def _summary(rows, start, end) -> dict:
    by_sequel = rules.completed_st_max_by_sequel(rows, start, end)
    categories = Counter()
    for outcome, count in by_sequel.items():
        categories[rules.sts002a_category(outcome)] += count
    listed = [OUTCOME[s] for s in SEQUELS_AT_CLOSURE]
    others = sorted(o for o in by_sequel if o not in listed)
    return {
        "rows": len(rows),
        "by_type": sorted(Counter(r["Event_Type"] for r in rows).items()),
        "sequels": [(o, by_sequel.get(o, 0)) for o in listed + others],
        "completed": sum(by_sequel.values()),
        "categories": sorted(categories.items()),
        "problems": sum(1 for r in rows if rules.row_problems(r)),
    }


def short_term_support(request):
    form = _form(request)
    key = settings.RETURN_PSEUDONYM_KEY
    key_problem = rules.key_problem(key)
    summary = None
    if form.is_valid():
        # The counts on this page need no pseudonym: a throwaway key makes the same rows.
        rows = _rows(form, key if not key_problem else secrets.token_hex(32))
        summary = _summary(rows, form.cleaned_data["start"], form.cleaned_data["end"])
    return render(
        request,
        "returns/short_term_support.html",
        {
            "form": form,
            "summary": summary,
            "key_problem": key_problem,
            "query": form.data.urlencode(),
        },
    )


def _export(request, render_file, content_type: str, extension: str):
    form = _form(request)
    key = settings.RETURN_PSEUDONYM_KEY
    key_problem = rules.key_problem(key)
    if key_problem or not form.is_valid():
        # Never a file without its key, nor for a period that is not one: the page says why.
        return render(
            request,
            "returns/short_term_support.html",
            {"form": form, "summary": None, "key_problem": key_problem, "refused": True},
            status=400,
        )
    data = form.cleaned_data
    rows = _rows(form, key)
    # One access-log row for the file: the filter, the row count and the people in it.
    with reads.exporting() as export:
        content = render_file(export.rows(rows, person_of=lambda r: r["_person"]))
    name = f"short-term-support-{data['service'].code}-{data['start']}-{data['end']}"
    return attachment(content, content_type, f"{name}.{extension}")


def _csv(rows) -> bytes:
    return csv_bytes(rules.HEADERS, (rules.as_values(r) for r in rows))


def _xlsx(rows) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Short term support")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in rules.HEADERS:
        cell = WriteOnlyCell(sheet, title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        # Every value is a defined-list label, a hash, a number or a date: none starts with
        # "=", so none can become a formula.
        sheet.append(rules.as_values(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_csv(request):
    return _export(request, _csv, "text/csv; charset=utf-8", "csv")


def export_xlsx(request):
    return _export(request, _xlsx, XLSX, "xlsx")
