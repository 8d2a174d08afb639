from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from enablement.accounts.decorators import role_required
from enablement.accounts.roles import Role
from enablement.core import clock
from enablement.core.exports import csv_attachment
from enablement.governance import reads
from enablement.governance.forms import AccessLogFilter
from enablement.governance.selectors import access_log_for

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000
OVERSIGHT = (Role.PROVISION_MANAGER, Role.QUALITY_MANAGER)


def _found(request):
    form = AccessLogFilter(request.GET or None)
    if form.is_bound and not form.is_valid():
        # A filter that cannot be read shows nothing rather than the whole log.
        return form, None
    return form, access_log_for(request.user, **form.filters())


@role_required(*OVERSIGHT)
def access_log(request):
    form, entries = _found(request)
    page = Paginator(entries if entries is not None else [], PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown = list(page.object_list)
    # The log names people: reading it is itself a read of their records.
    reads.shown_people({e.person_id for e in shown if e.person_id})
    return render(
        request,
        "governance/access_log.html",
        {"form": form, "page": page, "entries": shown, "export_limit": EXPORT_LIMIT},
    )


CSV_HEADERS = (
    "When",
    "User",
    "User number",
    "Action",
    "Person",
    "Person's record number",
    "Referral",
    "Page or API address",
    "Filter",
    "Rows exported",
    "Record numbers exported",
)


def _csv_values(e):
    return (
        timezone.localtime(e.at).isoformat(timespec="seconds"),
        str(e.user),
        e.user_id,
        e.get_action_display(),
        e.person.full_name if e.person_id else "",
        e.person_id or "",
        e.referral.reference if e.referral_id else "",
        e.path,
        e.query,
        e.row_count if e.row_count is not None else "",
        e.exported_people.strip(),
    )


@role_required(*OVERSIGHT)
def access_log_csv(request):
    _, entries = _found(request)
    if entries is None:
        return HttpResponse(
            "The filter is not valid, so nothing was exported. Go back to the access log, "
            "correct the filter and export again.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    total = entries.count()
    if total > EXPORT_LIMIT:
        messages.error(
            request,
            f"{total:,} entries match this filter, and an export holds at most "
            f"{EXPORT_LIMIT:,}. Narrow the filter (by dates, person or user) and export again.",
        )
        query = request.GET.copy()
        query.pop("page", None)
        url = reverse("governance:access-log")
        return redirect(f"{url}?{query.urlencode()}" if query else url)
    with reads.exporting() as export:
        rows = export.rows(entries.iterator(chunk_size=2000), person_of=lambda e: e.person_id)
        return csv_attachment(
            f"access-log-{clock.today().isoformat()}.csv",
            CSV_HEADERS,
            (_csv_values(e) for e in rows),
        )
