"""Reading people, always through the access door."""

import re
from datetime import date, datetime

from django.db.models import Q, QuerySet

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
    for term in query.split():
        q &= (
            Q(given_name__icontains=term)
            | Q(family_name__icontains=term)
            | Q(preferred_name__icontains=term)
            | Q(case_system_id__iexact=term)
        )
    return people.filter(q)


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


def possible_duplicates(user, candidate: rules.PersonFacts):
    """Matches the user may open, and a count of matches held by teams they cannot see.

    Candidates are narrowed in the database (same date of birth, NHS number, case-system ID
    or family name); the pure rule decides what counts as a match.
    """
    q = Q(date_of_birth=candidate.date_of_birth) | Q(family_name__iexact=candidate.family_name)
    if candidate.nhs_number:
        q |= Q(nhs_number=candidate.nhs_number)
    if candidate.case_system_id:
        q |= Q(case_system_id=candidate.case_system_id)
    pool = list(Person.objects.filter(q)[:200])
    matches = rules.possible_duplicates(candidate, [_facts(p) for p in pool])
    visible_ids = set(
        visible_people(user)
        .filter(pk__in=[m.other_id for m in matches])
        .values_list("pk", flat=True)
    )
    by_id = {p.pk: p for p in pool}
    shown = [(by_id[m.other_id], m) for m in matches if m.other_id in visible_ids]
    hidden = sum(1 for m in matches if m.other_id not in visible_ids)
    return shown, hidden


def facts_of(person: Person) -> rules.PersonFacts:
    return _facts(person)
