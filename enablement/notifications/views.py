from django.core.paginator import Paginator
from django.shortcuts import render

from enablement.notifications.models import Notification


def inbox(request):
    notes = Notification.objects.filter(user=request.user).select_related("referral")
    page = Paginator(notes, 25).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})
