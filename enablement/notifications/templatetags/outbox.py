from django import template

from enablement.notifications.services import emails_to_check

register = template.Library()


@register.inclusion_tag("notifications/_emails_to_check_notice.html")
def emails_to_check_notice():
    """On the system administrator's home page: emails that may or may not have gone out."""
    return {"count": emails_to_check().count()}
