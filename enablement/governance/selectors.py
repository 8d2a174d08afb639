from django.db.models import QuerySet

from enablement.accounts.access import person_filter
from enablement.governance.models import AccessLogEntry, Event


def timeline_for(person) -> QuerySet[Event]:
    return Event.objects.filter(person=person).select_related("actor", "service")


def access_log_for(user, *, person_id=None, user_id=None) -> QuerySet[AccessLogEntry]:
    """Entries about the people this user may see; only for holders of the permission."""
    if not user.has_perm("governance.view_accesslogentry"):
        return AccessLogEntry.objects.none()
    from enablement.people.models import Person

    qs = AccessLogEntry.objects.filter(
        person__in=Person.objects.filter(person_filter(user))
    ).select_related("user", "person")
    if person_id:
        qs = qs.filter(person_id=person_id)
    if user_id:
        qs = qs.filter(user_id=user_id)
    return qs
