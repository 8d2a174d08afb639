"""Telling people: one inbox row per recipient, and an outbox row for email, written inside
the caller's transaction so a change and its notice are saved together or not at all.

The inbox keeps the full message, behind sign-in. The email says only that there is a
message, with the referral's reference and a link: an email can be forwarded, misdirected
or read on a shared screen, so it names no person and no service (GOV.UK Notify's guidance
on personal data in email; docs/SECURITY.md "Email content").
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse

from enablement.core.batches import insert_rows
from enablement.core.limits import fit
from enablement.governance.services import record_event
from enablement.notifications.models import Notification, OutboxMessage

log = logging.getLogger(__name__)

STALE_AFTER_SECONDS = 600
MAX_ATTEMPTS = 5


def email_subject(referral=None, *, reference: str | None = None) -> str:
    service = settings.ENABLEMENT_SERVICE_NAME
    reference = reference or (referral.reference if referral is not None else "")
    if reference:
        return f"{service}: a new message about referral {reference}"
    return f"{service}: you have a new message"


def _inbox_url() -> str:
    return f"{settings.ENABLEMENT_BASE_URL.rstrip('/')}{reverse('notifications:inbox')}"


def email_body(note: Notification) -> str:
    reference = note.referral.reference if note.referral is not None else ""
    return _email_body(note.pk, reference, _inbox_url())


def _email_body(note_id: int, reference: str, inbox: str) -> str:
    about = f" about referral {reference}" if reference else ""
    return (
        f"You have a new message{about} in {settings.ENABLEMENT_SERVICE_NAME}.\n\n"
        f"Sign in to read it: {inbox}#message-{note_id}\n\n"
        "The message itself is not in this email, to keep people's details out of email."
    )


def _fitted(subject: str, body: str) -> tuple[str, str]:
    limit = Notification._meta.get_field("subject").max_length
    if len(subject) > limit:
        # A subject may quote what people typed; the whole of it opens the body.
        subject, body = fit(subject, limit), f"{subject}\n\n{body}"
    return subject, body


def notify(*, users, subject: str, body: str, now: datetime, referral=None) -> list[Notification]:
    """`subject` and `body` go to the inbox only; the email is made from the reference."""
    subject, body = _fitted(subject, body)
    made = []
    for user in {u.pk: u for u in users if u is not None}.values():
        note = Notification.objects.create(
            user=user, subject=subject, body=body, referral=referral, created_at=now
        )
        if user.email:
            OutboxMessage.objects.create(
                notification=note,
                to_email=user.email,
                subject=email_subject(referral),
                body=email_body(note),
                created_at=now,
            )
        made.append(note)
    return made


@dataclass(frozen=True)
class Notice:
    """One `notify` call, for `notify_many`, by ids: a job need not load the users."""

    user_ids: Sequence[int | None]
    subject: str
    body: str
    referral_id: int | None = None
    reference: str = ""


def notify_many(notices: Sequence[Notice], *, now: datetime) -> int:
    """What `notify` writes for each notice (one inbox row per distinct recipient, and an
    email for each who has an address), for a job that tells many people at once: the
    recipients' addresses read once, then one insert for the inbox rows and one for the
    emails (core.batches.insert_rows). Returns the number of inbox rows."""
    from django.contrib.auth import get_user_model

    wanted = {pk for notice in notices for pk in notice.user_ids if pk is not None}
    address = dict(get_user_model().objects.filter(pk__in=wanted).values_list("pk", "email"))
    notes, about = [], []
    for notice in notices:
        subject, body = _fitted(notice.subject, notice.body)
        for user_id in dict.fromkeys(pk for pk in notice.user_ids if pk is not None):
            notes.append((user_id, now, subject, body, notice.referral_id))
            about.append((address.get(user_id, ""), notice))
    ids = insert_rows(
        Notification, ("user_id", "created_at", "subject", "body", "referral_id"), notes
    )
    inbox = _inbox_url()
    emails = [
        (
            note_id,
            to,
            email_subject(reference=notice.reference),
            _email_body(note_id, notice.reference, inbox),
            now,
        )
        for note_id, (to, notice) in zip(ids, about, strict=True)
        if to
    ]
    insert_rows(
        OutboxMessage, ("notification_id", "to_email", "subject", "body", "created_at"), emails
    )
    return len(notes)


def email_person(*, to_email: str, body: str, referral, now: datetime) -> OutboxMessage:
    """An email to a member of the public about their referral, who has no account to read
    an inbox. The caller writes a body with no personal details (the reference, what to do,
    a phone number); it goes out through the same outbox, once."""
    return OutboxMessage.objects.create(
        notification=None,
        referral=referral,
        to_email=to_email,
        subject=f"{settings.ENABLEMENT_SERVICE_NAME}: your request for support, reference "
        f"{referral.reference}",
        body=body,
        created_at=now,
    )


def _notify_client():
    if settings.NOTIFY_API_KEY and getattr(settings, "NOTIFY_EMAIL_TEMPLATE_ID", None):
        from notifications_python_client.notifications import NotificationsAPIClient

        return NotificationsAPIClient(settings.NOTIFY_API_KEY)
    return None


def _notify_already_has(client, message: OutboxMessage) -> str | None:
    """Notify's id for this message if Notify already took it (in any state: delivered,
    sending or failed), else None. Notify lists what it holds by the `reference` it was given
    (for its retention period, 7 days unless changed), so this answers for any claim that
    went stale within that time."""
    found = client.get_all_notifications(reference=message.provider_reference)
    for item in found.get("notifications", []):
        if item.get("reference") == message.provider_reference:
            return str(item.get("id", ""))
    return None


def _send(client, message: OutboxMessage) -> str:
    """Hand the message over; returns the provider's id where it gives one."""
    if client is not None:
        response = client.send_email_notification(
            email_address=message.to_email,
            template_id=settings.NOTIFY_EMAIL_TEMPLATE_ID,
            personalisation={"subject": message.subject, "body": message.body},
            reference=message.provider_reference,
        )
        return str((response or {}).get("id", ""))
    send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to_email])
    return ""


def _claim(pk: int, *, now: datetime, stale: datetime) -> tuple[OutboxMessage, bool] | None:
    """Take the message for this worker with a conditional update, so two workers never both
    hold it. Returns it and whether it had been claimed before by a worker that never
    finished (so it may have been sent), or None if it is not ours to send."""
    message = OutboxMessage.objects.filter(pk=pk).first()
    if message is None or message.sent_at or message.needs_check_at:
        return None
    before = message.claimed_at
    if before is not None and before >= stale:
        return None  # another worker is on it
    held = Q(claimed_at__isnull=True) if before is None else Q(claimed_at=before)
    taken = OutboxMessage.objects.filter(
        held, pk=pk, sent_at__isnull=True, needs_check_at__isnull=True
    ).update(claimed_at=now)
    if not taken:
        return None
    message.claimed_at = now
    return message, before is not None


def waiting(*, stale: datetime):
    """The emails still to send, oldest first: never claimed, or claimed before `stale` by
    a worker that stopped. Read through the index of unsent rows (`outbox_waiting`)."""
    return OutboxMessage.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale),
        sent_at__isnull=True,
        needs_check_at__isnull=True,
        attempts__lt=MAX_ATTEMPTS,
    ).order_by("created_at", "id")


def deliver_outbox(
    *, now: datetime, limit: int = 100, stale_after_seconds: int = STALE_AFTER_SECONDS
) -> int:
    """Send what is waiting; returns how many were handed to the provider by this run.

    Each message is claimed before it is sent and marked sent after, so a worker that dies in
    between leaves a claim that goes stale after `stale_after_seconds`. That message may or
    may not have gone out. Through GOV.UK Notify it is looked up by its reference (the outbox
    id) and sent only if Notify never had it; through SMTP it is not resent automatically but
    set aside for a system administrator to check (emails_to_check)."""
    stale = now - timedelta(seconds=stale_after_seconds)
    client = _notify_client()
    sent = 0
    candidates = waiting(stale=stale).values_list("pk", flat=True)[:limit]
    for pk in list(candidates):
        claimed = _claim(pk, now=now, stale=stale)
        if claimed is None:
            continue
        message, interrupted = claimed
        mine = OutboxMessage.objects.filter(pk=pk, claimed_at=now)
        try:
            if client is not None and (interrupted or message.attempts):
                # A timeout after Notify took the request counts as a failed attempt too.
                already = _notify_already_has(client, message)
                if already is not None:
                    mine.update(sent_at=now, provider_id=already)
                    log.info("email %s was already with Notify; not sent again", pk)
                    continue
            elif interrupted:
                mine.update(
                    needs_check_at=now,
                    last_error="The worker sending this email stopped before recording "
                    "whether it was sent. Check with the recipient before sending it again.",
                )
                log.warning("email %s may have been sent; set aside for a person to check", pk)
                continue
            provider_id = _send(client, message)
        except Exception as exc:
            log.warning("email %s to %s failed: %s", pk, message.to_email, exc)
            mine.update(claimed_at=None, attempts=F("attempts") + 1, last_error=str(exc)[:2000])
            continue
        mine.update(sent_at=now, attempts=F("attempts") + 1, provider_id=provider_id)
        sent += 1
    return sent


def emails_to_check():
    return OutboxMessage.objects.filter(needs_check_at__isnull=False, sent_at__isnull=True)


def email_checked(*, message: OutboxMessage, send_again: bool, actor, now: datetime) -> None:
    """A system administrator's answer for an email that may have been sent: either it
    arrived (so it is marked sent) or it did not (so the worker sends it again)."""
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if locked.needs_check_at is None or locked.sent_at is not None:
            raise ValidationError("This email has already been checked.")
        if send_again:
            locked.needs_check_at = None
            locked.claimed_at = None
        else:
            locked.sent_at = now
        locked.checked_at = now
        locked.checked_by = actor
        locked.save()
        record_event(
            kind="email.checked",
            summary=f"Email {locked.pk} to {locked.to_email}: "
            + ("to be sent again" if send_again else "confirmed as sent"),
            actor=actor,
            now=now,
            data={"outbox": locked.pk, "send_again": send_again},
        )


def mark_read(*, notification: Notification, now: datetime) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=now)
