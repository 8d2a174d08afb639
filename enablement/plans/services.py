"""Actions on a plan: one function per change, each writing the plan, the event and the
messages in one transaction.

Every action takes the episode's row lock first (`casework.services.lock_episode`), so two
people saving or signing the same plan at once are serialised: the second sees the first's
result. A draft save carries the `row_version` its form was opened at; if the draft has moved
on since, nothing is written and `PlanChanged` says what the other person saved.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from enablement.accounts.roles import Role
from enablement.casework.models import Episode
from enablement.casework.services import lock_episode
from enablement.catalogue.models import Resource
from enablement.core.dates import long_date
from enablement.core.limits import refuse_too_long
from enablement.governance.services import record_event
from enablement.notifications.services import notify
from enablement.plans import rules, selectors
from enablement.plans.models import Goal, PersonSignature, Plan, PlanStatus


class PlanChanged(ValidationError):
    """The draft moved on since the form was opened: nothing was written."""

    def __init__(self, current: Plan):
        self.current = current
        super().__init__(
            {"__all__": "Someone else changed this plan since you opened it. Nothing was saved."}
        )


def _event(plan: Plan, episode: Episode, *, kind: str, summary: str, actor, now, data=None):
    record_event(
        kind=kind,
        summary=summary,
        actor=actor,
        now=now,
        person=episode.person,
        service=episode.service,
        referral=episode.referral,
        episode=episode,
        data={"plan": plan.pk, "version": plan.version, **(data or {})},
    )


def _draft(episode: Episode) -> Plan | None:
    return Plan.objects.filter(episode=episode, status=PlanStatus.DRAFT).first()


def _next_version(episode: Episode) -> int:
    return (Plan.objects.filter(episode=episode).aggregate(v=Max("version"))["v"] or 0) + 1


def _next_key(episode: Episode) -> int:
    return (Goal.objects.filter(plan__episode=episode).aggregate(k=Max("key"))["k"] or 0) + 1


def _check_lengths(values: rules.PlanInput) -> None:
    refuse_too_long(
        Plan,
        {
            "strengths": values.strengths,
            "own_strategies": values.own_strategies,
            "interventions": values.interventions,
        },
    )
    problems = {}
    for i, goal in enumerate(values.goals):
        for name in ("description", "measure", "steps"):
            limit = Goal._meta.get_field(name).max_length
            if len(getattr(goal, name)) > limit:
                label = {"description": "The goal", "measure": "The measure", "steps": "Steps"}
                problems[f"goals.{i}.{name}"] = (
                    f"{label[name]} must be {limit:,} characters or fewer"
                )
    if problems:
        raise ValidationError(problems)


def _write_goals(plan: Plan, episode: Episode, goals, *, keep_keys: set[int]) -> None:
    plan.goals.all().delete()
    next_key = _next_key(episode)
    used: set[int] = set()
    rows = []
    for goal in (g for g in goals if not g.is_blank):
        key = goal.key if goal.key in keep_keys and goal.key not in used else None
        if key is None:
            key, next_key = next_key, next_key + 1
        used.add(key)
        rows.append(
            Goal(
                plan=plan,
                position=len(rows) + 1,
                key=key,
                description=goal.description.strip(),
                measure=goal.measure.strip(),
                target_date=goal.target_date,
                steps=goal.steps.strip(),
            )
        )
    Goal.objects.bulk_create(rows)


@transaction.atomic
def save_draft(
    *,
    episode: Episode,
    values: rules.PlanInput,
    resource_ids: list[int],
    row_version: int,
    actor,
    now: datetime,
) -> Plan:
    """Writes the draft (version 1 on the first save). `row_version` is the draft's as the
    form showed it (0 when there was no plan): if the draft has moved on, `PlanChanged`."""
    lock_episode(episode)
    draft = _draft(episode)
    has_any = draft is not None or Plan.objects.filter(episode=episode).exists()
    if draft is None and has_any:
        if row_version:
            raise PlanChanged(selectors.current_plan(episode))
        raise ValidationError(
            {"__all__": "This plan is signed and cannot be edited: change it to make a new version"}
        )
    if draft is not None and draft.row_version != row_version:
        raise PlanChanged(draft)
    if draft is None and row_version:
        raise ValidationError({"__all__": "This plan no longer exists: open it again"})
    _check_lengths(values)
    window = selectors.window(episode)
    levels = selectors.levels(episode)
    problems = rules.plan_problems(values, window=window, levels=levels)
    if problems:
        raise ValidationError(problems)
    resources = list(Resource.objects.filter(services=episode.service, pk__in=resource_ids))
    if len(resources) != len(set(resource_ids)):
        raise ValidationError({"resources": "Select resources from this service's catalogue"})
    if draft is None:
        draft = Plan(
            episode=episode,
            version=_next_version(episode),
            created_at=now,
            created_by=actor,
            row_version=0,
        )
    keep = set(draft.goals.values_list("key", flat=True)) if draft.pk else set()
    draft.strengths = values.strengths.strip()
    draft.own_strategies = values.own_strategies.strip()
    draft.interventions = values.interventions.strip()
    draft.level = values.level
    draft.updated_at = now
    draft.row_version += 1
    # What the worker signed has changed: they sign again.
    cleared = draft.worker_signed_at is not None or draft.person_signed_on is not None
    draft.worker_signed_at, draft.worker_signed_by = None, None
    draft.person_signed_how, draft.person_signed_on = "", None
    draft.person_signed_at, draft.person_signed_by = None, None
    draft.paper_scan, draft.paper_scan_type = "", ""
    draft.save()
    _write_goals(draft, episode, values.goals, keep_keys=keep)
    draft.resources.set(resources)
    _event(
        draft,
        episode,
        kind="plan.saved",
        summary=f"{episode.referral.reference}: plan version {draft.version} saved as a draft"
        + (" (the signatures are cleared: sign again)" if cleared else ""),
        actor=actor,
        now=now,
    )
    return draft


@transaction.atomic
def start_revision(*, episode: Episode, actor, now: datetime, change_summary: str = "") -> Plan:
    """A new draft copied from the signed plan (goals keep their keys), to change and sign
    again; the existing draft if there is one. The signed version stays as it was until the
    new one is signed. With no plan yet, an empty first draft."""
    lock_episode(episode)
    draft = _draft(episode)
    if draft is not None:
        return draft
    refuse_too_long(Plan, {"change_summary": change_summary})
    signed = (
        Plan.objects.filter(episode=episode, status=PlanStatus.SIGNED).order_by("-version").first()
    )
    draft = Plan.objects.create(
        episode=episode,
        version=_next_version(episode),
        status=PlanStatus.DRAFT,
        based_on=signed,
        strengths=signed.strengths if signed else "",
        own_strategies=signed.own_strategies if signed else "",
        interventions=signed.interventions if signed else "",
        level=signed.level if signed else "",
        change_summary=change_summary.strip(),
        created_at=now,
        created_by=actor,
        updated_at=now,
        differs_from_referral=signed.differs_from_referral if signed else False,
        differs_note=signed.differs_note if signed else "",
    )
    if signed is not None:
        Goal.objects.bulk_create(
            Goal(
                plan=draft,
                position=g.position,
                key=g.key,
                description=g.description,
                measure=g.measure,
                target_date=g.target_date,
                steps=g.steps,
            )
            for g in signed.goals.all()
        )
        draft.resources.set(signed.resources.all())
    _event(
        draft,
        episode,
        kind="plan.revision_started",
        summary=f"{episode.referral.reference}: plan version {draft.version} started"
        + (f" from version {signed.version}" if signed else "")
        + (f": {change_summary.strip()}" if change_summary.strip() else ""),
        actor=actor,
        now=now,
    )
    return draft


def _locked_draft(episode: Episode, plan: Plan, row_version: int | None) -> Plan:
    lock_episode(episode)
    fresh = Plan.objects.filter(pk=plan.pk, episode=episode).first()
    if fresh is None or fresh.status != PlanStatus.DRAFT:
        raise ValidationError({"__all__": "This version is no longer a draft: it cannot be signed"})
    if row_version is not None and fresh.row_version != row_version:
        raise PlanChanged(fresh)
    if not fresh.goals.exists():
        raise ValidationError({"__all__": "Add at least one goal the person has chosen"})
    return fresh


@transaction.atomic
def sign_worker(
    *,
    episode: Episode,
    plan: Plan,
    actor,
    now: datetime,
    row_version: int | None = None,
    differs_from_referral: bool = False,
    differs_note: str = "",
) -> Plan:
    """The worker signs the draft as agreed. If the aims differ from the work the referral
    asked for, say how: the named social worker is told when the plan is signed."""
    plan = _locked_draft(episode, plan, row_version)
    refuse_too_long(Plan, {"differs_note": differs_note})
    if differs_from_referral and not differs_note.strip():
        raise ValidationError({"differs_note": "Say how the aims differ from the work asked for"})
    plan.worker_signed_at, plan.worker_signed_by = now, actor
    plan.differs_from_referral = differs_from_referral
    plan.differs_note = differs_note.strip() if differs_from_referral else ""
    plan.row_version += 1
    plan.save()
    _event(
        plan,
        episode,
        kind="plan.worker_signed",
        summary=f"{episode.referral.reference}: plan version {plan.version} signed by {actor}",
        actor=actor,
        now=now,
    )
    if plan.person_signed_on:
        _complete(plan, episode, actor=actor, now=now)
    return plan


@transaction.atomic
def sign_person_portal(*, episode: Episode, plan: Plan, actor, now: datetime) -> Plan:
    """The person signs in their own account, once the worker has signed."""
    plan = _locked_draft(episode, plan, None)
    if plan.worker_signed_at is None:
        raise ValidationError({"__all__": "Your worker has not signed this plan yet"})
    plan.person_signed_how = PersonSignature.PORTAL
    plan.person_signed_on = timezone.localdate(now)
    plan.person_signed_at, plan.person_signed_by = now, actor
    plan.row_version += 1
    plan.save()
    _event(
        plan,
        episode,
        kind="plan.person_signed",
        summary=f"{episode.referral.reference}: plan version {plan.version} signed by the "
        "person in their own account",
        actor=actor,
        now=now,
    )
    _complete(plan, episode, actor=actor, now=now)
    return plan


@transaction.atomic
def record_paper_signature(
    *,
    episode: Episode,
    plan: Plan,
    signed_on,
    scan=None,
    actor,
    now: datetime,
    row_version: int | None = None,
) -> Plan:
    """The worker records that the person signed on paper, with an optional scan (PDF, JPEG
    or PNG up to 10 MB, its type judged by its first bytes)."""
    plan = _locked_draft(episode, plan, row_version)
    problem = rules.paper_date_problem(
        signed_on, today=timezone.localdate(now), plan_made_on=timezone.localdate(plan.created_at)
    )
    problems = {"signed_on": problem} if problem else {}
    content = kind = None
    if scan is not None:
        size = getattr(scan, "size", None) or 0
        head = scan.read(16) if size <= rules.MAX_SCAN_BYTES else b""
        scan_problem = rules.scan_problem(head, size)
        if scan_problem:
            problems["scan"] = scan_problem
        else:
            kind = rules.scan_type(head)
            content = head + scan.read()
    if problems:
        raise ValidationError(problems)
    plan.person_signed_how = PersonSignature.PAPER
    plan.person_signed_on = signed_on
    plan.person_signed_at, plan.person_signed_by = now, actor
    if content is not None:
        extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[kind]
        plan.paper_scan.save(
            f"plan-{plan.pk}-v{plan.version}.{extension}", ContentFile(content), save=False
        )
        plan.paper_scan_type = kind
    plan.row_version += 1
    plan.save()
    _event(
        plan,
        episode,
        kind="plan.paper_signature",
        summary=f"{episode.referral.reference}: the person signed plan version {plan.version} "
        f"on paper on {long_date(signed_on)}" + (" (scan kept)" if content else ""),
        actor=actor,
        now=now,
    )
    if plan.worker_signed_at is not None:
        _complete(plan, episode, actor=actor, now=now)
    return plan


def _complete(plan: Plan, episode: Episode, *, actor, now: datetime) -> None:
    """Both have signed: this version is the plan, the one it replaces is superseded, the
    senior sees it, and the named social worker hears if the aims differ from the referral."""
    from enablement.referrals.services import team_people

    previous = list(
        Plan.objects.filter(episode=episode, status=PlanStatus.SIGNED).exclude(pk=plan.pk)
    )
    Plan.objects.filter(pk__in=[p.pk for p in previous]).update(status=PlanStatus.SUPERSEDED)
    plan.status = PlanStatus.SIGNED
    plan.save(update_fields=["status"])
    referral = episode.referral
    name = episode.person.full_name
    replaced = f", replacing version {previous[0].version}" if previous else ""
    _event(
        plan,
        episode,
        kind="plan.signed",
        summary=f"{referral.reference}: plan version {plan.version} agreed and signed by the "
        f"person and the worker{replaced}",
        actor=actor,
        now=now,
    )
    notify(
        users=team_people(episode.team, episode.service, Role.SENIOR),
        subject=f"Referral {referral.reference}: plan version {plan.version} signed",
        body=f"{name}'s enablement plan (version {plan.version}) has been agreed and signed "
        f"by {name} and {episode.worker}{replaced}. It is on the episode page.",
        now=now,
        referral=referral,
    )
    if plan.differs_from_referral:
        _event(
            plan,
            episode,
            kind="plan.differs_from_referral",
            summary=f"{referral.reference}: the plan's aims differ from the work the referral "
            f"asked for; the named social worker is told. {plan.differs_note}",
            actor=actor,
            now=now,
        )
        notify(
            users=[referral.named_social_worker or referral.referrer],
            subject=f"Referral {referral.reference}: the plan differs from the referral",
            body=f"{name}'s signed enablement plan (version {plan.version}) aims at something "
            f"different from the work the referral asked for. {episode.worker} says: "
            f"{plan.differs_note}",
            now=now,
            referral=referral,
        )
