from django import forms

from enablement.core.forms import GovukDateField
from enablement.outcomes.models import CompletedBy


def item_field(n: int) -> str:
    return f"item_{n}"


class ScoreForm(forms.Form):
    """One completion of an instrument: when it was taken (for the worker), who completed
    it, the date, and an answer for each item. An item may be left unanswered: the answers
    are kept and no score is calculated."""

    def __init__(
        self, *args, instrument, labels, answer_words, occasions=None, completers=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.count = len(labels)
        if occasions is not None:
            self.fields["occasion"] = forms.ChoiceField(
                label="When was it taken?",
                choices=occasions,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose when the score was taken"},
            )
        if completers is not None:
            self.fields["completed_by"] = forms.ChoiceField(
                label="Who completed it?",
                choices=[(c, CompletedBy(c).label) for c in completers],
                widget=forms.RadioSelect,
                error_messages={"required": "Say who completed it"},
            )
            self.fields["completed_on"] = GovukDateField(
                label="Date it was completed",
                help_text="For example, 20 4 2026",
                error_messages={"required": "Enter the date it was completed"},
            )
        low, high = instrument.scale_min, instrument.scale_max
        points = [
            (str(v), f"{v}: {answer_words[v]}" if v in answer_words else str(v))
            for v in range(low, high + 1)
        ]
        for n, label in enumerate(labels, start=1):
            self.fields[item_field(n)] = forms.TypedChoiceField(
                label=label,
                choices=points,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                help_text=f"From {low} (lowest) to {high} (highest)",
                error_messages={"invalid_choice": f"{label}: choose a number from {low} to {high}"},
            )

    def answers(self) -> dict[int, int | None]:
        return {n: self.cleaned_data.get(item_field(n)) for n in range(1, self.count + 1)}
