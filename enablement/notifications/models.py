"""The in-app inbox and the email outbox, written in the same transaction as the change
they report; a worker delivers the outbox afterwards."""

from django.conf import settings
from django.db import models

from enablement.core.limits import MESSAGE_TEXT


class Notification(models.Model):
    """One message in a user's in-app inbox."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # the (user, -created_at) index leads with it
    )
    created_at = models.DateTimeField()  # read through the (user, -created_at) index
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=MESSAGE_TEXT)
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return self.subject


class OutboxMessage(models.Model):
    """An email waiting to be sent. Claimed with a conditional update so two workers never
    send the same message (healthchecks' sendalerts).

    The email carries only a reference and a link, never the inbox message's text: the
    notification keeps that, behind sign-in (GOV.UK Notify's guidance on personal data in
    email). A claim that outlives its worker may have been sent: through Notify it is looked
    up by its reference before any resend; through SMTP, which cannot be asked, it waits
    (`needs_check_at`) for a system administrator to say whether to send it again."""

    notification = models.OneToOneField(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="outbox"
    )
    # An email to someone with no account and so no inbox: a person who referred themself,
    # told their referral was returned (issue 10 item 8). It carries the reference, what is
    # missing and the service's phone number, and nothing else (`email_person`).
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="emails_to_person",
    )
    to_email = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=MESSAGE_TEXT)
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(max_length=2000, blank=True)
    # GOV.UK Notify's id for the email, once Notify has it.
    provider_id = models.CharField(max_length=100, blank=True)
    needs_check_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # a handful of rows; read only beside the message itself
    )

    class Meta:
        ordering = ["created_at", "id"]
        # Only the rows still to act on are indexed, in the order they are sent: every
        # email written adds one entry, not one per column, and the sender reads the next
        # hundred without passing the sent (issue 14: the sweep writes 200,000 at once).
        indexes = [
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(sent_at__isnull=True, needs_check_at__isnull=True),
                name="outbox_waiting",
            ),
            models.Index(
                fields=["needs_check_at"],
                condition=models.Q(needs_check_at__isnull=False, sent_at__isnull=True),
                name="outbox_to_check",
            ),
        ]

    @property
    def provider_reference(self) -> str:
        """What GOV.UK Notify is given as `reference`, to find this email again."""
        return f"enablement-outbox-{self.pk}"

    def __str__(self) -> str:
        return f"{self.to_email}: {self.subject}"
