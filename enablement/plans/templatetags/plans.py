from django import template

from enablement.referrals.rules import level_label as _level_label

register = template.Library()


@register.filter
def level_label(level: str) -> str:
    """'enhanced' -> 'Enhanced': a level's words, never its code."""
    return _level_label(level) if level else ""
