"""What each role's home page says needs their action, composed from each domain's own
selectors. This app sits above the domains (ADR 0029): it reads referrals, allocation and
casework, and none of them reads it.

Every count is of what the user may see (the access door's filters), and every item links to
the page where the work is done."""

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef
from django.urls import reverse

from enablement.accounts import access


@dataclass(frozen=True)
class Item:
    """One line of "Needs your action": `count` things, said in words, done at `url`."""

    testid: str
    count: int
    one: str  # the words after the count when it is 1
    many: str  # ... and when it is not
    url: str
    tag: str = "To do"  # the status shown beside it when there is something to do
    urgent: bool = False  # a red tag: late, or only the user can move it on

    @property
    def label(self) -> str:
        return self.one if self.count == 1 else self.many


class Needs(list):
    """The lines of "Needs your action", in the order the user should take them."""

    @property
    def total(self) -> int:
        return sum(item.count for item in self)


def _tracker(**query) -> str:
    return f"{reverse('referrals:list')}?{urlencode(query)}"


def _oldest_or_list(qs, action: str, **query) -> str:
    """One referral waiting: straight to the page where it is done; several: the tracker
    filtered to them, oldest first."""
    first = qs.order_by("received_at").values_list("pk", flat=True)[:2]
    pks = list(first)
    if len(pks) == 1:
        return reverse(action, kwargs={"pk": pks[0]})
    return _tracker(**query)


def _overdue_count(referrals, today: date) -> int:
    """Referrals past their screening due date: the tracker's filter, one COUNT on the
    stored date."""
    from enablement.referrals.selectors import screening_overdue

    return referrals.filter(screening_overdue(today)).count()


def _hold_answered(referrals):
    """Referrals back for screening after the named social worker answered a hold."""
    from enablement.referrals.models import Hold
    from enablement.referrals.rules import Status

    answered = Hold.objects.filter(referral=OuterRef("pk"), answered_at__isnull=False)
    return referrals.filter(Exists(answered), status=Status.VALIDATED)


def referrer(user) -> Needs:
    """Returned referrals and hold questions first: both wait on the referrer alone."""
    from enablement.referrals.rules import Status

    mine = access.visible_referrals(user)
    returned = mine.filter(status=Status.RETURNED)
    # A hold is answered by the named social worker (or the referrer): `may_act_on_referral`.
    holds = mine.filter(status=Status.ON_HOLD)
    in_progress = mine.filter(
        status__in=[Status.SUBMITTED, Status.VALIDATED, Status.IN_TRIAGE, Status.ACCEPTED]
    )
    return Needs(
        [
            Item(
                "needs-returned",
                returned.count(),
                "returned referral to correct and send again",
                "returned referrals to correct and send again",
                _oldest_or_list(returned, "referrals:resubmit", status=Status.RETURNED),
                tag="Waiting for you",
                urgent=True,
            ),
            Item(
                "needs-holds",
                holds.count(),
                "risk question from the team to answer",
                "risk questions from the team to answer",
                _oldest_or_list(holds, "referrals:answer", status=Status.ON_HOLD),
                tag="Waiting for you",
                urgent=True,
            ),
            Item(
                "needs-in-progress",
                in_progress.count(),
                "referral in progress with the service",
                "referrals in progress with the service",
                reverse("referrals:list"),
                tag="With the service",
            ),
        ]
    )


def admin(user, today: date) -> Needs:
    """To validate, overdue first; then matches to make and case-system steps."""
    from enablement.referrals.rules import Status

    mine = access.visible_referrals(user)
    submitted = mine.filter(status=Status.SUBMITTED)
    matches = submitted.filter(person__isnull=True)
    steps = mine.filter(
        service_settings__case_system_step=True,
        routed_from__isnull=True,
        case_system_requested_on__isnull=False,
        case_system_confirmed_on__isnull=True,
    ).exclude(status__in=[Status.WITHDRAWN, Status.DECLINED, Status.CLOSED_NOT_READY])
    return Needs(
        [
            Item(
                "needs-validate-overdue",
                _overdue_count(submitted, today),
                "referral to validate is past its screening date",
                "referrals to validate are past their screening date",
                _tracker(status=Status.SUBMITTED, overdue="on"),
                tag="Overdue",
                urgent=True,
            ),
            Item(
                "needs-validate",
                submitted.count(),
                "referral to validate",
                "referrals to validate",
                _tracker(status=Status.SUBMITTED),
            ),
            Item(
                "needs-matches",
                matches.count(),
                "public referral to match to a person's record",
                "public referrals to match to a person's record",
                _oldest_or_list(matches, "referrals:match", status=Status.SUBMITTED),
            ),
            Item(
                "needs-case-system",
                steps.count(),
                "case-system confirmation to record",
                "case-system confirmations to record",
                _oldest_or_list(steps, "referrals:case-system", status=Status.VALIDATED),
            ),
        ]
    )


def senior(user, team, today: date, now: datetime) -> dict:
    """Screening overdue and due, holds answered, then the waiting list and room, then the
    team's enablements (the team view's prompts, counted the same way)."""
    from enablement.allocation import selectors as allocation
    from enablement.casework import daily_selectors
    from enablement.referrals.rules import Status

    mine = access.visible_referrals(user)
    to_screen = mine.filter(status=Status.VALIDATED)
    answered = _hold_answered(mine)
    waiting = allocation.waiting_referrals([team]).count() if team else 0
    workers = allocation.team_workers(team, on=today) if team else []
    room = sum(w.room for w in workers)
    items = [
        Item(
            "needs-screening-overdue",
            _overdue_count(to_screen, today),
            "referral is past its screening date",
            "referrals are past their screening date",
            _tracker(status=Status.VALIDATED, overdue="on"),
            tag="Overdue",
            urgent=True,
        ),
        Item(
            "needs-screening",
            to_screen.count(),
            "referral to screen",
            "referrals to screen",
            _tracker(status=Status.VALIDATED, sort="screening_due"),
        ),
        Item(
            "needs-holds-answered",
            answered.count(),
            "hold answered by the social worker: screen it again",
            "holds answered by the social workers: screen them again",
            _oldest_or_list(answered, "referrals:screen", status=Status.VALIDATED),
        ),
        Item(
            "needs-waiting",
            waiting,
            "accepted referral waiting for a worker",
            "accepted referrals waiting for a worker",
            reverse("allocation:waiting"),
            tag=f"Room for {room}",
        ),
    ]
    prompts, team_items = None, None
    if team:
        prompts = daily_selectors.prompts(user, team, today, now=now)
        team_url = reverse("casework:team")
        team_items = [
            Item(
                "prompt-missed",
                prompts.missed_visits,
                "enablement has missed visits to discuss",
                "enablements have missed visits to discuss",
                team_url,
                tag="To discuss",
                urgent=True,
            ),
            Item(
                "prompt-reviews",
                prompts.overdue_reviews,
                "overdue review",
                "overdue reviews",
                team_url,
                tag="Overdue",
                urgent=True,
            ),
            Item(
                "prompt-extensions",
                prompts.extensions_waiting,
                "extension request is waiting",
                "extension requests are waiting",
                reverse("reviews:extension_queue"),
            ),
            Item(
                "prompt-closures",
                prompts.closures_to_agree,
                "closure to agree",
                "closures to agree",
                reverse("closures:to-agree"),
            ),
            Item(
                "prompt-holds",
                prompts.open_holds,
                "enablement on hold, waiting for the social worker",
                "enablements on hold, waiting for the social worker",
                team_url,
            ),
            Item(
                "prompt-notes",
                prompts.notes_to_sample,
                "case note not yet checked",
                "case notes not yet checked",
                reverse("visits:sample"),
            ),
        ]
    return {
        "items": Needs(items),
        "team_items": Needs(team_items) if team_items is not None else None,
        "room": room,
        "waiting": waiting,
        "prompts": prompts,
    }


def worker(user, today: date) -> Needs:
    """What is due on the worker's own caseload (casework.daily_rules)."""
    from enablement.casework import daily_selectors

    needs = daily_selectors.worker_counts(daily_selectors.caseload(user, today), today)
    caseload = reverse("casework:caseload")
    return Needs(
        [
            Item(
                "needs-overdue",
                needs.overdue,
                "enablement with something overdue",
                "enablements with something overdue",
                caseload,
                tag="Overdue",
                urgent=True,
            ),
            Item(
                "needs-meetings",
                needs.meetings_to_hold,
                "planning meeting to hold",
                "planning meetings to hold",
                caseload,
            ),
            Item(
                "needs-plans",
                needs.plans_to_sign,
                "plan to agree and sign",
                "plans to agree and sign",
                caseload,
            ),
            Item(
                "needs-reviews",
                needs.reviews_this_week,
                "review due in the next 7 days",
                "reviews due in the next 7 days",
                caseload,
            ),
        ]
    )
