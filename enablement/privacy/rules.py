"""When a person's record is due for anonymisation (UK GDPR article 5(1)(e), storage
limitation). Pure: the caller gathers the facts and passes the clock.

A record is kept while anything about the person is still open, and then for the period
set for the kind of involvement that ended; the latest due date wins. A legal hold keeps it
past that date until the hold is lifted.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from enablement.core.dates import add_months, months_before


class Kind(StrEnum):
    EPISODE = "episode"  # enablement was provided: a referral that became an episode
    REFERRAL = "referral"  # a referral that never became an episode
    RECORD = "record"  # the person was recorded; counts when nothing else does


class Verdict(StrEnum):
    ALREADY = "already"
    OPEN = "open"
    NOT_YET = "not_yet"
    HELD = "held"
    ANONYMISE = "anonymise"


VERDICT_LABELS = {
    Verdict.ALREADY: "Anonymised under the retention policy",
    Verdict.OPEN: "Kept: a referral or episode is still open",
    Verdict.NOT_YET: "Kept: the retention period has not passed",
    Verdict.HELD: "Kept: a legal hold is in place (the retention period has passed)",
    Verdict.ANONYMISE: "Due for anonymisation at the next retention sweep",
}


@dataclass(frozen=True)
class Periods:
    episode_years: int
    referral_years: int

    def years_for(self, kind: Kind) -> int:
        return self.episode_years if kind == Kind.EPISODE else self.referral_years


@dataclass(frozen=True)
class Involvement:
    kind: Kind
    ended_at: datetime | None  # None while it is still open


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    due_at: datetime | None = None  # when the last period ends; None while anything is open
    last_ended_at: datetime | None = None  # the end that sets due_at
    period_years: int | None = None
    kind: Kind | None = None

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]


def add_years(moment: datetime, years: int) -> datetime:
    """The same time of day, 12 x `years` months later by the product's one month
    arithmetic (`core.dates.add_months`): 29 February's anniversary in a common year is
    1 March, as for ages. Negative `years` give the cut-off for "ended at least that long
    ago" (`core.dates.months_before`)."""
    if years >= 0:
        day = add_months(moment.date(), 12 * years)
    else:
        day = months_before(moment.date(), -12 * years)
    return moment.replace(year=day.year, month=day.month, day=day.day)


def decide(
    involvements: list[Involvement],
    *,
    periods: Periods,
    now: datetime,
    on_hold: bool,
    anonymised: bool,
) -> Decision:
    if anonymised:
        return Decision(Verdict.ALREADY)
    if not involvements or any(i.ended_at is None for i in involvements):
        return Decision(Verdict.OPEN)
    due_at, latest = max(
        ((add_years(i.ended_at, periods.years_for(i.kind)), i) for i in involvements),
        key=lambda pair: pair[0],
    )
    facts = {
        "due_at": due_at,
        "last_ended_at": latest.ended_at,
        "period_years": periods.years_for(latest.kind),
        "kind": latest.kind,
    }
    if now < due_at:
        return Decision(Verdict.NOT_YET, **facts)
    if on_hold:
        return Decision(Verdict.HELD, **facts)
    return Decision(Verdict.ANONYMISE, **facts)
