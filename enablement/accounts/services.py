from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from enablement.accounts.models import ApiToken
from enablement.core.limits import refuse_too_long
from enablement.governance.services import record_event


def api_token_create(*, user, name: str, actor, now: datetime) -> tuple[ApiToken, str]:
    """Returns the token and its key; the key is never stored and cannot be shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Enter what the token is for"})
    refuse_too_long(ApiToken, {"name": name})
    key = ApiToken.new_key()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=key[:12], key_hash=ApiToken.hash_key(key), created_at=now
        )
        record_event(
            kind="api_token.created",
            summary=f"API token '{name}' created",
            actor=actor,
            now=now,
            data={"token": token.pk, "user": user.pk},
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
    if not key or not key.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
