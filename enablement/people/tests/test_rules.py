"""Pure checks of NHS numbers, postcodes, dates of birth and possible duplicates."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enablement.people import rules

VALID_NHS = ["9434765919", "4010232137", "9990001006"]


def _check_digit(body: str) -> int:
    total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
    return (11 - total % 11) % 11


@pytest.mark.parametrize("number", [*VALID_NHS, "943 476 5919", "943-476-5919"])
def test_valid_nhs_numbers_pass(number):
    assert rules.nhs_number_problem(number) is None


@pytest.mark.parametrize(
    "number,message",
    [
        ("943 476 5918", "check digit"),
        ("94347659", "10 digits"),
        ("94347659191", "10 digits"),
        ("943476591A", "only include numbers"),
        ("", "only include numbers"),
    ],
)
def test_invalid_nhs_numbers_are_refused(number, message):
    assert message in rules.nhs_number_problem(number)


@pytest.mark.parametrize("valid", VALID_NHS)
def test_every_single_digit_change_is_caught(valid):
    for i in range(10):
        for digit in "0123456789":
            if digit == valid[i]:
                continue
            changed = valid[:i] + digit + valid[i + 1 :]
            assert rules.nhs_number_problem(changed) is not None, changed


@given(body=st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_check_digit_10_is_never_valid(body):
    check = _check_digit(body)
    if check == 10:
        assert all(rules.nhs_number_problem(body + d) for d in "0123456789")
    else:
        assert rules.nhs_number_problem(body + str(check)) is None


def test_nhs_number_is_formatted_3_3_4():
    assert rules.format_nhs_number("9434765919") == "943 476 5919"


@pytest.mark.parametrize(
    "raw,normal",
    [
        ("ME14 1XQ", "ME14 1XQ"),
        ("me141xq", "ME14 1XQ"),
        (" ct1  2eh ", "CT1 2EH"),
        ("EN5 4BE", "EN5 4BE"),
        ("N3 1AB", "N3 1AB"),
        ("NW9 6RR", "NW9 6RR"),
        ("W1A 1AA", "W1A 1AA"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("GIR 0AA", "GIR 0AA"),
    ],
)
def test_valid_postcodes_are_normalised(raw, normal):
    assert rules.postcode_problem(raw) is None
    assert rules.normalise_postcode(raw) == normal


@pytest.mark.parametrize("raw", ["ME14", "123 456", "ME14 1X", "ZZZ 999", "ME14 1XQQ", "Q1 1AA"])
def test_malformed_postcodes_are_refused(raw):
    assert rules.postcode_problem(raw) == "Enter a real postcode, like ME14 1XQ"


def test_date_of_birth_must_be_in_the_past():
    today = date(2026, 11, 29)
    assert rules.date_of_birth_problem(date(2026, 11, 30), today)
    assert rules.date_of_birth_problem(date(2026, 11, 29), today) is None
    assert rules.date_of_birth_problem(date(1900, 1, 1), today)
    assert rules.date_of_birth_problem(date(1985, 3, 27), today) is None


@pytest.mark.parametrize(
    "dob,on,age",
    [
        (date(2008, 4, 2), date(2026, 4, 1), 17),
        (date(2008, 4, 2), date(2026, 4, 2), 18),
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2008, 2, 29), date(2028, 2, 29), 20),
    ],
)
def test_age_in_completed_years(dob, on, age):
    assert rules.age_on(dob, on) == age


def _p(pk, given, family, dob=date(1985, 3, 27), nhs=None, case=None, postcode=""):
    return rules.PersonFacts(pk, given, family, dob, nhs, case, postcode)


def test_duplicates_are_reported_strongest_first_and_never_the_person_itself():
    me = _p(1, "Ada", "Sample", nhs="9434765919")
    others = [
        me,
        _p(2, "Ann", "Sampel"),  # same DOB, first initial, close surname
        _p(3, "Ada", "Sample"),  # same DOB and surname
        _p(4, "Other", "Name", dob=date(1990, 1, 1), nhs="9434765919"),
        _p(5, "Zed", "Unrelated"),
    ]
    matches = rules.possible_duplicates(me, others)
    assert [m.other_id for m in matches] == [4, 3, 2]
    assert [m.strength for m in matches] == ["certain", "likely", "possible"]
    assert matches[0].reasons == ("Same NHS number",)


def test_hyphens_apostrophes_and_case_do_not_hide_a_duplicate():
    me = _p(None, "Sean", "O'Neill")
    match = rules.possible_duplicates(me, [_p(7, "SEAN", "oneill")])
    assert match[0].strength == "likely"


def test_same_name_and_postcode_with_another_birth_date_is_possible():
    me = _p(None, "Kai", "Demo", postcode="CT11 9AA")
    other = _p(8, "Kai", "Demo", dob=date(1990, 5, 5), postcode="ct119aa")
    assert rules.possible_duplicates(me, [other])[0].reasons == ("Same name and postcode",)


def test_same_case_system_id_is_certain():
    me = _p(None, "A", "B", dob=date(1970, 1, 1), case="MOS123")
    other = _p(9, "C", "D", dob=date(1980, 1, 1), case="MOS123")
    assert rules.possible_duplicates(me, [other])[0].strength == "certain"
