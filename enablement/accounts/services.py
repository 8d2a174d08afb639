from datetime import datetime

from axes.utils import reset
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from enablement.accounts import rules
from enablement.accounts.models import ApiToken, User
from enablement.governance.services import record_event

RECOVERY_CODE_COUNT = 10
REASON_MAX_LENGTH = 300


# --- API tokens -----------------------------------------------------------------------------


def api_token_create(
    *, user, name: str, actor, now: datetime, days: int | None = None
) -> tuple[ApiToken, str]:
    """Returns the token and its key; the key is never stored and cannot be shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Enter what the token is for"})
    allowed = rules.token_lifetimes(settings.API_TOKEN_MAX_DAYS)
    if days is None:
        days = rules.default_token_days(settings.API_TOKEN_MAX_DAYS)
    if days not in allowed:
        raise ValidationError({"days": "Choose how long the token works"})
    key = ApiToken.new_key()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=key[:12],
            key_hash=ApiToken.hash_key(key),
            created_at=now,
            expires_at=rules.token_expires_at(now, days),
        )
        record_event(
            kind="api_token.created",
            summary=f"API token '{name}' created, working for {days} days",
            actor=actor,
            now=now,
            data={"token": token.pk, "user": user.pk, "days": days},
        )
    return token, key


def api_token_revoke(*, token: ApiToken, actor, now: datetime) -> None:
    with transaction.atomic():
        if token.revoked_at is None:
            ApiToken.objects.filter(pk=token.pk).update(revoked_at=now)
            record_event(
                kind="api_token.revoked",
                summary=f"API token '{token.name}' revoked",
                actor=actor,
                now=now,
                data={"token": token.pk, "user": token.user_id},
            )


def user_for_api_key(key: str, *, now: datetime):
    """The user a live key belongs to, or None: unknown, revoked and expired keys and keys
    of switched-off accounts are all refused alike."""
    if not key or not key.startswith(ApiToken.PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key)).first()
    if token is None or not token.user.is_active:
        return None
    if not rules.token_is_live(revoked_at=token.revoked_at, expires_at=token.expires_at, now=now):
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- Lockout --------------------------------------------------------------------------------


def account_locked(*, username: str, address: str | None, now: datetime) -> None:
    """Called once when django-axes locks a username (see lockout.py)."""
    user = User.objects.filter(username=username).first()
    record_event(
        kind="account.locked",
        summary=f"Sign-in to '{username[:150]}' locked after too many wrong passwords",
        actor=None,
        now=now,
        data={"username": username[:150], "user": user.pk if user else None, "address": address},
    )


def account_unlock(*, username: str, actor, now: datetime) -> bool:
    """Clears the failed sign-ins of a username; False if it was not locked."""

    with transaction.atomic():
        if not reset(username=username):
            return False
        user = User.objects.filter(username=username).first()
        record_event(
            kind="account.unlocked",
            summary=f"Sign-in to '{username[:150]}' unlocked",
            actor=actor,
            now=now,
            data={"username": username[:150], "user": user.pk if user else None},
        )
    return True


# --- Deactivation ---------------------------------------------------------------------------


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the account is being switched off"})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": f"The reason must be {REASON_MAX_LENGTH} characters or fewer"}
        )
    return reason


def account_deactivate(*, user: User, reason: str, actor, now: datetime) -> None:
    """Switches an account off. Its sessions and API tokens stop at the next request: both
    check `is_active` every time."""
    reason = _reason(reason)
    if actor is not None and user.pk == actor.pk:
        raise ValidationError(
            {"reason": "You cannot switch off your own account; ask another administrator"}
        )
    with transaction.atomic():
        if not User.objects.filter(pk=user.pk, is_active=True).update(is_active=False):
            raise ValidationError("This account is already switched off")
        user.is_active = False
        record_event(
            kind="account.deactivated",
            summary=f"Account '{user.username}' switched off: {reason}"[:500],
            actor=actor,
            now=now,
            data={"user": user.pk, "reason": reason},
        )


def account_reactivate(*, user: User, actor, now: datetime) -> None:
    with transaction.atomic():
        if not User.objects.filter(pk=user.pk, is_active=False).update(is_active=True):
            raise ValidationError("This account is already switched on")
        user.is_active = True
        record_event(
            kind="account.reactivated",
            summary=f"Account '{user.username}' switched back on",
            actor=actor,
            now=now,
            data={"user": user.pk},
        )


def password_changed(*, user: User, actor, now: datetime, how: str) -> None:
    record_event(
        kind="account.password_changed",
        summary=f"Password of '{user.username}' changed ({how})",
        actor=actor,
        now=now,
        data={"user": user.pk, "how": how},
    )


# --- Two-factor -----------------------------------------------------------------------------


def pending_totp_device(user: User):
    """The authenticator being set up: made once and kept until confirmed, so reloading the
    setup page does not change the QR code under the person's feet."""

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def _new_recovery_codes(user: User) -> list[str]:

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def two_factor_confirm(*, user: User, device, code: str, now: datetime) -> list[str]:
    """Confirms the authenticator with a first code and returns new recovery codes, to be
    shown once. Raises ValidationError for a wrong code."""

    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if not device.verify_token(_digits(code)):
            raise ValidationError(
                {"code": "The code is not right. Enter the code the app shows now"}
            )
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _new_recovery_codes(user)
        record_event(
            kind="account.two_factor_set_up",
            summary=f"Two-factor authentication set up for '{user.username}'",
            actor=user,
            now=now,
            data={"user": user.pk},
        )
    return codes


def recovery_codes_renew(*, user: User, now: datetime) -> list[str]:
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        record_event(
            kind="account.recovery_codes_renewed",
            summary=f"New recovery codes made for '{user.username}'",
            actor=user,
            now=now,
            data={"user": user.pk},
        )
    return codes


def two_factor_remove(*, user: User, actor, now: datetime) -> None:
    """Removes every second factor of a user: by themselves where it is optional, or by a
    system administrator when a phone and the recovery codes are lost."""

    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user, confirmed=True).delete()[0]
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        if removed:
            record_event(
                kind="account.two_factor_removed",
                summary=f"Two-factor authentication removed for '{user.username}'",
                actor=actor,
                now=now,
                data={"user": user.pk},
            )


def second_factor_match(*, user: User, code: str):
    """The device that accepts the code (authenticator, or a recovery code, which is used up),
    or None. django-otp slows down guessing after each wrong code. A six-digit code is tried
    against the app only and anything else against the recovery codes only, so using a
    recovery code does not count as a wrong app code (and the reverse)."""

    compact = "".join(ch for ch in (code or "") if ch.isascii() and ch.isalnum()).lower()
    app_code = compact.isdigit() and len(compact) == 6
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if isinstance(device, StaticDevice) == app_code:
                continue
            if compact and device.verify_token(compact):
                return device
    return None


def _digits(code: str) -> str:
    # People copy codes with spaces or dashes ("123 456"); the app shows six digits.
    return "".join(ch for ch in (code or "") if ch.isascii() and ch.isdigit())


def recovery_code_used(*, user: User, left: int, now: datetime) -> None:
    record_event(
        kind="account.recovery_code_used",
        summary=f"'{user.username}' signed in with a recovery code ({left} left)",
        actor=user,
        now=now,
        data={"user": user.pk, "left": left},
    )
