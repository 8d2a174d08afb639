"""Links to a person's subject-access export and legal hold, for the managers who may use
them: `{% load privacy %}{% privacy_links person %}` on the person page."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from enablement.accounts.access import may_manage_privacy

register = template.Library()


@register.simple_tag(takes_context=True)
def privacy_links(context, person):
    user = context["request"].user
    if not may_manage_privacy(user):
        return ""
    return format_html(
        '<h2 class="govuk-heading-m">Information governance</h2>'
        '<ul class="govuk-list" data-testid="privacy-links">'
        '<li><a class="govuk-link" href="{}">Subject access export</a></li>'
        '<li><a class="govuk-link" href="{}">Legal hold</a></li></ul>',
        reverse("privacy:subject-access", kwargs={"pk": person.pk}),
        reverse("privacy:legal-hold", kwargs={"pk": person.pk}),
    )
