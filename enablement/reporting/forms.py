"""The dashboard's scope: a service, a team or hub, and a period of whole months."""

from datetime import date

from django import forms

from enablement.reporting.rules import month_label, period_for, shift_month

MONTHS_OFFERED = 36  # the periods a dashboard can show: the last three years


def month_choices(today: date) -> list[tuple[str, str]]:
    first = date(today.year, today.month, 1)
    months = [shift_month(first, -i) for i in range(MONTHS_OFFERED)]
    return [(m.strftime("%Y-%m"), m.strftime("%B %Y")) for m in months]


class ScopeForm(forms.Form):
    service = forms.ChoiceField(label="Service")
    team = forms.ChoiceField(
        label="Team or hub",
        required=False,
        error_messages={
            # Without JavaScript the team list is the previous service's until the page
            # is shown again for the new one.
            "invalid_choice": "Choose a team or hub of the chosen service, or all teams and hubs"
        },
    )
    start = forms.ChoiceField(label="From the start of")
    end = forms.ChoiceField(label="To the end of")

    def __init__(self, data, *, services, teams, today: date):
        super().__init__(data)
        self.fields["service"].choices = [(s.code, s.name) for s in services]
        self.fields["team"].choices = [("", "All teams and hubs")] + [
            (str(t.pk), t.name) for t in teams
        ]
        months = month_choices(today)
        self.fields["start"].choices = months
        self.fields["end"].choices = months

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The end month must be the same as or after the start month")
        return data

    def period(self) -> tuple[date, date]:
        start = date.fromisoformat(self.cleaned_data["start"] + "-01")
        end = date.fromisoformat(self.cleaned_data["end"] + "-01")
        return period_for(start, end)


def default_months(today: date) -> tuple[str, str]:
    """The last 12 months, this one included."""
    this = date(today.year, today.month, 1)
    return shift_month(this, -11).strftime("%Y-%m"), this.strftime("%Y-%m")


__all__ = ["ScopeForm", "default_months", "month_label"]
