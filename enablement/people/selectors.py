"""Reading people, always through the access door."""

import re
from collections import Counter
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower

from enablement.accounts.access import visible_people
from enablement.governance import reads
from enablement.people import rules
from enablement.people.models import Person

_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d %m %Y", "%Y-%m-%d", "%d.%m.%Y")


def _as_date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def search_people(user, query: str) -> QuerySet[Person]:
    """By NHS number (any spacing), date of birth (e.g. 27/03/1985) or name. The people
    fetched are logged as found by a search (a list when there is no query)."""
    people = visible_people(user).select_related("registered_team")
    query = (query or "").strip()
    if not query:
        return people
    people = reads.watch(people, reads.Action.SEARCH)
    digits = re.sub(r"[\s-]", "", query)
    if digits.isdigit() and len(digits) == 10:
        return people.filter(nhs_number=digits)
    as_date = _as_date(query)
    if as_date:
        return people.filter(date_of_birth=as_date)
    q = Q()
    terms = query.split()
    for term in terms:
        q &= (
            Q(given_name__icontains=term)
            | Q(family_name__icontains=term)
            | Q(preferred_name__icontains=term)
            | Q(case_system_id__iexact=term)
        )
    people = people.filter(q)
    if all(len(term) >= TRIGRAM for term in terms):
        # On PostgreSQL each name column's trigram index finds these (people 0006). In the
        # name order an index already holds, the planner would rather walk that index
        # until a page of matches turns up, which for a name filed late in the alphabet
        # is most of the country; in an order no index holds it takes the matches from
        # the trigram indexes and sorts only them. Same order, letter case aside.
        people = people.order_by(Lower("family_name"), Lower("given_name"), "pk")
    return people


# The shortest term a trigram index can look up; shorter ones are matched by reading on.
TRIGRAM = 3


def _facts(p: Person) -> rules.PersonFacts:
    return rules.PersonFacts(
        id=p.pk,
        given_name=p.given_name,
        family_name=p.family_name,
        date_of_birth=p.date_of_birth,
        nhs_number=p.nhs_number,
        case_system_id=p.case_system_id,
        postcode=p.postcode,
    )


def identity_matches(candidate: rules.PersonFacts) -> list:
    """Every record that may be this person, as (person, match) pairs, whoever holds it.

    Only for a role that resolves identity (the admin matching a public submission):
    anyone else reads `possible_duplicates`, which never reveals a record they cannot see.
    Candidates are narrowed in the database (same date of birth, NHS number, case-system ID
    or family name); the pure rule decides what counts as a match.
    """
    # Identifiers and the date of birth pick out a handful of records each, all read. A
    # name alone matches only with the same postcode: the full name narrows it (a family
    # name alone is thousands of records nationally, and any 200 of them could have left
    # out the one that matches).
    q = Q(date_of_birth=candidate.date_of_birth)
    if candidate.nhs_number:
        q |= Q(nhs_number=candidate.nhs_number)
    if candidate.case_system_id:
        q |= Q(case_system_id=candidate.case_system_id)
    same_name = Q(
        family_name__iexact=candidate.family_name, given_name__iexact=candidate.given_name
    )
    people = Person.objects.exclude(pk=candidate.id)
    pool = list(people.filter(q)) + list(people.filter(same_name).exclude(q)[:200])
    matches = rules.possible_duplicates(candidate, [_facts(p) for p in pool])
    by_id = {p.pk: p for p in pool}
    return [(by_id[m.other_id], m) for m in matches]


def possible_duplicates(user, candidate: rules.PersonFacts) -> list:
    """The matches this user may open. Matches they may not see are left out without a
    hint: saying "someone else holds a match" would tell them the person is known to a
    mental-health service (issue 9)."""
    found = identity_matches(candidate)
    visible_ids = set(
        visible_people(user).filter(pk__in=[p.pk for p, _ in found]).values_list("pk", flat=True)
    )
    return [(p, m) for p, m in found if p.pk in visible_ids]


def facts_of(person: Person) -> rules.PersonFacts:
    return _facts(person)


def duplicate_questions(user):
    """Open possible-duplicate questions this user may answer: only those where they may
    see both records, so answering one reveals nothing new to them."""
    from enablement.people.models import PossibleDuplicate

    visible = visible_people(user).values("pk")
    return (
        PossibleDuplicate.objects.filter(decision="", record__in=visible, other__in=visible)
        .select_related("record", "other", "record__registered_team", "other__registered_team")
        .order_by("raised_at", "id")
    )


def counts_by_diagnosis(services) -> list[tuple[str, str, int]]:
    """People registered with the services' teams, as (service name, primary diagnosis,
    number), in that order. Counted by team from the (team, diagnosis) index alone and added
    up by service here: a join to teams and services made PostgreSQL hash every person in
    the country (issue 14)."""
    from enablement.catalogue.models import Team

    team_service = dict(
        Team.objects.filter(service__in=services).values_list("pk", "service__name")
    )
    by_team = (
        Person.objects.filter(registered_team_id__in=list(team_service))
        .values_list("registered_team_id", "primary_diagnosis")
        .annotate(n=Count("*"))
        .order_by()
    )
    counts = Counter()
    for team_id, diagnosis, n in by_team:
        counts[team_service[team_id], diagnosis] += n
    return [(service, diagnosis, n) for (service, diagnosis), n in sorted(counts.items())]
