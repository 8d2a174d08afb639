"""The managers' home counts the people of the services they oversee by primary diagnosis
(counted by team and added up by service, issue 14); a commissioner sees small counts as
"fewer than 5"."""

from collections import Counter

from enablement.accounts import access
from enablement.catalogue.vocab import DiagnosisCategory
from enablement.people.models import Person

LABELS = dict(DiagnosisCategory.choices)


def _by_hand(user) -> Counter:
    services = access.services_overseen(user)
    people = Person.objects.filter(registered_team__service__in=services)
    return Counter(
        (p.registered_team.service.name, LABELS[p.primary_diagnosis])
        for p in people.select_related("registered_team__service")
    )


def _shown(response) -> dict:
    return {(r["service"], r["category"]): r["count"] for r in response.context["table"]}


def test_each_service_and_diagnosis_is_counted_across_its_teams(client_for, user_for):
    manager = user_for("provision_manager")
    expected = _by_hand(manager)
    assert expected, "the demo registers people with the manager's services"
    assert len(set(Person.objects.values_list("registered_team", flat=True))) > 1
    shown = _shown(client_for("provision_manager").get("/home/dashboard/"))
    assert shown == {key: str(n) for key, n in expected.items()}


def test_a_commissioner_sees_small_counts_hidden(client_for, user_for):
    expected = _by_hand(user_for("commissioner"))
    shown = _shown(client_for("commissioner").get("/home/dashboard/"))
    assert shown == {key: ("fewer than 5" if 0 < n < 5 else str(n)) for key, n in expected.items()}
    assert any(0 < n < 5 for n in expected.values()), "the demo has a small count to hide"
