"""Staff sign-in hardened (issue 9, item 5): lockout after wrong passwords and unlock by a
system administrator, two-factor authentication with recovery codes, passwords, switching an
account off, and API tokens that expire and are throttled."""

import datetime as dt
import re
import time

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from enablement.accounts import services
from enablement.accounts.models import ApiToken, User
from enablement.accounts.roles import ROLES, Role
from enablement.accounts.tests.test_access_matrix import _targets, demo_ids  # noqa: F401
from enablement.demo.loader import DEMO_PASSWORD
from enablement.governance.models import Event

PASSWORD = "correct horse battery staple"
WRONG = "not the password at all"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The API's bad-token counter lives in the cache, shared by every test in the process.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_user(db):
    def make(username: str, role: Role, **extra) -> User:
        user = User.objects.create_user(
            username=username, password=PASSWORD, email=f"{username}@example.invalid", **extra
        )
        user.groups.add(Group.objects.get(name=ROLES[role].group))
        return user

    return make


def _sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post("/sign-in/", {"username": username, "password": password})


def _app_code(device, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or in a later 30-second step)."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def _set_up_two_factor(user) -> list[str]:
    device = services.pending_totp_device(user)
    return services.two_factor_confirm(
        user=user, device=device, code=_app_code(device), now=timezone.now()
    )


# --- Lockout --------------------------------------------------------------------------------


def test_twenty_wrong_passwords_lock_the_account_and_the_lock_is_an_event(make_user):
    make_user("pat.worker", Role.WORKER)
    client = Client()
    for _ in range(19):
        response = _sign_in(client, "pat.worker", WRONG)
        assert response.status_code == 200
        assert "Enter a correct username and password" in response.content.decode()
    assert not Event.objects.filter(kind="account.locked").exists()

    # The twentieth wrong password locks the account, with a page that says so
    response = _sign_in(client, "pat.worker", WRONG)
    assert response.status_code == 429
    assert "This account is locked" in response.content.decode()
    assert "system administrator" in response.content.decode()

    # and now even the right password, from another browser, does not sign in
    other = Client()
    response = _sign_in(other, "pat.worker")
    assert response.status_code == 429
    assert other.get("/").status_code == 302
    assert other.get("/")["Location"].startswith("/sign-in/")

    (event,) = Event.objects.filter(kind="account.locked")
    assert event.data["username"] == "pat.worker"
    assert event.data["user"] == User.objects.get(username="pat.worker").pk


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_limit_is_a_setting_and_a_right_password_before_it_starts_again(make_user):
    make_user("pat.worker", Role.WORKER)
    client = Client()
    _sign_in(client, "pat.worker", WRONG)
    _sign_in(client, "pat.worker", WRONG)
    assert _sign_in(client, "pat.worker").status_code == 302  # signed in: the count restarts
    client.post("/sign-out/")
    for _ in range(2):
        assert _sign_in(client, "pat.worker", WRONG).status_code == 200
    assert _sign_in(client, "pat.worker", WRONG).status_code == 429


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_system_administrator_unlocks_a_locked_account(make_user):
    worker = make_user("pat.worker", Role.WORKER)
    admin = make_user("sam.admin", Role.SYSADMIN)
    for _ in range(3):
        _sign_in(Client(), "pat.worker", WRONG)

    # Another role cannot see the list or unlock
    senior = Client()
    senior.force_login(make_user("sid.senior", Role.SENIOR))
    assert senior.get("/users/locked/").status_code == 403
    assert senior.post("/users/locked/unlock/", {"username": "pat.worker"}).status_code == 403
    assert _sign_in(Client(), "pat.worker").status_code == 429

    sysadmin = Client()
    sysadmin.force_login(admin)
    page = sysadmin.get("/users/locked/").content.decode()
    assert "pat.worker" in page and "Unlock" in page
    assert "Locked after too many wrong passwords" in (
        sysadmin.get(f"/users/{worker.pk}/").content.decode()
    )

    response = sysadmin.post("/users/locked/unlock/", {"username": "pat.worker"})
    assert response.status_code == 302
    page = sysadmin.get("/users/locked/").content.decode()
    assert "can sign in again" in page and "No account is locked" in page
    (event,) = Event.objects.filter(kind="account.unlocked")
    assert event.actor == admin and event.data["user"] == worker.pk

    assert _sign_in(Client(), "pat.worker").status_code == 302


# --- Two-factor -----------------------------------------------------------------------------


@override_settings(OTP_REQUIRED_ROLES=["sysadmin", "provision_manager", "quality_manager"])
def test_a_manager_without_a_second_factor_reaches_no_page_but_its_setup(
    client_for,
    demo_ids,  # noqa: F811
):
    client = client_for("provision_manager")
    setup = {"/account/two-factor/set-up/", "/account/two-factor/set-up/qr.svg"}
    reached = []
    for name, path, _ in _targets(demo_ids):
        response = client.get(path)
        if path in setup:
            assert response.status_code == 200, path
        elif name.startswith("api-v1:openapi"):
            assert response.status_code == 200  # public to everyone, signed in or not
        elif path.startswith("/api/"):
            # The session counts as signed out for the API, in the API's error shape
            assert response.status_code == 401, path
            assert response.json()["detail"]
        elif response.status_code != 302 or not response["Location"].startswith(
            "/account/two-factor/set-up/"
        ):
            reached.append(f"{path} gave {response.status_code}")
    assert not reached, reached
    # Even the home page and a POST elsewhere lead to the setup
    assert client.get("/")["Location"].startswith("/account/two-factor/set-up/?next=%2F")
    assert client.post("/account/tokens/", {"name": "x"}).status_code == 302
    assert not ApiToken.objects.exists()
    # Signing out is always possible
    assert client.post("/sign-out/").status_code == 302
    assert client.get("/account/")["Location"].startswith("/sign-in/")


@override_settings(OTP_REQUIRED_ROLES=["provision_manager"])
def test_setting_up_two_factor_shows_a_qr_code_then_opens_the_service(make_user):
    manager = make_user("pm.test", Role.PROVISION_MANAGER)
    client = Client()
    response = _sign_in(client, "pm.test")
    response = client.get(response["Location"], follow=True)
    page = response.content.decode()
    assert response.request["PATH_INFO"] == "/account/two-factor/set-up/"
    assert '<img class="app-qr-code" src="/account/two-factor/set-up/qr.svg"' in page
    assert "<script" not in page.split("<main", 1)[1].split("</main>")[0]
    secret = re.search(r'data-testid="secret">([A-Z2-7 ]+)<', page).group(1)

    qr = client.get("/account/two-factor/set-up/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.lstrip().startswith(b"<svg")
    assert "no-store" in qr["Cache-Control"]

    from base64 import b32encode

    device = services.pending_totp_device(manager)
    assert secret.replace(" ", "") == b32encode(device.bin_key).decode()

    wrong = client.post("/account/two-factor/set-up/", {"code": "000000"})
    assert wrong.status_code == 200
    assert "The code is not right" in wrong.content.decode()

    done = client.post("/account/two-factor/set-up/", {"code": _app_code(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/home/dashboard/").status_code == 200
    assert Event.objects.filter(kind="account.two_factor_set_up", actor=manager).exists()
    # Once set up, the key is not shown again
    assert client.get("/account/two-factor/set-up/qr.svg").status_code == 404
    assert client.get("/account/two-factor/set-up/")["Location"] == "/account/"

    # Next time, the password alone is not enough: the code page comes first
    again = Client()
    response = _sign_in(again, "pm.test")
    response = again.get(response["Location"])
    assert response["Location"].startswith("/account/two-factor/?next=")
    assert again.get("/home/dashboard/").status_code == 302
    response = again.post(
        "/account/two-factor/?next=/home/dashboard/",
        {"code": _app_code(device, steps_ahead=1), "next": "/home/dashboard/"},
    )
    assert response["Location"] == "/home/dashboard/"
    assert again.get("/home/dashboard/").status_code == 200


def test_a_recovery_code_works_once(make_user):
    worker = make_user("pat.worker", Role.WORKER)
    codes = _set_up_two_factor(worker)

    first = Client()
    _sign_in(first, "pat.worker")
    assert first.get("/account/")["Location"].startswith("/account/two-factor/")
    response = first.post("/account/two-factor/", {"code": codes[0].upper(), "next": "/account/"})
    assert response["Location"] == "/account/"
    page = first.get("/account/").content.decode()
    assert "You used a recovery code. You have 9 left" in page
    assert Event.objects.filter(kind="account.recovery_code_used").count() == 1

    second = Client()
    _sign_in(second, "pat.worker")
    response = second.post("/account/two-factor/", {"code": codes[0]})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert second.get("/account/").status_code == 302


def test_optional_two_factor_can_be_turned_off_but_a_required_one_cannot(make_user):
    worker = make_user("pat.worker", Role.WORKER)
    _set_up_two_factor(worker)
    client = Client()
    client.force_login(worker)
    device = worker.totpdevice_set.get()
    client.post("/account/two-factor/", {"code": _app_code(device, steps_ahead=1)})
    assert client.get("/account/").status_code == 200

    with override_settings(OTP_REQUIRED_ROLES=["staff"]):
        assert client.post("/account/two-factor/remove/").status_code == 403
        assert worker.totpdevice_set.exists()
    assert client.post("/account/two-factor/remove/").status_code == 302
    assert not worker.totpdevice_set.exists()
    assert Event.objects.filter(kind="account.two_factor_removed", actor=worker).exists()
    # and the next sign-in asks for the password only
    other = Client()
    _sign_in(other, "pat.worker")
    assert other.get("/account/").status_code == 200


@override_settings(OTP_REQUIRED_ROLES=["provision_manager"])
def test_api_tokens_are_not_stopped_by_the_second_factor_page(make_user):
    manager = make_user("pm.test", Role.PROVISION_MANAGER)
    _, key = services.api_token_create(user=manager, name="link", actor=manager, now=timezone.now())
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert response.json()["username"] == "pm.test"


def test_a_system_administrator_removes_a_lost_second_factor(make_user):
    worker = make_user("pat.worker", Role.WORKER)
    admin = make_user("sam.admin", Role.SYSADMIN)
    _set_up_two_factor(worker)
    sysadmin = Client()
    sysadmin.force_login(admin)
    assert sysadmin.post(f"/users/{worker.pk}/two-factor/remove/").status_code == 302
    assert not worker.totpdevice_set.exists() and not worker.staticdevice_set.exists()
    assert Event.objects.get(kind="account.two_factor_removed").actor == admin


# --- Passwords ------------------------------------------------------------------------------


def test_the_demo_password_is_refused_outside_demo_mode(make_user):
    user = make_user("pat.worker", Role.WORKER)
    with pytest.raises(ValidationError, match="demo's published password"):
        validate_password(DEMO_PASSWORD, user)
    with override_settings(DEMO=True):
        validate_password(DEMO_PASSWORD, user)


def test_password_change_applies_the_validators_and_is_an_event(make_user):
    user = make_user("pat.worker", Role.WORKER)
    client = Client()
    client.force_login(user)
    for bad in ("password1234", DEMO_PASSWORD, "12345678901234"):
        response = client.post(
            "/account/password/",
            {"old_password": PASSWORD, "new_password1": bad, "new_password2": bad},
        )
        assert response.status_code == 200, bad
        assert "There is a problem" in response.content.decode()
    new = "violet lantern quietly orbits"
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == "/account/"
    assert client.get("/account/").status_code == 200  # still signed in
    user.refresh_from_db()
    assert user.check_password(new)
    assert Event.objects.get(kind="account.password_changed").data["how"] == "by themselves"


def test_password_reset_by_email(make_user):
    user = make_user("pat.worker", Role.WORKER)
    client = Client()
    assert 'href="/password-reset/"' in client.get("/sign-in/").content.decode()
    response = client.post("/password-reset/", {"email": "pat.worker@example.invalid"})
    assert response["Location"] == "/password-reset/sent/"
    # An unknown address gets the same answer and no email
    client.post("/password-reset/", {"email": "nobody@example.invalid"})
    (message,) = mail.outbox
    link = re.search(r"http://testserver(/password-reset/\S+/)", message.body).group(1)
    assert "pat.worker" not in message.body

    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    new = "violet lantern quietly orbits"
    response = client.post(form.request["PATH_INFO"], {"new_password1": new, "new_password2": new})
    assert response["Location"] == "/password-reset/done/"
    user.refresh_from_db()
    assert user.check_password(new)
    assert Event.objects.get(kind="account.password_changed").data["how"] == "reset"
    # The link works once
    assert "This link does not work" in client.get(link, follow=True).content.decode()


# --- Switching an account off ---------------------------------------------------------------


def test_a_switched_off_account_loses_its_session_and_tokens_at_once(make_user):
    worker = make_user("pat.worker", Role.WORKER)
    admin = make_user("sam.admin", Role.SYSADMIN)
    _, key = services.api_token_create(user=worker, name="link", actor=worker, now=timezone.now())
    bearer = {"Authorization": f"Bearer {key}"}
    session = Client()
    _sign_in(session, "pat.worker")
    assert session.get("/account/").status_code == 200

    sysadmin = Client()
    sysadmin.force_login(admin)
    assert sysadmin.get(f"/users/{worker.pk}/switch-off/").status_code == 200
    empty = sysadmin.post(f"/users/{worker.pk}/switch-off/", {"reason": ""})
    assert "Enter why the account is being switched off" in empty.content.decode()
    response = sysadmin.post(f"/users/{worker.pk}/switch-off/", {"reason": "Left the council"})
    assert response["Location"] == f"/users/{worker.pk}/"

    assert session.get("/account/")["Location"].startswith("/sign-in/")
    assert Client().get("/api/v1/me", headers=bearer).status_code == 401
    assert _sign_in(Client(), "pat.worker").status_code == 200  # refused
    event = Event.objects.get(kind="account.deactivated")
    assert event.actor == admin and event.data == {"user": worker.pk, "reason": "Left the council"}
    assert "Left the council" in sysadmin.get(f"/users/{worker.pk}/").content.decode()

    # Switched back on, the same password and token work again
    assert sysadmin.post(f"/users/{worker.pk}/switch-on/").status_code == 302
    assert Event.objects.filter(kind="account.reactivated", actor=admin).exists()
    assert Client().get("/api/v1/me", headers=bearer).status_code == 200
    assert _sign_in(Client(), "pat.worker").status_code == 302


def test_a_system_administrator_cannot_switch_off_their_own_account(make_user):
    admin = make_user("sam.admin", Role.SYSADMIN)
    client = Client()
    client.force_login(admin)
    response = client.post(f"/users/{admin.pk}/switch-off/", {"reason": "testing"})
    assert response.status_code == 200
    assert "You cannot switch off your own account" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


# --- API tokens -----------------------------------------------------------------------------


def test_an_expired_token_is_refused_and_last_use_is_kept(make_user):
    worker = make_user("pat.worker", Role.WORKER)
    client = Client()
    client.force_login(worker)
    client.post("/account/tokens/", {"name": "Case system", "days": "30"})
    page = client.get("/account/tokens/").content.decode()
    token = ApiToken.objects.get()
    assert token.expires_at == token.created_at + dt.timedelta(days=30)
    assert (
        token.expires_at.astimezone(timezone.get_current_timezone()).strftime("%-d %b %Y") in page
    )

    key = services.api_token_create(
        user=worker, name="link", actor=worker, now=timezone.now(), days=30
    )[1]
    bearer = {"Authorization": f"Bearer {key}"}
    with time_machine.travel(timezone.now() + dt.timedelta(days=29), tick=False):
        used_at = timezone.now()
        assert Client().get("/api/v1/me", headers=bearer).status_code == 200
    assert ApiToken.objects.get(name="link").last_used_at == used_at
    with time_machine.travel(timezone.now() + dt.timedelta(days=30, minutes=1), tick=False):
        response = Client().get("/api/v1/me", headers=bearer)
        assert response.status_code == 401
        assert response.json()["detail"]
        client.force_login(worker)  # the earlier session has long ended
        assert "Expired" in client.get("/account/tokens/").content.decode()


@override_settings(API_TOKEN_MAX_DAYS=90)
def test_a_token_cannot_outlive_the_maximum(make_user):
    worker = make_user("pat.worker", Role.WORKER)
    client = Client()
    client.force_login(worker)
    response = client.post("/account/tokens/", {"name": "Case system", "days": "365"})
    assert "Choose how long the token works" in response.content.decode()
    assert not ApiToken.objects.exists()
    client.post("/account/tokens/", {"name": "Case system"})
    token = ApiToken.objects.get()
    assert token.expires_at - token.created_at == dt.timedelta(days=90)


@override_settings(API_TOKEN_FAILURE_RATE="3/m")
def test_wrong_tokens_from_one_address_are_throttled(make_user):
    worker = make_user("pat.worker", Role.WORKER)
    key = services.api_token_create(user=worker, name="link", actor=worker, now=timezone.now())[1]
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(3):
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer enb_guess{n}"})
        assert response.status_code == 401
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 429
    assert set(response.json()) == {"detail", "errors"}
    assert "Too many wrong API tokens" in response.json()["detail"]
    # Another address is not held back by this one's guesses
    other = Client(REMOTE_ADDR="198.51.100.4")
    assert other.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 200


# --- Your account ---------------------------------------------------------------------------


def test_your_account_is_linked_from_the_header_not_the_navigation(client_for):
    page = client_for("worker").get("/home/caseload/").content.decode()
    header = page.split("</header>")[0]
    assert 'href="/account/">Your account</a>' in header
    assert "API tokens" not in header
    account = client_for("worker").get("/account/").content.decode()
    assert 'href="/account/password/"' in account
    assert 'href="/account/two-factor/set-up/"' in account
    assert 'href="/account/tokens/"' in account
    portal = client_for("person").get("/account/").content.decode()
    assert 'href="/account/password/"' in portal
    assert "two-factor" not in portal and "/account/tokens/" not in portal


def test_a_request_without_a_client_address_is_still_answered(make_user):
    # A WSGI call need not carry REMOTE_ADDR; a wrong token is then a 401, never a 500.
    response = Client(REMOTE_ADDR=None).get(
        "/api/v1/me", headers={"Authorization": "Bearer enb_guess"}
    )
    assert response.status_code == 401


def test_the_user_list_leaves_out_people_supported_and_carers(client_for, user_for):
    """A portal account says its holder uses a mental-health service: a system
    administrator, who sees no case data, is not shown it."""
    html = client_for("sysadmin").get("/users/").content.decode()
    assert user_for("worker").username in html
    for portal in ("person", "carer"):
        assert f">{user_for(portal).username}<" not in html
        assert client_for("sysadmin").get(f"/users/{user_for(portal).pk}/").status_code == 404
