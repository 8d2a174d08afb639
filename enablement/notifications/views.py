from django.core.paginator import Paginator
from django.shortcuts import render

from enablement.core import clock
from enablement.core.params import query_int
from enablement.notifications.models import Notification
from enablement.notifications.services import mark_read


def inbox(request):
    notes = Notification.objects.filter(user=request.user).select_related("referral")
    page = Paginator(notes, 25).get_page(query_int(request.GET.get("page")))
    shown = list(page.object_list)
    # What was unread is tagged "New" on this view, then counts as read.
    unread = {n.pk for n in shown if n.read_at is None}
    now = clock.now()
    for note in shown:
        mark_read(notification=note, now=now)
    return render(
        request, "notifications/inbox.html", {"page": page, "notes": shown, "unread": unread}
    )
