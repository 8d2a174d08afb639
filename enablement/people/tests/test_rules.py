"""Pure checks of NHS numbers, postcodes, dates of birth, ages and possible duplicates.

No database and no clock, so these run without Django.
"""

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enablement.people import rules

# --- NHS number -------------------------------------------------------------------------


def _check_digit(body: str) -> int:
    """Modulus 11 written out again here, so the rule is not only tested against itself."""
    total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
    return 11 - total % 11  # 11 means 0; 10 means no valid number


# Each worked through by _check_digit (see test_the_examples_are_valid_by_hand).
VALID_NHS = [
    "9434765919",  # the NHS's own example: 9 * 10 + 4 * 9 + ... = 299; 11 - 299 % 11 = 9
    "4010232137",
    "9990001006",
    "9999999999",  # 486 % 11 = 2, so 9
    "9876543210",  # check 11, written as 0
    "9990000050",  # check 11, written as 0
]


@pytest.mark.parametrize("number", VALID_NHS)
def test_the_examples_are_valid_by_hand(number):
    assert _check_digit(number[:9]) % 11 == int(number[9])


@pytest.mark.parametrize(
    "number", [*VALID_NHS, "943 476 5919", "943-476-5919", " 943 476 5919 ", "943–476–5919"]
)
def test_valid_nhs_numbers_pass(number):
    assert rules.nhs_number_problem(number) is None


@pytest.mark.parametrize(
    "number,message",
    [
        ("943 476 5918", rules.NHS_BAD_CHECK_DIGIT),
        ("94347659", rules.NHS_WRONG_LENGTH),
        ("94347659191", rules.NHS_WRONG_LENGTH),
        ("12345", rules.NHS_WRONG_LENGTH),
        ("", rules.NHS_WRONG_LENGTH),
        ("943476591A", rules.NHS_NOT_DIGITS),
        ("943.476.5919", rules.NHS_NOT_DIGITS),
        ("943/476/5919", rules.NHS_NOT_DIGITS),
        ("９４３４７６５９１９", rules.NHS_NOT_DIGITS),  # full-width digits
        ("²434765919", rules.NHS_NOT_DIGITS),  # str.isdigit() says True
    ],
)
def test_invalid_nhs_numbers_are_refused_with_the_right_message(number, message):
    assert rules.nhs_number_problem(number) == message


def test_messages_are_the_ones_the_pages_show():
    assert rules.nhs_number_problem("12345") == (
        "Enter an NHS number that is 10 digits long, like 943 476 5919"
    )
    assert rules.nhs_number_problem("943 476 5918") == (
        "Enter a valid NHS number – the check digit does not match. Check it and try again"
    )
    assert rules.nhs_number_problem("943 476 591x") == (
        "NHS number must only include numbers, spaces and hyphens"
    )


@pytest.mark.parametrize("valid", VALID_NHS)
def test_every_single_digit_change_is_caught(valid):
    for i in range(10):
        for digit in "0123456789":
            if digit == valid[i]:
                continue
            changed = valid[:i] + digit + valid[i + 1 :]
            assert rules.nhs_number_problem(changed) == rules.NHS_BAD_CHECK_DIGIT, changed


@pytest.mark.parametrize("valid", VALID_NHS)
def test_most_swaps_of_neighbouring_digits_are_caught(valid):
    # Modulus 11 catches every swap of two different neighbouring digits.
    for i in range(9):
        if valid[i] == valid[i + 1]:
            continue
        swapped = valid[:i] + valid[i + 1] + valid[i] + valid[i + 2 :]
        assert rules.nhs_number_problem(swapped) is not None, swapped


def test_a_body_whose_check_digit_would_be_10_has_no_valid_number():
    assert _check_digit("999000000") == 10
    assert rules.nhs_check_digit("999000000") is None
    for last in "0123456789":
        assert rules.nhs_number_problem("999000000" + last) == rules.NHS_BAD_CHECK_DIGIT


@given(body=st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_exactly_one_last_digit_is_valid_unless_the_check_is_10(body):
    valid_endings = [d for d in "0123456789" if rules.nhs_number_problem(body + d) is None]
    check = _check_digit(body)
    if check == 10:
        assert valid_endings == []
    else:
        assert valid_endings == [str(check % 11)]
        assert rules.nhs_check_digit(body) == check % 11


@given(body=st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_spacing_and_hyphens_never_change_the_answer(body):
    number = body + str(_check_digit(body) % 11)
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    hyphened = spaced.replace(" ", "-")
    assert (
        rules.nhs_number_problem(number)
        == rules.nhs_number_problem(spaced)
        == rules.nhs_number_problem(hyphened)
    )
    assert rules.normalise_nhs_number(spaced) == rules.normalise_nhs_number(hyphened) == number


def test_nhs_number_is_formatted_3_3_4():
    assert rules.format_nhs_number("9434765919") == "943 476 5919"
    assert rules.format_nhs_number("943-476-5919") == "943 476 5919"
    assert rules.format_nhs_number(" 12345 ") == "12345"  # not 10 digits: left as typed
    assert rules.format_nhs_number("") == ""


def test_normalise_strips_spaces_and_hyphens_only():
    assert rules.normalise_nhs_number(" 943 476-5919 ") == "9434765919"
    assert rules.normalise_nhs_number("943.476.5919") == "943.476.5919"
    assert rules.normalise_nhs_number("") == ""


# --- Postcode ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,normal",
    [
        ("ME14 1XQ", "ME14 1XQ"),  # AA99 9AA
        ("me141xq", "ME14 1XQ"),
        (" ct1  2eh ", "CT1 2EH"),  # AA9 9AA
        ("EN5 4BE", "EN5 4BE"),
        ("N3 1AB", "N3 1AB"),  # A9 9AA
        ("M60 1NW", "M60 1NW"),  # A99 9AA
        ("NW9 6RR", "NW9 6RR"),
        ("W1A 1AA", "W1A 1AA"),  # A9A 9AA
        ("EC1A 1BB", "EC1A 1BB"),  # AA9A 9AA
        ("SW1A 2AA", "SW1A 2AA"),
        ("WC2H 7LT", "WC2H 7LT"),
        ("E1W 1YW", "E1W 1YW"),
        ("N1C 4AG", "N1C 4AG"),
        ("CF10 1EP", "CF10 1EP"),  # Wales
        ("LL57 2DG", "LL57 2DG"),
        ("GIR 0AA", "GIR 0AA"),
        ("gir0aa", "GIR 0AA"),
        ("M E 1 4 1 X Q", "ME14 1XQ"),
        ("ME14\t1XQ", "ME14 1XQ"),
    ],
)
def test_valid_postcodes_are_normalised(raw, normal):
    assert rules.postcode_problem(raw) is None
    assert rules.normalise_postcode(raw) == normal


@pytest.mark.parametrize(
    "raw",
    [
        "ME14",  # outward code only
        "123 456",
        "ME14 1X",
        "ZZZ 999",
        "ME14 1XQQ",
        "ME141 1XQ",
        "Q1 1AA",  # no Q first
        "AJ1 1AA",  # no J second
        "ME14 1CQ",  # no C in the inward code
        "ME14 1XO",  # O, not 0, is a typo
        "ME14 IXQ",  # I for 1
        "MEI4 1XQ",
        "W1I 1AA",  # I never ends an A9A outward code
        "EC1Z 1BB",  # nor Z an AA9A one
        "ME14-1XQ",
        "ME14 1XQ!",
    ],
)
def test_malformed_postcodes_are_refused(raw):
    assert rules.postcode_problem(raw) == "Enter a real postcode, like ME14 1XQ"


@pytest.mark.parametrize("raw", ["", "   "])
def test_missing_postcode_asks_for_one(raw):
    assert rules.postcode_problem(raw) == "Enter a postcode, like ME14 1XQ"


def test_half_postcodes_are_not_split_oddly():
    assert rules.normalise_postcode("me14") == "ME14"
    assert rules.normalise_postcode("ME141XQQ") == "ME141XQQ"


@given(st.text(max_size=12))
def test_a_postcode_that_passes_is_already_normal(raw):
    if rules.postcode_problem(raw) is None:
        normal = rules.normalise_postcode(raw)
        assert rules.normalise_postcode(normal) == normal
        assert rules.postcode_problem(normal) is None


# --- Date of birth ----------------------------------------------------------------------

TODAY = date(2026, 11, 29)


def test_date_of_birth_must_be_in_the_past():
    assert rules.date_of_birth_problem(date(2026, 11, 30), TODAY) == (
        "Date of birth must be in the past"
    )
    assert rules.date_of_birth_problem(date(2030, 1, 1), TODAY) == (
        "Date of birth must be in the past"
    )


def test_today_and_ordinary_dates_are_accepted():
    assert rules.date_of_birth_problem(TODAY, TODAY) is None
    assert rules.date_of_birth_problem(date(1985, 3, 27), TODAY) is None
    assert rules.date_of_birth_problem(date(1940, 1, 1), TODAY) is None


def test_more_than_120_years_ago_is_refused_with_the_earliest_date():
    message = "Date of birth must be the same as or after 29 November 1906"
    assert rules.date_of_birth_problem(date(1906, 11, 29), TODAY) is None  # exactly 120
    assert rules.date_of_birth_problem(date(1906, 11, 28), TODAY) == message
    assert rules.date_of_birth_problem(date(1825, 3, 27), TODAY) == message


def test_earliest_date_of_birth_on_29_february():
    # 1900 was not a leap year, so 120 years before 29 February 2020 is 28 February.
    assert rules.earliest_date_of_birth(date(2020, 2, 29)) == date(1900, 2, 28)
    assert rules.earliest_date_of_birth(date(2024, 2, 29)) == date(1904, 2, 29)


@given(
    dob=st.dates(min_value=date(1850, 1, 1), max_value=date(2100, 1, 1)),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 1, 1)),
)
def test_a_date_of_birth_is_accepted_from_120_years_ago_to_today(dob, today):
    accepted = rules.date_of_birth_problem(dob, today) is None
    assert accepted == (rules.earliest_date_of_birth(today) <= dob <= today)
    if accepted:
        assert 0 <= rules.age_on(dob, today) <= 120
    elif dob <= today:
        assert rules.age_on(dob, today) >= 120


# --- Age --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dob,on,age",
    [
        (date(2008, 4, 2), date(2026, 4, 1), 17),  # day before the 18th birthday
        (date(2008, 4, 2), date(2026, 4, 2), 18),  # on it
        (date(2008, 4, 2), date(2026, 4, 3), 18),
        (date(2008, 12, 31), date(2026, 1, 1), 17),
        (date(2026, 11, 29), date(2026, 11, 29), 0),  # born today
        (date(1926, 11, 29), date(2026, 11, 29), 100),
        # 29 February: a year older on 1 March in a common year (UK law)
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2008, 2, 29), date(2028, 2, 28), 19),
        (date(2008, 2, 29), date(2028, 2, 29), 20),  # leap year: on the day itself
        (date(2008, 2, 29), date(2009, 2, 28), 0),
        (date(2008, 2, 29), date(2009, 3, 1), 1),
        # 28 February and 1 March birthdays are unaffected by leap years
        (date(2008, 2, 28), date(2028, 2, 28), 20),
        (date(2008, 3, 1), date(2028, 2, 29), 19),
    ],
)
def test_age_in_completed_years(dob, on, age):
    assert rules.age_on(dob, on) == age


def test_age_before_birth_is_an_error_not_a_negative_number():
    with pytest.raises(ValueError):
        rules.age_on(date(2026, 11, 30), date(2026, 11, 29))


@given(
    dob=st.dates(min_value=date(1900, 1, 1), max_value=date(2040, 12, 31)),
    later=st.integers(0, 50_000),
)
def test_age_never_decreases_and_grows_by_at_most_one_a_day(dob, later):
    on = dob + timedelta(days=later)
    age, next_age = rules.age_on(dob, on), rules.age_on(dob, on + timedelta(days=1))
    assert 0 <= age <= later // 365
    assert next_age - age in (0, 1)


# --- Possible duplicates ----------------------------------------------------------------

DOB = date(1985, 3, 27)


def _p(pk, given, family, dob=DOB, nhs=None, case=None, postcode=""):
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
    assert matches[1].reasons == ("Same date of birth and family name",)
    assert matches[2].reasons == ("Same date of birth and similar name (Ada Sample / Ann Sampel)",)


def test_nhs_numbers_match_whatever_the_spacing():
    me = _p(None, "A", "B", dob=None, nhs="943 476 5919")
    [match] = rules.possible_duplicates(me, [_p(4, "C", "D", dob=None, nhs="9434765919")])
    assert (match.strength, match.reasons) == ("certain", ("Same NHS number",))


def test_same_case_system_id_is_certain_whatever_the_case():
    me = _p(None, "A", "B", dob=date(1970, 1, 1), case="MOS123")
    other = _p(9, "C", "D", dob=date(1980, 1, 1), case=" mos123")
    [match] = rules.possible_duplicates(me, [other])
    assert (match.strength, match.reasons) == ("certain", ("Same case-system ID",))


def test_missing_identifiers_never_match_each_other():
    me = _p(None, "A", "B", dob=None, nhs=None, case=None)
    others = [
        _p(1, "C", "D", dob=None, nhs=None, case=None),
        _p(2, "C", "D", dob=None, nhs="", case=""),
    ]
    assert rules.possible_duplicates(me, others) == []
    assert rules.possible_duplicates(_p(None, "A", "B", nhs="", case=" "), others) == []


def test_every_reason_is_listed_with_the_strongest_strength():
    me = _p(None, "Ada", "Sample", nhs="9434765919", case="MOS1")
    [match] = rules.possible_duplicates(me, [_p(3, "Ada", "Sample", nhs="9434765919", case="MOS1")])
    assert match.strength == "certain"
    assert match.reasons == (
        "Same NHS number",
        "Same case-system ID",
        "Same date of birth and family name",
    )


def test_twins_are_likely_not_certain():
    # Same date of birth and family name: reported for a person to decide.
    [match] = rules.possible_duplicates(_p(None, "Ada", "Sample"), [_p(3, "Eve", "Sample")])
    assert match.strength == "likely"


@pytest.mark.parametrize(
    "mine,theirs",
    [
        (("Sean", "O'Neill"), ("SEAN", "oneill")),
        (("Sean", "O’Neill"), ("Sean", "O'Neill")),  # curly apostrophe
        (("Mary", "Smith-Jones"), ("Mary", "Smith Jones")),
        (("Mary", "  Smith   Jones "), ("Mary", "smith jones")),
        (("Zoë", "Brontë"), ("Zoe", "Bronte")),
        (("Ann", "van der Berg"), ("Ann", "Van Der Berg")),
    ],
)
def test_case_spacing_hyphens_apostrophes_and_accents_do_not_hide_a_duplicate(mine, theirs):
    [match] = rules.possible_duplicates(_p(None, *mine), [_p(7, *theirs)])
    assert match.strength == "likely"
    assert match.reasons == ("Same date of birth and family name",)


@pytest.mark.parametrize(
    "mine,theirs",
    [
        (("Jon", "Smyth"), ("John", "Smith")),
        (("Ann", "Sampel"), ("Ada", "Sample")),  # swapped letters: one edit
        (("Mohammed", "Khan"), ("Muhammad", "Kahn")),
        (("Katherine", "Macdonald"), ("Kathryn", "McDonald")),
        (("Li", "Wu"), ("Lee", "Wo")),  # short names: one edit
    ],
)
def test_same_birthday_initial_and_similar_family_name_is_possible(mine, theirs):
    [match] = rules.possible_duplicates(_p(None, *mine), [_p(7, *theirs)])
    assert match.strength == "possible"
    expected = f"Same date of birth and similar name ({' '.join(mine)} / {' '.join(theirs)})"
    assert match.reasons == (expected,)


@pytest.mark.parametrize(
    "mine,theirs",
    [
        (("Jon", "Smyth"), ("Dan", "Smith")),  # different initial
        (("Ann", "Li"), ("Ann", "Wu")),  # two edits is too many for a two-letter name
        (("Ann", "Smith"), ("Ann", "Smithsonian")),
        (("Ann", "Brown"), ("Ann", "Green")),  # three edits
        (("", "Smyth"), ("", "Smith")),  # no initial to compare
    ],
)
def test_not_similar_enough_is_not_reported(mine, theirs):
    assert rules.possible_duplicates(_p(None, *mine), [_p(7, *theirs)]) == []


def test_similar_names_without_the_same_birthday_are_not_reported():
    me = _p(None, "Jon", "Smyth")
    assert rules.possible_duplicates(me, [_p(7, "John", "Smith", dob=date(1985, 3, 28))]) == []
    assert rules.possible_duplicates(me, [_p(7, "Jon", "Smyth", dob=None)]) == []
    no_dob = _p(None, "Jon", "Smyth", dob=None)
    assert rules.possible_duplicates(no_dob, [_p(7, "Jon", "Smyth", dob=None)]) == []


def test_same_name_and_postcode_with_another_birth_date_is_possible():
    me = _p(None, "Kai", "Demo", postcode="CT11 9AA")
    other = _p(8, "kai", "DEMO", dob=date(1990, 5, 5), postcode="ct119aa")
    [match] = rules.possible_duplicates(me, [other])
    assert (match.strength, match.reasons) == ("possible", ("Same name and postcode",))


def test_same_name_and_postcode_with_a_missing_birth_date_is_possible():
    me = _p(None, "Kai", "Demo", postcode="CT11 9AA")
    [match] = rules.possible_duplicates(me, [_p(8, "Kai", "Demo", dob=None, postcode="CT11 9AA")])
    assert match.reasons == ("Same name and postcode",)


def test_name_and_postcode_need_both_names_and_a_postcode():
    me = _p(None, "Kai", "Demo", postcode="CT11 9AA")
    later = date(1990, 5, 5)
    other_given_name = _p(8, "Kim", "Demo", dob=later, postcode="CT11 9AA")
    other_postcode = _p(8, "Kai", "Demo", dob=later, postcode="CT11 9AB")
    assert rules.possible_duplicates(me, [other_given_name]) == []
    assert rules.possible_duplicates(me, [other_postcode]) == []
    no_postcode = _p(None, "Kai", "Demo")
    assert rules.possible_duplicates(no_postcode, [_p(8, "Kai", "Demo", dob=later)]) == []


def test_the_candidate_is_only_left_out_by_id():
    # A new person (id None) is compared with everyone, including other unsaved records.
    me = _p(None, "Ada", "Sample")
    assert [m.other_id for m in rules.possible_duplicates(me, [_p(None, "Ada", "Sample")])] == [
        None
    ]
    # Editing person 1 never flags person 1, but does flag person 2.
    me = _p(1, "Ada", "Sample")
    others = [_p(1, "Ada", "Sample"), _p(2, "Ada", "Sample")]
    assert [m.other_id for m in rules.possible_duplicates(me, others)] == [2]


def test_within_a_strength_more_reasons_come_first():
    me = _p(None, "Ada", "Sample", nhs="9434765919", case="MOS1")
    others = [
        _p(1, "X", "Y", dob=None, case="MOS1"),
        _p(2, "Ada", "Sample", nhs="9434765919", case="MOS1"),
        _p(3, "X", "Y", dob=None, nhs="9434765919"),
    ]
    assert [m.other_id for m in rules.possible_duplicates(me, others)] == [2, 1, 3]


def test_it_only_reports():
    me = _p(None, "Ada", "Sample")
    others = (_p(i, "Ada", "Sample") for i in range(3))  # any iterable, even a generator
    matches = rules.possible_duplicates(me, others)
    assert len(matches) == 3
    assert all(isinstance(m, rules.DuplicateMatch) for m in matches)


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz' -", max_size=12)
people = st.builds(
    rules.PersonFacts,
    id=st.integers(1, 50),
    given_name=names,
    family_name=names,
    date_of_birth=st.sampled_from([None, DOB, date(1990, 1, 1)]),
    nhs_number=st.sampled_from([None, "", "9434765919", "4010232137"]),
    case_system_id=st.sampled_from([None, "", "MOS1", "MOS2"]),
    postcode=st.sampled_from(["", "CT11 9AA", "ME14 1XQ"]),
)


@given(candidate=people, others=st.lists(people, max_size=8))
def test_matches_are_sorted_explained_and_never_the_candidate(candidate, others):
    matches = rules.possible_duplicates(candidate, others)
    order = [{"certain": 0, "likely": 1, "possible": 2}[m.strength] for m in matches]
    assert order == sorted(order)
    assert all(m.reasons for m in matches)
    assert candidate.id not in [m.other_id for m in matches]
    assert len(matches) <= len(others)


@given(a=people, b=people)
def test_whether_two_records_match_does_not_depend_on_which_is_the_candidate(a, b):
    b = dataclasses.replace(b, id=a.id + 100)  # two different records
    forward = rules.possible_duplicates(a, [b])
    backward = rules.possible_duplicates(b, [a])
    assert [m.strength for m in forward] == [m.strength for m in backward]


@pytest.mark.parametrize(
    "postcode,district",
    [
        ("ME14 1XQ", "ME14"),
        ("me141xq", "ME14"),
        ("CT1 2EH", "CT1"),
        ("N3 1AB", "N3"),
        ("EC1A 1BB", "EC1A"),
        ("", ""),
        (None, ""),
        ("ME14", ""),  # half a postcode: no district can be read with certainty
    ],
)
def test_postcode_district_is_the_outward_code(postcode, district):
    assert rules.postcode_district(postcode) == district
