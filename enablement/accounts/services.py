from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from enablement.accounts import rules
from enablement.accounts.models import ApiToken, BreakGlassGrant, RoleGrantRequest
from enablement.accounts.roles import ROLES, Role
from enablement.governance.services import record_event


def api_token_create(*, user, name: str, actor, now: datetime) -> tuple[ApiToken, str]:
    """Returns the token and its key; the key is never stored and cannot be shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Enter what the token is for"})
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
            summary=f"Emergency access by {actor} until {until:%d %b %Y %H:%M}",
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
