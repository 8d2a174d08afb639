"""Legal holds and the retention sweep: one function per action, each writing its change and
its event in one transaction, taking the actor and the clock from the caller."""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef

from enablement.casework.models import OPEN_EPISODE_STATUSES, Episode, EpisodeStatus
from enablement.governance.models import AccessLogEntry, Event
from enablement.governance.services import record_event
from enablement.notifications.models import Notification, OutboxMessage
from enablement.people.models import Carer, Person
from enablement.privacy.models import Anonymisation, LegalHold
from enablement.privacy.rules import (
    Decision,
    Involvement,
    Kind,
    Periods,
    Verdict,
    add_years,
    decide,
)
from enablement.referrals.models import (
    Hold,
    Referral,
    ReferralReturn,
    RiskInformation,
    Screening,
    SubmittedDetails,
    TriageDecision,
    ValidationUndo,
)
from enablement.referrals.rules import OPEN_STATUSES, WAITING_STATUSES, Status

REASON_MAX = 500
REMOVED = "Removed under the retention policy."

# Free text that may describe the person, blanked when they are anonymised. A new model or
# field holding such text about a person belongs here (docs/SECURITY.md).
FREE_TEXT = (
    (Referral, "person", ("work_requested", "intended_outcomes", "changed_needs_statement")),
    # Why someone from outside the service's area was referred (issue 10 item 6).
    (Referral, "person", ("residence_override_reason",)),
    (Referral, "person", ("decision_reason",)),
    (RiskInformation, "referral__person", ("description",)),
    (ReferralReturn, "referral__person", ("note",)),
    # Why a validation was undone (issue 12).
    (ValidationUndo, "referral__person", ("reason",)),
    (TriageDecision, "referral__person", ("reason", "information_given")),
    (Screening, "referral__person", ("risk_notes", "reason")),
    (Hold, "referral__person", ("concern", "answer")),
    (Episode, "person", ("allocation_reason", "out_of_order_reason")),
    # What a public form said about the person before the admin matched it (issue 9).
    (
        SubmittedDetails,
        "referral__person",
        ("given_name", "family_name", "nhs_number", "postcode", "phone", "email", "carer_name"),
    ),
)


def periods_from_settings() -> Periods:
    return Periods(
        episode_years=settings.RETENTION_EPISODE_YEARS,
        referral_years=settings.RETENTION_REFERRAL_YEARS,
    )


# --- Facts -----------------------------------------------------------------------------


def involvements_of(person: Person) -> list[Involvement]:
    """Every referral and episode of the person, with when it ended (None while open), and
    the recording of the person itself."""
    out = [Involvement(Kind.RECORD, person.created_at)]
    episodes = {e.referral_id: e for e in Episode.objects.filter(person=person)}
    referrals = Referral.objects.filter(person=person).annotate(
        last_event=Max("events__occurred_at")
    )
    for referral in referrals:
        episode = episodes.pop(referral.pk, None)
        if referral.status in OPEN_STATUSES | WAITING_STATUSES:
            out.append(Involvement(Kind.REFERRAL, None))
        elif referral.status == Status.ALLOCATED or episode is not None:
            out.append(_episode_involvement(episode))
        else:
            ended = referral.decided_at or referral.last_event or referral.received_at
            out.append(Involvement(Kind.REFERRAL, ended))
    # An episode whose referral names someone else would be a data error: keep the record.
    out.extend(_episode_involvement(e) for e in episodes.values())
    return out


def _episode_involvement(episode: Episode | None) -> Involvement:
    if episode is None or episode.status != EpisodeStatus.CLOSED or episode.closed_at is None:
        return Involvement(Kind.EPISODE, None)
    return Involvement(Kind.EPISODE, episode.closed_at)


def hold_in_place(person: Person) -> bool:
    return LegalHold.objects.filter(person=person, lifted_at__isnull=True).exists()


def retention_decision(
    person: Person, *, now: datetime, periods: Periods | None = None
) -> Decision:
    return decide(
        involvements_of(person),
        periods=periods or periods_from_settings(),
        now=now,
        on_hold=hold_in_place(person),
        anonymised=Anonymisation.objects.filter(person=person).exists(),
    )


# --- Legal holds -----------------------------------------------------------------------


def _reason(reason: str, field: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: message})
    if len(reason) > REASON_MAX:
        raise ValidationError({field: f"The reason must be {REASON_MAX} characters or fewer"})
    return reason


def place_hold(*, person: Person, reason: str, actor, now: datetime) -> LegalHold:
    reason = _reason(reason, "reason", "Enter why the record must be kept")
    with transaction.atomic():
        # Serialise with the sweep, which takes the same lock before anonymising.
        person = Person.objects.select_for_update().get(pk=person.pk)
        if Anonymisation.objects.filter(person=person).exists():
            raise ValidationError(
                {"reason": "This record has already been anonymised: there is nothing to keep"}
            )
        hold = LegalHold.objects.create(
            person=person, reason=reason, placed_by=actor, placed_at=now
        )
        record_event(
            kind="person.legal_hold_placed",
            summary="Legal hold placed: the record is kept past its retention period",
            actor=actor,
            now=now,
            person=person,
            data={"hold": hold.pk},
        )
    return hold


def lift_hold(*, hold: LegalHold, reason: str, actor, now: datetime) -> LegalHold:
    reason = _reason(reason, "lift_reason", "Enter why the hold is no longer needed")
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if not hold.in_place:
            raise ValidationError({"lift_reason": "This hold has already been lifted"})
        hold.lifted_at, hold.lifted_by, hold.lift_reason = now, actor, reason
        hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        record_event(
            kind="person.legal_hold_lifted",
            summary="Legal hold lifted: the retention policy applies again",
            actor=actor,
            now=now,
            person=hold.person,
            data={"hold": hold.pk},
        )
    return hold


# --- Anonymisation ---------------------------------------------------------------------


def anonymise(*, person: Person, now: datetime, periods: Periods | None = None) -> bool:
    """Remove what identifies the person and the free text about them, if the retention
    rules say so now. Events and the access log stay: they are the audit."""
    periods = periods or periods_from_settings()
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        # Decided again under the lock: a hold or a referral may have arrived meanwhile.
        decision = retention_decision(person, now=now, periods=periods)
        if decision.verdict != Verdict.ANONYMISE:
            return False
        Person.objects.filter(pk=person.pk).update(
            given_name="Anonymised",
            family_name=f"person {person.pk}",
            preferred_name="",
            nhs_number=None,
            case_system_id=None,
            date_of_birth=date(person.date_of_birth.year, 1, 1),
            address_line_1="",
            address_line_2="",
            town="",
            postcode="",
            phone="",
            email="",
            communication_needs="",
            portal_user=None,
        )
        Carer.objects.filter(person=person).update(
            name="Anonymised carer", relationship="", phone="", email="", portal_user=None
        )
        for model, path, fields in FREE_TEXT:
            model.objects.filter(**{path: person}).update(**dict.fromkeys(fields, ""))
        # Messages about the person's referrals named them (before issue 9's item 10).
        Notification.objects.filter(referral__person=person).update(body=REMOVED)
        OutboxMessage.objects.filter(notification__referral__person=person).update(body=REMOVED)
        # An email to the person themself also kept their address (issue 10 item 8).
        OutboxMessage.objects.filter(referral__person=person).update(body=REMOVED, to_email="")
        Anonymisation.objects.create(
            person=person,
            anonymised_at=now,
            last_ended_at=decision.last_ended_at,
            period_years=decision.period_years,
            rule=decision.kind,
        )
        record_event(
            kind="person.anonymised",
            summary="Anonymised under the retention policy",
            actor=None,
            now=now,
            person=person,
            data={
                "rule": str(decision.kind),
                "period_years": decision.period_years,
                "last_ended_at": decision.last_ended_at.isoformat(),
            },
        )
    return True


@dataclass
class SweepResult:
    anonymised: int = 0
    held: int = 0
    audit_rows_past_period: int = 0

    def as_dict(self) -> dict:
        return {
            "anonymised": self.anonymised,
            "kept_by_legal_hold": self.held,
            "audit_rows_past_period": self.audit_rows_past_period,
        }


def retention_sweep(*, now: datetime, periods: Periods | None = None) -> SweepResult:
    """Anonymise everyone whose retention period has passed and who has no legal hold.
    Idempotent: an anonymised person is never looked at again."""
    periods = periods or periods_from_settings()
    result = SweepResult()
    shortest = min(periods.episode_years, periods.referral_years)
    open_referral = Referral.objects.filter(
        person=OuterRef("pk"), status__in=[*OPEN_STATUSES, *WAITING_STATUSES]
    )
    open_episode = Episode.objects.filter(person=OuterRef("pk"), status__in=OPEN_EPISODE_STATUSES)
    candidates = (
        Person.objects.filter(anonymisation__isnull=True, created_at__lte=add_years(now, -shortest))
        .exclude(Exists(open_referral))
        .exclude(Exists(open_episode))
        .order_by("pk")
    )
    for person in candidates.iterator(chunk_size=500):
        decision = retention_decision(person, now=now, periods=periods)
        if decision.verdict == Verdict.HELD:
            result.held += 1
        elif decision.verdict == Verdict.ANONYMISE and anonymise(
            person=person, now=now, periods=periods
        ):
            result.anonymised += 1
    audit_cutoff = add_years(now, -settings.RETENTION_AUDIT_YEARS)
    result.audit_rows_past_period = (
        Event.objects.filter(occurred_at__lt=audit_cutoff).count()
        + AccessLogEntry.objects.filter(at__lt=audit_cutoff).count()
    )
    return result
