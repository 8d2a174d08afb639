"""Home-page counts stop at a ceiling ("more than 10,000") instead of counting a whole
service's history on every request."""

import pytest

from enablement.core.counting import CEILING, Count, bounded, bounded_count, bounded_groups


@pytest.mark.parametrize(
    "counted,shown",
    [(0, "0"), (1, "1"), (9_999, "9,999"), (CEILING, "10,000"), (CEILING + 1, "more than 10,000")],
)
def test_a_count_reads_exactly_up_to_the_ceiling_and_more_than_it_beyond(counted, shown):
    assert str(bounded(counted)) == shown


def test_the_number_behind_more_than_is_the_ceiling():
    assert bounded(CEILING + 1) == Count(CEILING, more=True)
    assert int(bounded(12)) == 12


@pytest.mark.django_db
def test_the_database_counts_no_further_than_the_ceiling(django_user_model):
    for n in range(7):
        django_user_model.objects.create(username=f"counted.{n}")
    users = django_user_model.objects.filter(username__startswith="counted.")
    assert bounded_count(users, ceiling=5) == Count(5, more=True)
    assert str(bounded_count(users, ceiling=7)) == "7"
    assert str(bounded_count(users, ceiling=10)) == "7"


@pytest.mark.django_db
def test_counts_by_a_field_are_exact_below_the_ceiling_and_each_bounded_above(
    django_user_model,
):
    for n in range(7):
        django_user_model.objects.create(username=f"grouped.{n}", is_staff=n < 2)
    users = django_user_model.objects.filter(username__startswith="grouped.")
    each, total = bounded_groups(users, "is_staff", [True, False], ceiling=10)
    assert (each, total) == ({True: Count(2), False: Count(5)}, Count(7))
    each, total = bounded_groups(users, "is_staff", [True, False], ceiling=4)
    assert (each, total) == ({True: Count(2), False: Count(4, more=True)}, Count(4, more=True))
