from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from enablement.accounts.access import person_filter
from enablement.accounts.roles import Role
from enablement.governance.models import AccessLogEntry, Event


def timeline_for(person) -> QuerySet[Event]:
    return Event.objects.filter(person=person).select_related("actor", "service")


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _exports_seen(user) -> Q:
    """Export rows name no one person. A quality manager sees them all; a provision manager
    those made by the staff of their services and their own (and, filtering by a person
    they may see, every export that held that person)."""
    if Role.QUALITY_MANAGER in user.roles:
        return Q()
    staff = getattr(user, "staff", None)
    if staff is None:
        return Q(user=user)
    services = staff.services.all()
    colleagues = get_user_model().objects.filter(
        Q(staff__team__service__in=services) | Q(staff__services__in=services)
    )
    return Q(user=user) | Q(user__in=colleagues.values("pk"))


def access_log_for(
    user,
    *,
    person_id: int | None = None,
    user_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AccessLogEntry]:
    """Entries about the people this user may see, newest first; only for holders of the
    permission. A person filter finds every access to them: views, lists, searches and the
    exports that held them."""
    if not user.has_perm("governance.view_accesslogentry"):
        return AccessLogEntry.objects.none()
    from enablement.people.models import Person

    visible = Person.objects.filter(person_filter(user))
    if person_id:
        if not visible.filter(pk=person_id).exists():
            return AccessLogEntry.objects.none()
        qs = AccessLogEntry.objects.filter(
            Q(person_id=person_id)
            | Q(
                action=AccessLogEntry.Action.EXPORT,
                exported_people__contains=f" {person_id} ",
            )
        )
    else:
        qs = AccessLogEntry.objects.filter(
            Q(person__in=visible.values("pk")) | (Q(person__isnull=True) & _exports_seen(user))
        )
    if user_id:
        qs = qs.filter(user_id=user_id)
    if since:
        qs = qs.filter(at__gte=_start_of(since))
    if until:
        qs = qs.filter(at__lt=_start_of(until + timedelta(days=1)))
    return qs.select_related("user", "person", "referral")
