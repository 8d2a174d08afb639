from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from enablement.accounts.decorators import role_required
from enablement.accounts.roles import Role
from enablement.core import clock
from enablement.core.params import query_int
from enablement.governance import reads
from enablement.notifications.models import Notification
from enablement.notifications.services import email_checked, emails_to_check, mark_read


def inbox(request):
    notes = Notification.objects.filter(user=request.user).select_related("referral")
    page = Paginator(notes, 25).get_page(query_int(request.GET.get("page")))
    shown = list(page.object_list)
    # A message about a referral names its person.
    reads.shown_referrals(n.referral for n in shown if n.referral_id)
    # What was unread is tagged "New" on this view, then counts as read.
    unread = {n.pk for n in shown if n.read_at is None}
    now = clock.now()
    for note in shown:
        mark_read(notification=note, now=now)
    return render(
        request, "notifications/inbox.html", {"page": page, "notes": shown, "unread": unread}
    )


# Emails hold no case data (a reference and a link), so the system administrator, who keeps
# the service running but sees no one's record, is the one who answers for them.
@role_required(Role.SYSADMIN)
def emails_to_check_page(request):
    waiting = emails_to_check().select_related("notification__user")
    return render(request, "notifications/emails_to_check.html", {"waiting": waiting})


@require_POST
@role_required(Role.SYSADMIN)
def email_check(request, pk):
    message = get_object_or_404(emails_to_check(), pk=pk)
    send_again = request.POST.get("outcome") == "send-again"
    try:
        email_checked(message=message, send_again=send_again, actor=request.user, now=clock.now())
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            f"The email to {message.to_email} will be sent again"
            if send_again
            else f"The email to {message.to_email} is recorded as sent",
        )
    return redirect("notifications:emails-to-check")
