"""Telling people: one inbox row per recipient, and an outbox row for email, written inside
the caller's transaction so a change and its notice are saved together or not at all."""

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q

from enablement.core.limits import fit
from enablement.notifications.models import Notification, OutboxMessage

log = logging.getLogger(__name__)


def notify(*, users, subject: str, body: str, now: datetime, referral=None) -> list[Notification]:
    limit = Notification._meta.get_field("subject").max_length
    if len(subject) > limit:
        # A subject may quote what people typed; the whole of it opens the body.
        subject, body = fit(subject, limit), f"{subject}\n\n{body}"
    made = []
    for user in {u.pk: u for u in users if u is not None}.values():
        note = Notification.objects.create(
            user=user, subject=subject, body=body, referral=referral, created_at=now
        )
        if user.email:
            OutboxMessage.objects.create(
                notification=note,
                to_email=user.email,
                subject=subject,
                body=body,
                created_at=now,
            )
        made.append(note)
    return made


def _send(message: OutboxMessage) -> None:
    if settings.NOTIFY_API_KEY and getattr(settings, "NOTIFY_EMAIL_TEMPLATE_ID", None):
        from notifications_python_client.notifications import NotificationsAPIClient

        NotificationsAPIClient(settings.NOTIFY_API_KEY).send_email_notification(
            email_address=message.to_email,
            template_id=settings.NOTIFY_EMAIL_TEMPLATE_ID,
            personalisation={"subject": message.subject, "body": message.body},
        )
    else:
        send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to_email])


def deliver_outbox(*, now: datetime, limit: int = 100, stale_after_seconds: int = 600) -> int:
    """Send what is waiting. Each message is claimed with a conditional update first, so two
    workers never send the same one; a claim older than `stale_after_seconds` (a worker that
    died mid-send) may be taken again."""
    from datetime import timedelta

    stale = now - timedelta(seconds=stale_after_seconds)
    sent = 0
    candidates = OutboxMessage.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale), sent_at__isnull=True, attempts__lt=5
    ).values_list("pk", flat=True)[:limit]
    for pk in list(candidates):
        claimed = OutboxMessage.objects.filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale), pk=pk, sent_at__isnull=True
        ).update(claimed_at=now)
        if not claimed:
            continue  # another worker has it
        message = OutboxMessage.objects.get(pk=pk)
        try:
            _send(message)
        except Exception as exc:
            log.warning("email to %s failed: %s", message.to_email, exc)
            OutboxMessage.objects.filter(pk=pk).update(
                claimed_at=None, attempts=message.attempts + 1, last_error=str(exc)[:2000]
            )
            continue
        with transaction.atomic():
            OutboxMessage.objects.filter(pk=pk).update(sent_at=now, attempts=message.attempts + 1)
        sent += 1
    return sent


def mark_read(*, notification: Notification, now: datetime) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=now)
