from datetime import datetime

from axes.utils import reset
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from enablement.accounts import rules
from enablement.accounts.models import ApiToken, BreakGlassGrant, RoleGrantRequest, User
from enablement.accounts.roles import ROLES, Role
from enablement.core.limits import refuse_too_long
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
    refuse_too_long(ApiToken, {"name": name})
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


# Separation of duties (issue 9, item 6): giving a role that sees case data is asked for by a
# system administrator and decided by a provision or quality manager; the group is added only
# on approval. Roles that see no case data are given directly. Every step is an event.


def _service_of(team, services):
    if team is not None:
        return team.service
    return next(iter(services), None)


def _services_concerned(team, services) -> set[int]:
    ids = {s.pk for s in services}
    if team is not None:
        ids.add(team.service_id)
    return ids


def _apply_role(*, user, role: Role, team, services) -> None:
    """Add the group, and for staff roles put the team and services on their staff record."""
    from django.contrib.auth.models import Group

    from enablement.catalogue.models import StaffMember

    user.groups.add(Group.objects.get(name=ROLES[role].group))
    user.__dict__.pop("_roles", None)
    if role in (Role.REFERRER, Role.PERSON, Role.CARER):
        return
    staff, _ = StaffMember.objects.get_or_create(user=user)
    if team is not None and staff.team_id != team.pk:
        staff.team = team
        staff.save(update_fields=["team"])
    if services:
        staff.services.add(*services)


def deciders_for(request: RoleGrantRequest):
    """Who may approve or refuse this request (to tell them it is waiting)."""
    from django.contrib.auth import get_user_model

    concerned = _services_concerned(request.team, request.services.all())
    users = get_user_model().objects.filter(is_active=True).prefetch_related("groups")
    candidates = users.filter(groups__name=ROLES[Role.QUALITY_MANAGER].group)
    if concerned:
        candidates = candidates | users.filter(
            groups__name=ROLES[Role.PROVISION_MANAGER].group,
            staff__services__in=concerned,
        )
    return [u for u in candidates.distinct() if may_decide(u, request, concerned=concerned)]


def role_requests():
    return RoleGrantRequest.objects.select_related(
        "user", "team__service", "requested_by", "decided_by"
    ).prefetch_related("services")


def requests_waiting_for(user) -> list[RoleGrantRequest]:
    """Pending requests this user may decide (few at any time, so checked one by one)."""
    if not user.has_role(Role.PROVISION_MANAGER, Role.QUALITY_MANAGER):
        return []
    pending = role_requests().filter(status=RoleGrantRequest.Status.PENDING)
    return [r for r in pending if may_decide(user, r)]


def may_decide(user, request: RoleGrantRequest, *, concerned: set[int] | None = None) -> bool:
    return decision_problem(user, request, concerned=concerned) is None


def decision_problem(user, request: RoleGrantRequest, *, concerned=None) -> str | None:
    if not user.is_authenticated or not user.is_active:
        return "Only a provision manager of the service concerned or a quality manager can decide"
    if concerned is None:
        concerned = _services_concerned(request.team, request.services.all())
    staff = getattr(user, "staff", None)
    return rules.grant_decision_problem(
        decider_id=user.pk,
        decider_roles=user.roles,
        decider_services=set(staff.services.values_list("pk", flat=True)) if staff else set(),
        requested_by_id=request.requested_by_id,
        for_user_id=request.user_id,
        services_concerned=concerned,
        pending=request.status == RoleGrantRequest.Status.PENDING,
    )


def role_give(
    *, user, role: str, team=None, services=(), reason: str, actor, now: datetime
) -> RoleGrantRequest | None:
    """Give `user` a role: directly (and None is returned) for a role that sees no case data,
    else as a request waiting for a decision (returned). Call inside or outside a
    transaction."""
    from enablement.notifications.services import notify

    role = Role(role)
    services = list(services or [])
    problem = rules.reason_problem(reason, what="why they need this role")
    if problem:
        raise ValidationError({"reason": problem})
    reason = reason.strip()
    service = _service_of(team, services)
    if not rules.needs_approval(role):
        with transaction.atomic():
            _apply_role(user=user, role=role, team=team, services=services)
            record_event(
                kind="role.given",
                summary=f"{user} given the role {ROLES[role].label}",
                actor=actor,
                now=now,
                service=service,
                data={"user": user.pk, "role": role.value, "reason": reason},
            )
        return None
    with transaction.atomic():
        if RoleGrantRequest.objects.filter(
            user=user, role=role.value, status=RoleGrantRequest.Status.PENDING
        ).exists():
            raise ValidationError({"role": "A request for this role is already waiting"})
        request = RoleGrantRequest.objects.create(
            user=user,
            role=role.value,
            team=team,
            reason=reason,
            requested_by=actor,
            requested_at=now,
        )
        request.services.set(services)
        record_event(
            kind="role.requested",
            summary=f"Asked to give {user} the role {ROLES[role].label}",
            actor=actor,
            now=now,
            service=service,
            data={
                "request": request.pk,
                "user": user.pk,
                "role": role.value,
                "team": team.pk if team else None,
                "services": [s.pk for s in services],
                "reason": reason,
            },
        )
        notify(
            users=deciders_for(request),
            subject="A role is waiting for your decision",
            body=f"Role request {request.pk} needs a decision: /role-requests/{request.pk}/",
            now=now,
        )
    return request


def role_request_decide(
    *, request: RoleGrantRequest, approve: bool, comment: str, actor, now: datetime
) -> RoleGrantRequest:
    """Approve (the group is added now) or refuse, by someone allowed to decide."""
    from enablement.notifications.services import notify

    comment = (comment or "").strip()
    if len(comment) > rules.REASON_MAX:
        raise ValidationError({"comment": f"Comment in {rules.REASON_MAX} characters or fewer"})
    if not approve and not comment:
        raise ValidationError({"comment": "Say why you are refusing"})
    with transaction.atomic():
        # Locked so two managers deciding at once give one decision, not two.
        request = RoleGrantRequest.objects.select_for_update().get(pk=request.pk)
        problem = decision_problem(actor, request)
        if problem:
            raise ValidationError({"__all__": problem})
        if approve and not request.user.is_active:
            raise ValidationError({"__all__": "This account has been deactivated"})
        services = list(request.services.all())
        request.status = (
            RoleGrantRequest.Status.APPROVED if approve else RoleGrantRequest.Status.REFUSED
        )
        request.decided_by = actor
        request.decided_at = now
        request.comment = comment
        request.save(update_fields=["status", "decided_by", "decided_at", "comment"])
        if approve:
            _apply_role(
                user=request.user, role=Role(request.role), team=request.team, services=services
            )
        verb = "approved" if approve else "refused"
        record_event(
            kind=f"role.{verb}",
            summary=f"Role {request.role_label} for {request.user} {verb}",
            actor=actor,
            now=now,
            service=_service_of(request.team, services),
            data={"request": request.pk, "user": request.user_id, "comment": comment},
        )
        notify(
            users=[request.requested_by],
            subject=f"Role request {verb}",
            body=f"Role request {request.pk} was {verb}: /role-requests/{request.pk}/",
            now=now,
        )
    return request


# Break-glass (issue 9, item 6): a system administrator's emergency, read-only sight of one
# person found by exact NHS number. The door (access.py) honours a grant until it expires.


def break_glass_open(*, nhs_number: str, reason: str, actor, now: datetime) -> BreakGlassGrant:
    from django.conf import settings

    from enablement.notifications.services import notify
    from enablement.people.models import Person
    from enablement.people.rules import nhs_number_problem, normalise_nhs_number

    if Role.SYSADMIN not in actor.roles or not actor.is_active:
        raise PermissionDenied
    problems = {}
    nhs_problem = nhs_number_problem(nhs_number or "")
    if nhs_problem:
        problems["nhs_number"] = nhs_problem
    problem = rules.reason_problem(reason, what="why you need to see this record now")
    if problem:
        problems["reason"] = problem
    if problems:
        raise ValidationError(problems)
    digits = normalise_nhs_number(nhs_number)
    person = Person.objects.filter(nhs_number=digits).first()
    if person is None:
        # Answering "no record" tells whether someone is known to the services, so a miss is
        # recorded and the quality managers told, as a hit is: probing cannot go unseen.
        with transaction.atomic():
            record_event(
                kind="break_glass.no_match",
                summary=f"Emergency access by {actor} found no record",
                actor=actor,
                now=now,
                data={"nhs_number_ends": digits[-4:], "reason": reason.strip()},
            )
            notify(
                users=_overseers_of(set()),
                subject="Emergency access found no record",
                body="A system administrator's emergency access found no record. "
                "See /break-glass/log/",
                now=now,
            )
        raise ValidationError({"nhs_number": "No record has this NHS number"})
    reason = reason.strip()
    until = rules.break_glass_until(now, settings.BREAK_GLASS_HOURS)
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            user=actor, person=person, reason=reason, started_at=now, expires_at=until
        )
        services = _person_services(person)
        record_event(
            kind="break_glass.opened",
            summary=f"Emergency access by {actor} until {until:%-d %b %Y %H:%M}",
            actor=actor,
            now=now,
            person=person,
            data={"grant": grant.pk, "reason": reason, "until": until.isoformat()},
        )
        # No name or service in the message: it may leave as an email (issue 9, item 10).
        notify(
            users=_overseers_of(services),
            subject="Emergency access to a record",
            body=(
                f"A system administrator opened a record in an emergency (break-glass "
                f"{grant.pk}). See /break-glass/log/"
            ),
            now=now,
        )
    return grant


def _person_services(person) -> set[int]:
    ids = set(person.referrals.values_list("service_id", flat=True))
    if person.registered_team_id:
        ids.add(person.registered_team.service_id)
    return ids


def _overseers_of(service_ids: set[int]):
    """Provision managers of these services and every quality manager."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True)
    return list(
        (
            users.filter(groups__name=ROLES[Role.QUALITY_MANAGER].group)
            | users.filter(
                groups__name=ROLES[Role.PROVISION_MANAGER].group,
                staff__services__in=service_ids,
            )
        ).distinct()
    )


def break_glass_visible_to(user):
    """Break-glass grants this manager is shown: those on people they may see (a provision
    manager, the people of their services; a quality manager, all)."""
    from enablement.accounts.access import visible_people

    if not user.is_authenticated or not user.roles & {
        Role.PROVISION_MANAGER,
        Role.QUALITY_MANAGER,
    }:
        return BreakGlassGrant.objects.none()
    return BreakGlassGrant.objects.filter(person__in=visible_people(user)).select_related(
        "user", "person"
    )


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
