"""Check your answers: each section's answers in words, as the GOV.UK summary list shows
them, with the section to change them on."""

from django.template.defaultfilters import date as format_date

from enablement.referrals.rules import RiskArea
from enablement.referrals.sections import SECTIONS


def _words(form, name) -> str:
    field = form.fields[name]
    value = form.cleaned_data.get(name)
    if name == "named_social_worker":
        return dict(field.choices).get(value, "None") if value else "None"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None or value == "":
        return "Not given"
    if hasattr(value, "year"):
        return format_date(value, "j F Y")
    choices = getattr(field, "choices", None)
    if choices:
        return str(dict(choices).get(value, value))
    return str(value)


def summary(draft, form, team) -> list[tuple]:
    """[(section, [(question, answer, may change), ...]), ...] in section order."""
    out = []
    for section in SECTIONS:
        rows = []
        if section.slug == "person":
            # The service is chosen before the sections: to change it, start again.
            rows.append(("Service", draft.service.name, False))
            if team is not None:
                rows.append(("Team", team.name, True))
        if section.slug == "risk":
            for area in RiskArea:
                description = form.cleaned_data.get(f"risk_{area}_description") or "Not given"
                assessed = form.cleaned_data.get(f"risk_{area}_assessed_on")
                rows.append(
                    (
                        area.label,
                        f"{description} (assessed {format_date(assessed, 'j F Y')})"
                        if assessed
                        else f"{description} (no date assessed)",
                        True,
                    )
                )
        else:
            for name in section.fields:
                if name in form.fields and name != "destination":
                    rows.append((form.fields[name].label, _words(form, name), True))
        out.append((section, rows))
    return out
