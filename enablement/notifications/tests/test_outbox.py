"""The outbox: each email carries a reference and a link only, is sent once, retried on
failure, and never repeated after a worker dies mid-send (GOV.UK Notify is asked by
reference; an SMTP message waits for a person to check)."""

import datetime as dt
import re
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from enablement.catalogue.models import Service
from enablement.governance.models import Event
from enablement.notifications.models import Notification, OutboxMessage
from enablement.notifications.services import deliver_outbox, notify
from enablement.people.models import Person
from enablement.referrals.models import Referral

NOW = timezone.make_aware(dt.datetime(2026, 4, 2, 10))
LATER = NOW + dt.timedelta(minutes=11)  # a claim taken at NOW has gone stale


@pytest.fixture
def referral(demo):
    return Referral.objects.filter(person__family_name="Sample").get()


@pytest.fixture
def message(referral, user_for):
    # Only this message waits: the demo's own emails are out of the way.
    OutboxMessage.objects.update(sent_at=NOW)
    person = referral.person.full_name
    notify(
        users=[user_for("referrer")],
        subject=f"Referral {referral.reference} received",
        body=f"Your referral of {person} to {referral.service.name} has been received.",
        referral=referral,
        now=NOW,
    )
    return OutboxMessage.objects.get(sent_at__isnull=True)


class FakeNotify:
    """GOV.UK Notify as its Python client sees it: it keeps what it was sent, and lists it
    by reference."""

    held: list[dict]
    fail_sending = False
    fail_listing = False

    def __init__(self, key):
        self.key = key

    def send_email_notification(self, **kwargs):
        if FakeNotify.fail_sending:
            raise TimeoutError("Notify did not answer in time")
        item = {"id": str(uuid.uuid4()), **kwargs}
        FakeNotify.held.append(item)
        return {"id": item["id"], "reference": kwargs.get("reference")}

    def get_all_notifications(self, reference=None, **kwargs):
        if FakeNotify.fail_listing:
            raise ConnectionError("Notify unreachable")
        found = [n for n in FakeNotify.held if n.get("reference") == reference]
        return {"notifications": found, "links": {}}


@pytest.fixture
def fake_notify(settings, monkeypatch):
    settings.NOTIFY_API_KEY = "test-key"
    settings.NOTIFY_EMAIL_TEMPLATE_ID = "template-1"
    FakeNotify.held = []
    FakeNotify.fail_sending = FakeNotify.fail_listing = False
    monkeypatch.setattr(
        "notifications_python_client.notifications.NotificationsAPIClient", FakeNotify
    )
    return FakeNotify


def _claimed_by_a_worker_that_died(message):
    """The worker claimed the message at NOW and was killed before marking it sent."""
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_at=NOW)


# What the email says


def test_the_inbox_keeps_the_full_message_and_the_email_only_a_reference_and_link(
    message, referral
):
    note = message.notification
    assert referral.person.full_name in note.body
    assert message.subject == f"Enablement: a new message about referral {referral.reference}"
    assert f"Sign in to read it: http://127.0.0.1:8000/inbox/#message-{note.pk}" in message.body
    for private in (referral.person.full_name, referral.person.family_name, referral.service.name):
        assert private not in message.subject and private not in message.body


def test_the_link_uses_the_configured_address(referral, user_for, settings):
    settings.ENABLEMENT_BASE_URL = "https://enablement.kent.example/"
    [note] = notify(users=[user_for("worker")], subject="s", body="b", referral=referral, now=NOW)
    assert f"https://enablement.kent.example/inbox/#message-{note.pk}" in note.outbox.body


def test_a_message_without_a_referral_gives_no_reference(demo, user_for):
    [note] = notify(users=[user_for("worker")], subject="Leave booked", body="b", now=NOW)
    assert note.outbox.subject == "Enablement: you have a new message"


def test_no_email_the_demo_writes_names_a_person_or_a_service(demo):
    # The demo runs the real actions (submitting, validating, allocating...), so its outbox
    # holds what each caller of notify() writes.
    emails = list(OutboxMessage.objects.all())
    assert len(emails) >= 10
    names = [p.full_name for p in Person.objects.all()] + [s.name for s in Service.objects.all()]
    leaks = [(m.subject, name) for m in emails for name in names if name in m.subject + m.body]
    assert not leaks, leaks
    # while the inbox still says who and what
    assert any(any(n in note.body for n in names) for note in Notification.objects.all())


def test_the_link_leads_to_the_message_in_the_inbox(message, client_for):
    page = client_for("referrer").get("/inbox/").content.decode()
    assert f'id="message-{message.notification.pk}"' in page


# Sending once, by SMTP


def test_sent_once_by_email(message, mailoutbox):
    assert deliver_outbox(now=NOW) == 1
    assert deliver_outbox(now=NOW) == 0
    assert [m.subject for m in mailoutbox] == [message.subject]
    assert "Sign in to read it" in mailoutbox[0].body


def test_a_failure_is_kept_and_retried(message, monkeypatch, mailoutbox):
    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("enablement.notifications.services.send_mail", broken)
    assert deliver_outbox(now=NOW) == 0
    message.refresh_from_db()
    assert (message.sent_at, message.claimed_at, message.attempts) == (None, None, 1)
    assert "mail server down" in message.last_error
    monkeypatch.undo()
    assert deliver_outbox(now=NOW) == 1
    assert len(mailoutbox) == 1


def test_a_claimed_message_is_not_sent_by_a_second_worker(message, mailoutbox):
    _claimed_by_a_worker_that_died(message)
    assert deliver_outbox(now=NOW + dt.timedelta(minutes=5)) == 0
    assert mailoutbox == []


def test_a_stale_smtp_claim_is_not_resent_but_set_aside_for_a_person(message, mailoutbox):
    # Before: the claim was simply taken again after 10 minutes and the email sent twice.
    _claimed_by_a_worker_that_died(message)
    assert deliver_outbox(now=LATER) == 0
    assert deliver_outbox(now=LATER + dt.timedelta(hours=1)) == 0
    assert mailoutbox == []
    message.refresh_from_db()
    assert message.needs_check_at == LATER
    assert message.sent_at is None


def test_the_system_administrator_sees_emails_to_check(message, client_for):
    _claimed_by_a_worker_that_died(message)
    deliver_outbox(now=LATER)
    sysadmin = client_for("sysadmin")
    home = sysadmin.get("/home/administration/").content.decode()
    assert "1 email may not have been sent" in home
    page = sysadmin.get("/inbox/emails-to-check/")
    assert page.status_code == 200
    assert message.to_email in page.content.decode()
    assert message.subject in page.content.decode()


def test_confirming_it_arrived_marks_it_sent_and_records_who(message, client_for, mailoutbox):
    _claimed_by_a_worker_that_died(message)
    deliver_outbox(now=LATER)
    response = client_for("sysadmin").post(
        f"/inbox/emails-to-check/{message.pk}/", {"outcome": "sent"}
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.sent_at is not None and message.checked_by.username == "sysadmin"
    assert Event.objects.get(kind="email.checked").data == {
        "outbox": message.pk,
        "send_again": False,
    }
    assert deliver_outbox(now=LATER + dt.timedelta(hours=1)) == 0
    assert mailoutbox == []
    page = client_for("sysadmin").get("/inbox/emails-to-check/").content.decode()
    assert "There are no emails to check" in page


def test_send_it_again_sends_it_exactly_once(message, client_for, mailoutbox):
    _claimed_by_a_worker_that_died(message)
    deliver_outbox(now=LATER)
    client_for("sysadmin").post(f"/inbox/emails-to-check/{message.pk}/", {"outcome": "send-again"})
    later = LATER + dt.timedelta(minutes=1)
    assert deliver_outbox(now=later) == 1
    assert deliver_outbox(now=later + dt.timedelta(hours=1)) == 0
    assert len(mailoutbox) == 1
    # and a second answer for the same email is refused
    response = client_for("sysadmin").post(
        f"/inbox/emails-to-check/{message.pk}/", {"outcome": "send-again"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["admin", "provision_manager", "senior", "referrer"])
def test_only_the_system_administrator_answers_for_an_email(message, client_for, role):
    _claimed_by_a_worker_that_died(message)
    deliver_outbox(now=LATER)
    response = client_for(role).post(
        f"/inbox/emails-to-check/{message.pk}/", {"outcome": "send-again"}
    )
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.needs_check_at is not None


# Sending once, through GOV.UK Notify


def test_notify_is_given_the_outbox_id_as_its_reference(message, fake_notify):
    assert deliver_outbox(now=NOW) == 1
    [sent] = fake_notify.held
    assert sent["email_address"] == "referrer@example.invalid"
    assert sent["template_id"] == "template-1"
    assert sent["reference"] == f"enablement-outbox-{message.pk}"
    assert sent["personalisation"] == {"subject": message.subject, "body": message.body}
    message.refresh_from_db()
    assert message.provider_id == sent["id"]


def test_a_stale_claim_already_with_notify_is_not_sent_again(message, fake_notify):
    # The worker sent it, then died before recording that it had.
    deliver_outbox(now=NOW)
    OutboxMessage.objects.filter(pk=message.pk).update(sent_at=None, provider_id="")
    assert deliver_outbox(now=LATER) == 0
    assert len(fake_notify.held) == 1
    message.refresh_from_db()
    assert message.sent_at == LATER
    assert message.provider_id == fake_notify.held[0]["id"]


def test_a_stale_claim_notify_never_had_is_sent_once(message, fake_notify):
    # The worker died after claiming, before sending.
    _claimed_by_a_worker_that_died(message)
    assert deliver_outbox(now=LATER) == 1
    assert deliver_outbox(now=LATER + dt.timedelta(hours=1)) == 0
    assert len(fake_notify.held) == 1


def test_a_timeout_that_reached_notify_is_not_sent_again(message, fake_notify, monkeypatch):
    # Notify took the email, but the answer never came back.
    original = FakeNotify.send_email_notification

    def took_it_then_timed_out(self, **kwargs):
        original(self, **kwargs)
        raise TimeoutError("read timed out")

    monkeypatch.setattr(FakeNotify, "send_email_notification", took_it_then_timed_out)
    assert deliver_outbox(now=NOW) == 0
    monkeypatch.setattr(FakeNotify, "send_email_notification", original)
    assert deliver_outbox(now=NOW + dt.timedelta(minutes=1)) == 0
    assert len(fake_notify.held) == 1
    message.refresh_from_db()
    assert message.sent_at is not None


def test_if_notify_cannot_be_asked_nothing_is_sent_until_it_can(message, fake_notify):
    _claimed_by_a_worker_that_died(message)
    fake_notify.fail_listing = True
    assert deliver_outbox(now=LATER) == 0
    message.refresh_from_db()
    assert (message.sent_at, message.attempts) == (None, 1)
    assert "unreachable" in message.last_error
    assert fake_notify.held == []
    fake_notify.fail_listing = False
    assert deliver_outbox(now=LATER + dt.timedelta(minutes=1)) == 1
    assert len(fake_notify.held) == 1


def test_inbox_tags_new_messages_once_then_they_are_read(message, client_for):
    client = client_for("referrer")
    tagged = re.compile(rf"New</strong> (<a [^>]*>)?{re.escape(message.notification.subject)}")
    assert tagged.search(client.get("/inbox/").content.decode())
    message.notification.refresh_from_db()
    assert message.notification.read_at is not None
    assert not tagged.search(client.get("/inbox/").content.decode())


def test_the_menu_says_how_many_messages_wait_unread(demo, client_for, user_for):
    """Issue 12 item 5: the inbox shows an unread count in the navigation."""
    from enablement.notifications.models import Notification

    user = user_for("referrer")
    Notification.objects.filter(user=user).update(read_at=None)
    total = Notification.objects.filter(user=user).count()
    assert total > 0
    page = client_for("referrer").get("/home/my-referrals/").content.decode()
    assert f'data-testid="unread-count">({total}<span class="govuk-visually-hidden"> unread' in page
    Notification.objects.filter(user=user).update(read_at=demo)
    page = client_for("referrer").get("/home/my-referrals/").content.decode()
    assert 'data-testid="unread-count"' not in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
@pytest.mark.django_db
def test_the_sender_reads_the_unsent_from_their_own_index_in_order():
    """Only unsent rows are indexed, oldest first: the next hundred are read without passing
    the sent ones or sorting (sequential scans off, as a small test table prefers one)."""
    from enablement.notifications.services import waiting

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = waiting(stale=timezone.now()).values_list("pk", flat=True)[:100].explain()
    assert "outbox_waiting" in plan and "Sort" not in plan, plan
