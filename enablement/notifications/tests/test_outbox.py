"""The outbox: sent once, retried on failure, through email or GOV.UK Notify by setting."""

import datetime as dt

import pytest
from django.utils import timezone

from enablement.notifications.models import OutboxMessage
from enablement.notifications.services import deliver_outbox, notify

NOW = timezone.make_aware(dt.datetime(2026, 4, 2, 10))


@pytest.fixture
def message(demo, user_for):
    notify(users=[user_for("referrer")], subject="Referral KERS-1 received", body="Hello", now=NOW)
    return OutboxMessage.objects.get(subject="Referral KERS-1 received")


def test_inbox_and_outbox_are_written_together(message, user_for):
    assert message.notification.user == user_for("referrer")
    assert message.to_email == "referrer@example.invalid"


def test_sent_once_by_email(message, mailoutbox):
    OutboxMessage.objects.exclude(pk=message.pk).update(sent_at=NOW)
    assert deliver_outbox(now=NOW) == 1
    assert deliver_outbox(now=NOW) == 0
    assert [m.subject for m in mailoutbox] == ["Referral KERS-1 received"]


def test_a_failure_is_kept_and_retried(message, monkeypatch, mailoutbox):
    OutboxMessage.objects.exclude(pk=message.pk).update(sent_at=NOW)

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("enablement.notifications.services.send_mail", broken)
    assert deliver_outbox(now=NOW) == 0
    message.refresh_from_db()
    assert (message.sent_at, message.attempts) == (None, 1)
    assert "mail server down" in message.last_error
    monkeypatch.undo()
    assert deliver_outbox(now=NOW) == 1


def test_gov_uk_notify_is_used_when_configured(message, settings, monkeypatch):
    OutboxMessage.objects.exclude(pk=message.pk).update(sent_at=NOW)
    settings.NOTIFY_API_KEY = "test-key"
    settings.NOTIFY_EMAIL_TEMPLATE_ID = "template-1"
    calls = []

    class FakeClient:
        def __init__(self, key):
            calls.append(("key", key))

        def send_email_notification(self, **kwargs):
            calls.append(("send", kwargs))

    monkeypatch.setattr(
        "notifications_python_client.notifications.NotificationsAPIClient", FakeClient
    )
    assert deliver_outbox(now=NOW) == 1
    assert calls[0] == ("key", "test-key")
    assert calls[1][1]["email_address"] == "referrer@example.invalid"
    assert calls[1][1]["personalisation"]["subject"] == "Referral KERS-1 received"


def test_a_claimed_message_is_not_sent_by_a_second_worker(message, mailoutbox):
    OutboxMessage.objects.exclude(pk=message.pk).update(sent_at=NOW)
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_at=NOW)  # another worker has it
    assert deliver_outbox(now=NOW) == 0
    later = NOW + dt.timedelta(minutes=11)  # that worker died; the claim has gone stale
    assert deliver_outbox(now=later) == 1


def test_inbox_tags_new_messages_once_then_they_are_read(message, client_for):
    client = client_for("referrer")
    first = client.get("/inbox/").content.decode()
    assert "New</strong> Referral KERS-1 received" in first
    message.notification.refresh_from_db()
    assert message.notification.read_at is not None
    assert "New</strong> Referral KERS-1 received" not in client.get("/inbox/").content.decode()
