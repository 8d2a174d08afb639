"""The one door to case data: who may see or change which person (and, as they arrive,
which referral and episode).

Every view and API handler asks here. A record the user may not see is answered exactly as
a record that does not exist (404), so the answer leaks nothing.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from enablement.accounts.roles import Role
from enablement.governance import reads
from enablement.people.models import Person

NOTHING = Q(pk__in=[])


def _staff(user):
    return getattr(user, "staff", None) if user.is_authenticated else None


def person_filter(user, field: str = "pk") -> Q:
    """The people this user may see, as one filter. Roles add up.

    One `id IN (... UNION ALL ...)` of indexed id lists, one per way of seeing someone,
    rather than joins OR'ed together: the joins repeated each person once per referral (so
    every list needed a DISTINCT) and an OR across tables made PostgreSQL read every person
    and every referral (issue 14). `field` names the person column of another table (an
    event's `person_id`), so its rows are filtered by the same ids without joining the
    people table."""
    from enablement.people.models import Carer
    from enablement.referrals.models import Referral

    if not user.is_authenticated or not user.is_active:
        return NOTHING
    staff = _staff(user)
    roles = user.roles
    if Role.QUALITY_MANAGER in roles:
        return Q() if field == "pk" else Q(**{f"{field}__isnull": False})
    people, referred = Person.objects.order_by(), Referral.objects.order_by()
    ways = []
    if Role.PROVISION_MANAGER in roles and staff is not None:
        services = staff.services.values("pk")
        ways += [
            people.filter(registered_team__service__in=services).values("pk"),
            referred.filter(service__in=services).values("person_id"),
        ]
    if roles & {Role.ADMIN, Role.WORKER, Role.SENIOR} and staff is not None and staff.team_id:
        ways += [
            people.filter(registered_team_id=staff.team_id).values("pk"),
            # The team queue's two halves apart, so the first is read from the index of
            # (team, person) alone.
            referred.filter(team_id=staff.team_id).values("person_id"),
            referred.filter(team__isnull=True, service_id=staff.team.service_id).values(
                "person_id"
            ),
        ]
    if Role.REFERRER in roles:
        ways += [
            people.filter(created_by=user).values("pk"),
            referred.filter(referrer=user).values("person_id"),
            referred.filter(named_social_worker=user).values("person_id"),
        ]
    if Role.PERSON in roles:
        ways.append(people.filter(portal_user=user).values("pk"))
    if Role.CARER in roles:
        ways.append(Carer.objects.order_by().filter(portal_user=user).values("person_id"))
    if Role.SYSADMIN in roles:
        ways.append(break_glass_people(user))
    # System administrators (but for a live break-glass grant) and commissioners see no
    # person's record (DESIGN.md section 1).
    if not ways:
        return NOTHING
    ids = ways[0].union(*ways[1:], all=True) if len(ways) > 1 else ways[0]
    return Q(**{f"{field}__in": ids})


def break_glass_people(user):
    """The ids of the people this system administrator opened in an emergency, while each
    grant lasts. Compared with the clock on every read, so an expired grant stops at once,
    with no job to end it. Read-only: `may_change_person` never looks here."""
    from enablement.accounts.models import BreakGlassGrant
    from enablement.core import clock

    if not user.is_authenticated or not user.is_active or Role.SYSADMIN not in user.roles:
        return Person.objects.none().values("pk")
    return (
        BreakGlassGrant.objects.filter(user=user, expires_at__gt=clock.now())
        .order_by()
        .values("person_id")
    )


def has_break_glass(user) -> bool:
    """Whether this user holds a live break-glass grant (to let them reach the pages that
    show a person's referrals, which are otherwise for referral roles)."""
    return break_glass_people(user).exists()


def visible_people(user) -> QuerySet[Person]:
    """Every person this queryset fetches is logged as shown to the user (reads.watch)."""
    return reads.watch(Person.objects.filter(person_filter(user)))


def change_filter(user) -> Q:
    """The people this user may change. Seeing a person is not enough: a team that once had
    a referral for them, or that a referral merely reached, may read but not change. Those
    who may change are the team that recorded the person, a team holding a current
    referral (not yet ended) or an open episode for them, and the admins of a service
    holding a current referral (issue 9)."""
    from enablement.casework.models import OPEN_EPISODE_STATUSES
    from enablement.referrals.rules import OPEN_STATUSES, WAITING_STATUSES

    if not user.is_active or not user.has_perm("people.change_person"):
        return NOTHING
    q = NOTHING
    if Role.REFERRER in user.roles:
        # A referrer outside the teams corrects the record they made (a typo in the name, a
        # new phone number) until the service validates a referral of theirs for the person:
        # the admin checked those details, so from then on the service's team holds the
        # record. A record a team recorded is the team's (issue 12).
        from enablement.referrals.models import Referral

        validated = Referral.objects.filter(
            referrer=user, validated_at__isnull=False, person__isnull=False
        )
        q |= (
            Q(created_by=user, registered_team__isnull=True)
            & ~Q(pk__in=validated.values("person_id"))
            & ~Q(episodes__isnull=False)
        )
    staff = _staff(user)
    if (
        not user.roles & {Role.ADMIN, Role.WORKER, Role.SENIOR}
        or staff is None
        or not staff.team_id
    ):
        return q
    current = [str(s) for s in OPEN_STATUSES | WAITING_STATUSES]
    q |= Q(registered_team_id=staff.team_id)
    q |= Q(referrals__in=_team_referrals(staff).filter(status__in=current))
    q |= Q(episodes__team_id=staff.team_id, episodes__status__in=OPEN_EPISODE_STATUSES)
    if Role.ADMIN in user.roles:
        q |= Q(referrals__service_id=staff.team.service_id, referrals__status__in=current)
    return q


def may_change_person(user, person: Person) -> bool:
    q = change_filter(user)
    if q == NOTHING:
        return False
    return Person.objects.filter(q, pk=person.pk).exists()


def get_person(user, pk, *, change: bool = False) -> Person:
    """The person with this id if the user may see it (or change it), else 404."""
    # Portal users have no model permission but may see their own record.
    portal = user.is_authenticated and user.roles & {Role.PERSON, Role.CARER}
    # System administrators pass on to the filter, which holds only their break-glass people.
    emergency = user.is_authenticated and Role.SYSADMIN in user.roles
    if not user.has_perm("people.view_person") and not portal and not emergency:
        raise Http404
    try:
        person = visible_people(user).get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if change and not may_change_person(user, person):
        raise Http404
    reads.viewed(person=person)
    return person


def services_overseen(user):
    """Services whose configuration and performance this user may see in full."""
    from enablement.catalogue.models import Service

    if not user.is_authenticated:
        return Service.objects.none()
    if user.roles & {Role.QUALITY_MANAGER, Role.SYSADMIN, Role.COMMISSIONER}:
        return Service.objects.all()
    staff = _staff(user)
    if staff is None:
        return Service.objects.none()
    q = Q(pk__in=staff.services.all())
    if staff.team_id:
        q |= Q(pk=staff.team.service_id)
    return Service.objects.filter(q).distinct()


def feedback_services(user):
    """Services whose complaints, incidents and evaluation answers this user reads row by
    row: the quality manager all, a provision manager theirs, a team's senior their team's
    service. Commissioners get none: they see counts only (issue 13 item 5)."""
    from enablement.catalogue.models import Service

    if not user.is_authenticated or not user.is_active:
        return Service.objects.none()
    roles, staff = user.roles, _staff(user)
    if Role.QUALITY_MANAGER in roles:
        return Service.objects.all()
    q = NOTHING
    if Role.PROVISION_MANAGER in roles and staff is not None:
        q |= Q(pk__in=staff.services.all())
    if Role.SENIOR in roles and staff is not None and staff.team_id:
        q |= Q(pk=staff.team.service_id)
    return Service.objects.filter(q).distinct()


def may_change_service(user, service) -> bool:
    if not user.has_perm("catalogue.change_service"):
        return False
    if Role.SYSADMIN in user.roles:
        return True
    staff = _staff(user)
    return staff is not None and staff.services.filter(pk=service.pk).exists()


def may_manage_staff_of(user, team) -> bool:
    """Seniors keep their own team's hours, skills and leave; system administrators all."""
    if Role.SYSADMIN in user.roles:
        return True
    staff = _staff(user)
    return Role.SENIOR in user.roles and staff is not None and staff.team_id == team.pk


def teams_visible(user):
    from enablement.catalogue.models import Team

    if not user.is_authenticated:
        return Team.objects.none()
    if user.roles & {Role.SYSADMIN, Role.QUALITY_MANAGER}:
        return Team.objects.all()
    staff = _staff(user)
    if staff is None:
        return Team.objects.none()
    q = NOTHING
    if Role.PROVISION_MANAGER in user.roles:
        q |= Q(service__in=staff.services.all())
    if user.roles & {Role.ADMIN, Role.WORKER, Role.SENIOR} and staff.team_id:
        q |= Q(pk=staff.team_id)
    return Team.objects.filter(q).distinct()


def _team_referrals(staff):
    """A team's queue: referrals to the team, and those of its service not yet given a team
    (a hub service's single point of referral)."""
    from enablement.referrals.models import Referral

    return Referral.objects.filter(_team_queue(staff)).values("pk")


def _team_queue(staff) -> Q:
    return Q(team_id=staff.team_id) | Q(team__isnull=True, service_id=staff.team.service_id)


@dataclass(frozen=True)
class ReferralScope:
    """The referrals a user may see, in two parts: `places`, conditions on the service and
    team columns alone (which `referrals.tally` can count from its few rows), and `others`,
    the rest (what a front door handed on, a referrer's own, a break-glass person's), each
    a tuple of filters to OR together. `everything` for a national role."""

    everything: bool = False
    places: tuple[Q, ...] = ()
    others: tuple[Q, ...] = ()

    @property
    def places_filter(self) -> Q:
        return _any(self.places)

    @property
    def others_filter(self) -> Q:
        return _any(self.others)

    def filter(self) -> Q:
        return Q() if self.everything else _any(self.places + self.others)


def _any(parts: tuple[Q, ...]) -> Q:
    q = NOTHING
    for part in parts:
        q |= part
    return q


def referral_scope(user) -> ReferralScope:
    """Evaluated when called: ids are read for this request."""
    if not user.is_authenticated or not user.is_active:
        return ReferralScope()
    roles, staff = user.roles, _staff(user)
    if Role.QUALITY_MANAGER in roles:
        return ReferralScope(everything=True)
    places, others = [], []
    if Role.PROVISION_MANAGER in roles and staff is not None:
        places.append(Q(service_id__in=list(staff.services.values_list("pk", flat=True))))
    if roles & {Role.ADMIN, Role.WORKER, Role.SENIOR} and staff is not None and staff.team_id:
        places.append(_team_queue(staff))
        # A front door follows what it handed on (the autism panel, seed 001 §10; a hub's
        # Enhanced referral to the Network, seed 003): it may see the referral
        # it handed on, not change it (`may_act_on_referral` and `change_filter` look only
        # at the team that holds a referral). Only a panel or a hub hands on (from triage),
        # so a team of a service that never had either routing needs no such clause.
        if _may_have_handed_on(staff):
            others.append(Q(routed_from__in=_team_referrals(staff)))
    if Role.REFERRER in roles:
        others += [Q(referrer=user), Q(named_social_worker=user)]
    if Role.SYSADMIN in roles:
        others.append(
            Q(person_id__in=list(break_glass_people(user).values_list("person_id", flat=True)))
        )
    return ReferralScope(places=tuple(places), others=tuple(others))


def referral_filter(user) -> Q:
    """The referrals this user may see, as one filter of plain column conditions (the team,
    the service ids, the referrer) that PostgreSQL can combine from its indexes or check
    while walking a list's order; an `IN (subquery)` OR'ed with them made it read every
    referral (issue 14)."""
    return referral_scope(user).filter()


def _may_have_handed_on(staff) -> bool:
    from enablement.catalogue.models import ServiceSettings
    from enablement.catalogue.vocab import Routing

    # Read once per request: the staff record is the request's own.
    if not hasattr(staff, "_may_have_handed_on"):
        staff._may_have_handed_on = (
            ServiceSettings.objects.filter(service_id=staff.team.service_id)
            .exclude(routing=Routing.DIRECT)
            .exists()
        )
    return staff._may_have_handed_on


def referral_places(user):
    """(services, teams) in which this user may see referrals, for the choices of a filter.
    Read from the catalogue and from the few referrals seen outside a team (routed on,
    referred, opened in an emergency), never by grouping every referral the user may see,
    which at national scale is every row of a service (issue 14)."""
    from enablement.catalogue.models import Service, Team
    from enablement.referrals.models import Referral

    if not user.is_authenticated or not user.is_active:
        return Service.objects.none(), Team.objects.none()
    roles, staff = user.roles, _staff(user)
    if Role.QUALITY_MANAGER in roles:
        return Service.objects.all(), Team.objects.all()
    services, teams, outside = NOTHING, NOTHING, []
    if Role.PROVISION_MANAGER in roles and staff is not None:
        services |= Q(pk__in=staff.services.values("pk"))
        teams |= Q(service__in=staff.services.values("pk"))
    if roles & {Role.ADMIN, Role.WORKER, Role.SENIOR} and staff is not None and staff.team_id:
        services |= Q(pk=staff.team.service_id)
        teams |= Q(pk=staff.team_id)
        outside.append(Q(routed_from__isnull=False, routed_from__in=_team_referrals(staff)))
    if Role.REFERRER in roles:
        outside += [Q(referrer=user), Q(named_social_worker=user)]
    if Role.SYSADMIN in roles:
        outside.append(Q(person_id__in=break_glass_people(user)))
    for where in outside:  # each by its own index
        seen = Referral.objects.order_by().filter(where)
        services |= Q(pk__in=seen.values("service_id"))
        teams |= Q(pk__in=seen.filter(team__isnull=False).values("team_id"))
    return Service.objects.filter(services), Team.objects.filter(teams)


def visible_referrals(user, *, scope: ReferralScope | None = None):
    """`scope` when the caller has read it already (`referral_scope`). No DISTINCT: every
    part of `referral_filter` is a column or an IN (subquery), never a join that repeats a
    row, and a DISTINCT over a big team's rows would make PostgreSQL sort them all before a
    page's LIMIT (issue 14). A caller that joins a many-valued relation adds its own."""
    from enablement.referrals.models import Referral

    scope = scope or referral_scope(user)
    return reads.watch(Referral.objects.filter(scope.filter()))


def may_see_referral(user, referral) -> bool:
    """Whether the user may still open this referral: after an action that moves it (an
    assessment into another hub), the page they land on must be one they can see."""
    from enablement.referrals.models import Referral

    return Referral.objects.filter(referral_filter(user), pk=referral.pk).exists()


def get_referral(user, pk):
    from enablement.referrals.models import Referral

    try:
        referral = (
            visible_referrals(user)
            .select_related(
                "service", "service_settings", "team", "person", "referrer", "named_social_worker"
            )
            .get(pk=pk)
        )
    except (Referral.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    reads.viewed(referral=referral)
    return referral


# Who may take each front-door action on a referral they can see (seed 000 process overview).
ACTION_ROLES = {
    "match": {Role.ADMIN},
    "return": {Role.ADMIN},
    "validate": {Role.ADMIN},
    # Only the service's admin, who validated, undoes a validation made by mistake.
    "undo_validate": {Role.ADMIN},
    "triage_route": {Role.SENIOR},
    "assess": {Role.SENIOR, Role.WORKER},
    "signpost": {Role.SENIOR, Role.WORKER},
    "refer_on": {Role.SENIOR, Role.WORKER},
    "screen_accept": {Role.SENIOR, Role.WORKER},
    "screen_decline": {Role.SENIOR, Role.WORKER},
    "screen_not_ready": {Role.SENIOR, Role.WORKER},
    "hold": {Role.SENIOR, Role.WORKER},
}
REFERRER_ACTIONS = {"resubmit", "answer_hold", "withdraw"}
# A public submission has no referrer with an account, so nobody could correct or withdraw
# it once returned: the service admin does, for the person, after speaking to them (issue 10
# item 8).
ON_BEHALF_ACTIONS = {"resubmit", "withdraw"}


def may_act_on_referral(user, referral, action: str) -> bool:
    if action == "allocate":
        return may_allocate(user, referral.team)
    if action in REFERRER_ACTIONS:
        if user.pk in (referral.referrer_id, referral.named_social_worker_id):
            return True
        public = referral.referrer_id is None and referral.named_social_worker_id is None
        if not (public and action in ON_BEHALF_ACTIONS):
            return False
        roles = {Role.ADMIN}
    else:
        roles = ACTION_ROLES.get(action, set())
    if not user.roles & roles:
        return False
    staff = _staff(user)
    if staff is None or not staff.team_id:
        return False
    if referral.team_id is not None:
        return referral.team_id == staff.team_id
    return referral.service_id == staff.team.service_id


# Allocation (seed 000 §7): seniors allocate within their own team; admins see their team's
# waiting list to keep the tracker; provision and quality managers see every team they
# oversee. Workers never see the allocation pages: a colleague's caseload is not theirs.
ALLOCATION_ROLES = frozenset(
    {Role.SENIOR, Role.ADMIN, Role.PROVISION_MANAGER, Role.QUALITY_MANAGER}
)


def allocation_teams(user):
    """Teams whose waiting list and caseloads this user may see."""
    from enablement.catalogue.models import Team

    if not user.is_authenticated or not user.is_active or not user.roles & ALLOCATION_ROLES:
        return Team.objects.none()
    if Role.QUALITY_MANAGER in user.roles:
        return Team.objects.filter(active=True)
    staff = _staff(user)
    if staff is None:
        return Team.objects.none()
    q = NOTHING
    if Role.PROVISION_MANAGER in user.roles:
        q |= Q(service__in=staff.services.all())
    if user.roles & {Role.SENIOR, Role.ADMIN} and staff.team_id:
        q |= Q(pk=staff.team_id)
    return Team.objects.filter(q, active=True).distinct()


def may_allocate(user, team) -> bool:
    """Only a senior of the team allocates its referrals, and only to its own workers."""
    staff = _staff(user)
    return (
        user.is_active
        and Role.SENIOR in user.roles
        and staff is not None
        and team is not None
        and staff.team_id == team.pk
    )


def get_allocatable_referral(user, pk):
    """The referral with this id if the user may see it (else 404) and allocate it (else
    403)."""
    referral = get_referral(user, pk)
    if not may_allocate(user, referral.team):
        raise PermissionDenied
    return referral


def get_allocating_team(user, pk):
    """The team with this id if the user may see its list (else 404) and allocate in it
    (else 403)."""
    from enablement.catalogue.models import Team

    try:
        team = allocation_teams(user).get(pk=pk)
    except (Team.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not may_allocate(user, team):
        raise PermissionDenied
    return team


def forecast_services(user):
    """Services whose waiting-time forecast this user may see: provision managers their own,
    quality managers all."""
    from enablement.catalogue.models import Service

    if not user.is_authenticated or not user.is_active:
        return Service.objects.none()
    if Role.QUALITY_MANAGER in user.roles:
        return Service.objects.filter(active=True)
    staff = _staff(user)
    if Role.PROVISION_MANAGER in user.roles and staff is not None:
        return staff.services.filter(active=True)
    return Service.objects.none()


def return_services(user):
    """Services whose short-term support return this user may make: provision managers
    their own, quality managers all. The return is person-level (pseudonymised, with birth
    year and month), so commissioners, who see aggregates only, get none (ADR 0031)."""
    from enablement.catalogue.models import Service

    if not user.is_authenticated or not user.is_active:
        return Service.objects.none()
    if Role.QUALITY_MANAGER in user.roles:
        return Service.objects.all()
    staff = _staff(user)
    if Role.PROVISION_MANAGER in user.roles and staff is not None:
        return staff.services.all()
    return Service.objects.none()


# Subject access and legal holds (UK GDPR articles 15 and 17) are answered by the managers
# accountable for the record: a provision manager for the people of the services they
# oversee, a quality manager for everyone.
PRIVACY_ROLES = frozenset({Role.PROVISION_MANAGER, Role.QUALITY_MANAGER})


def may_manage_privacy(user) -> bool:
    return user.is_authenticated and user.is_active and bool(user.roles & PRIVACY_ROLES)


def get_person_for_privacy(user, pk) -> Person:
    """The person for a subject-access export or a legal hold: 403 to other roles, 404 for
    a person the manager may not see."""
    if not may_manage_privacy(user):
        raise PermissionDenied
    return get_person(user, pk)


# Episodes (issue 11). Staff of the team that holds an episode see all of it; the provision
# manager of its service and quality managers see it to decide extensions and disputes. The
# referrer and the named social worker see a summary (dates, the plan's goals, holds to
# answer) and the messages for their referral; the person and their carer only the portal.
def episode_filter(user) -> Q:
    """Episodes whose whole record (plan, visits, notes, reviews) this user may see."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    roles, staff = user.roles, _staff(user)
    if Role.QUALITY_MANAGER in roles:
        return Q()
    q = NOTHING
    if Role.PROVISION_MANAGER in roles and staff is not None:
        q |= Q(service__in=staff.services.all())
    if roles & {Role.ADMIN, Role.WORKER, Role.SENIOR} and staff is not None and staff.team_id:
        q |= Q(team_id=staff.team_id)
    if Role.SYSADMIN in roles:
        q |= Q(person_id__in=break_glass_people(user))
    return q


def social_worker_episode_filter(user) -> Q:
    """Episodes of referrals this user made or holds as the named social worker."""
    if not user.is_authenticated or not user.is_active or Role.REFERRER not in user.roles:
        return NOTHING
    return Q(referral__referrer=user) | Q(referral__named_social_worker=user)


def _episodes():
    from enablement.casework.models import Episode

    return Episode.objects.select_related(
        "referral",
        "referral__named_social_worker",
        "referral__referrer",
        "person",
        "service",
        "service_settings",
        "team",
        "worker__user",
    )


def get_episode(user, pk):
    """The episode with this id if the user may see all of it, else 404."""
    from enablement.casework.models import Episode

    try:
        episode = _episodes().filter(episode_filter(user)).get(pk=pk)
    except (Episode.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    reads.viewed(person=episode.person, referral=episode.referral)
    return episode


def get_episode_for(user, pk, action: str | None = None):
    """The episode with this id if the user may see all of it (else 404) and, when an action
    is named, take it (else 403). Every episode page and API handler that acts comes here."""
    episode = get_episode(user, pk)
    if action and not may_act_on_episode(user, episode, action):
        raise PermissionDenied
    return episode


def get_episode_summary(user, pk):
    """The episode for its summary page: staff who see it all, or its referrer and named
    social worker. 404 to anyone else."""
    from enablement.casework.models import Episode

    whole = episode_filter(user)
    # An empty Q (every episode: a quality manager) or'd with another Q is only the other.
    seen = whole | social_worker_episode_filter(user) if whole else whole
    try:
        episode = _episodes().filter(seen).get(pk=pk)
    except (Episode.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    reads.viewed(person=episode.person, referral=episode.referral)
    return episode


# Who may take each action on an episode they can see (seed 000 §7, §7.1, §8; 001 §9-§14).
# Worker actions are for the team's workers and seniors: a senior covers for a worker.
_TEAM = {Role.WORKER, Role.SENIOR}
EPISODE_ACTION_ROLES = {
    "review_risk": _TEAM,
    "record_meeting": _TEAM,
    "raise_safety_issue": _TEAM,
    "resolve_safety_issue": _TEAM,
    "start": _TEAM,
    "edit_plan": _TEAM,
    "sign_plan": _TEAM,
    "record_visit": _TEAM,
    "write_note": _TEAM,
    "escalate": {Role.WORKER},
    "raise_hold": _TEAM,
    "record_review": _TEAM,
    "request_extension": _TEAM,
    "propose_closure": _TEAM,
    # Outcome scores at baseline, reviews and closure (issue 13): the team, for the person
    # or the carer or on their behalf; the person and carer their own, in the portal.
    "record_outcome": _TEAM,
    # Evaluation and feedback (issue 13 item 2): the team types in a paper evaluation and
    # records a serious incident or safeguarding concern.
    "record_evaluation": _TEAM | {Role.ADMIN},
    "record_incident": _TEAM | {Role.ADMIN},
    "record_dispute": _TEAM | {Role.PROVISION_MANAGER, Role.QUALITY_MANAGER},
    # The senior's own steps.
    "check_note": {Role.SENIOR},
    "discuss_missed_visits": {Role.SENIOR},
    "discuss_extension": {Role.SENIOR},
    "agree_closure": {Role.SENIOR},
    # Decided above the team: the provision manager of the service.
    "decide_extension": {Role.PROVISION_MANAGER},
    # STR decides an extension at the review, in the team (reviews.rules.approval_steps).
    "decide_extension_at_review": {Role.SENIOR},
}
# Answered at each level of a disputed closure: senior, provision manager, quality manager.
DISPUTE_ROLES = {
    "senior": Role.SENIOR,
    "provision_manager": Role.PROVISION_MANAGER,
    "quality_manager": Role.QUALITY_MANAGER,
}


def may_act_on_episode(user, episode, action: str) -> bool:
    """Whether the user may take `action` on an episode. Checked by every view and API
    handler; the action functions trust it. `answer_hold` is the named social worker's
    (or the referrer's, when no social worker is named)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if action == "answer_hold":
        referral = episode.referral
        return user.pk in (referral.named_social_worker_id, referral.referrer_id)
    if action.startswith("answer_dispute_"):
        role = DISPUTE_ROLES.get(action.removeprefix("answer_dispute_"))
        roles = {role} if role else set()
    else:
        roles = EPISODE_ACTION_ROLES.get(action, set())
    held = user.roles & roles
    if not held:
        return False
    if Role.QUALITY_MANAGER in held:
        return True
    staff = _staff(user)
    if staff is None:
        return False
    if Role.PROVISION_MANAGER in held and staff.services.filter(pk=episode.service_id).exists():
        return True
    return bool(held & {Role.WORKER, Role.SENIOR, Role.ADMIN}) and staff.team_id == episode.team_id
