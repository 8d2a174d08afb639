"""Pure checks of a person's details, and the possible-duplicate rule.

No database, no request, no clock: "today" is always passed in. The messages are shown
beside form fields to social-care staff, so they follow the GOV.UK error message style
(say what to do, give an example) and are checked word for word by the page tests.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from enablement.core.dates import long_date

# --- NHS number -------------------------------------------------------------------------

# Spaces and hyphens people type, plus the Unicode dashes a word processor puts in when
# a number is copied from a letter (U+2010 to U+2015).
_NHS_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]")
_NHS_WEIGHTS = range(10, 1, -1)

NHS_WRONG_LENGTH = "Enter an NHS number that is 10 digits long, like 943 476 5919"
NHS_NOT_DIGITS = "NHS number must only include numbers, spaces and hyphens"
NHS_BAD_CHECK_DIGIT = (
    "Enter a valid NHS number – the check digit does not match. Check it and try again"
)


def normalise_nhs_number(raw: str) -> str:
    """The digits as stored and searched: 943 476 5919 and 943-476-5919 are one number."""
    return _NHS_SEPARATORS.sub("", raw or "")


def nhs_check_digit(first_nine: str) -> int | None:
    """The Modulus 11 check digit of the first nine digits, or None if there cannot be one.

    Weights 10 down to 2; check = 11 - (sum mod 11); 11 becomes 0; 10 is never issued,
    so a body giving 10 has no valid NHS number.
    """
    total = sum(int(d) * w for d, w in zip(first_nine, _NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return None
    return 0 if check == 11 else check


def nhs_number_problem(raw: str) -> str | None:
    """None for a valid NHS number, else what to do about it.

    Only the check digit is tested, not whether the number was ever issued: that needs
    the national spine, and a typo is what this catches.
    """
    digits = normalise_nhs_number(raw)
    # ASCII digits only: str.isdigit() would accept "²" or Arabic-Indic digits.
    if not re.fullmatch(r"[0-9]*", digits):
        return NHS_NOT_DIGITS
    if len(digits) != 10:
        return NHS_WRONG_LENGTH
    if nhs_check_digit(digits[:9]) != int(digits[9]):
        return NHS_BAD_CHECK_DIGIT
    return None


def format_nhs_number(raw: str) -> str:
    """3-3-4 grouping, the way the NHS prints it, so staff can read it back over the phone.

    Anything that is not 10 digits is returned as typed (trimmed) rather than mangled.
    """
    digits = normalise_nhs_number(raw)
    if not re.fullmatch(r"[0-9]{10}", digits):
        return (raw or "").strip()
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


# --- Postcode ---------------------------------------------------------------------------

# The UK postcode format (BS 7666 as published by the Government Data Standards Catalogue):
# outward code A9, A99, A9A, AA9, AA99 or AA9A, then inward code 9AA; and GIR 0AA.
# The letter limits are the published ones (no Q, V or X first; no I, J or Z second;
# inward letters never C, I, K, M, O or V), which catch typos such as O for 0 without
# refusing any real London code (W1A, EC1A, SW1A, WC2H, E1W, N1C ...).
_FIRST = "[A-PR-UWYZ]"
_SECOND = "[A-HK-Y]"
_OUTWARD = (
    f"{_FIRST}[0-9]{{1,2}}"  # A9, A99
    f"|{_FIRST}[0-9][A-HJKPSTUW]"  # A9A
    f"|{_FIRST}{_SECOND}[0-9]{{1,2}}"  # AA9, AA99
    f"|{_FIRST}{_SECOND}[0-9][ABEHMNPRVWXY]"  # AA9A
)
_INWARD = "[0-9][ABD-HJLNP-UW-Z]{2}"
_POSTCODE = re.compile(f"GIR 0AA|(?:{_OUTWARD}) {_INWARD}")

POSTCODE_MISSING = "Enter a postcode, like ME14 1XQ"
POSTCODE_NOT_REAL = "Enter a real postcode, like ME14 1XQ"


def normalise_postcode(raw: str) -> str:
    """Upper case with one space before the last three characters: "me141xq" → "ME14 1XQ".

    The space goes in only when the length could be a full postcode (5 to 7 characters),
    so a half postcode such as "ME14" stays as typed and is refused, not split oddly.
    """
    compact = re.sub(r"\s+", "", raw or "").upper()
    if 5 <= len(compact) <= 7:
        return f"{compact[:-3]} {compact[-3:]}"
    return compact


def postcode_district(postcode: str | None) -> str:
    """The outward code, the part before the space: "ME14 1XQ" → "ME14"; "" when unknown."""
    compact = re.sub(r"\s+", "", postcode or "").upper()
    return compact[:-3] if 5 <= len(compact) <= 7 else ""


def postcode_problem(raw: str) -> str | None:
    """None for a postcode in the UK format; it does not check the postcode exists."""
    if not (raw or "").strip():
        return POSTCODE_MISSING
    if not _POSTCODE.fullmatch(normalise_postcode(raw)):
        return POSTCODE_NOT_REAL
    return None


# --- Date of birth and age --------------------------------------------------------------

OLDEST_AGE = 120
DOB_IN_FUTURE = "Date of birth must be in the past"


def _years_before(d: date, years: int) -> date:
    """The same day `years` earlier; 29 February becomes 28 February in a common year."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


def earliest_date_of_birth(today: date) -> date:
    """120 years before today: anything earlier is a typo (1925 typed as 1825)."""
    return _years_before(today, OLDEST_AGE)


def date_of_birth_problem(dob: date, today: date) -> str | None:
    """None for a plausible date of birth.

    Today is accepted (it is not in the future); later dates are not. Nobody has lived
    much beyond 120, so an earlier date is a mistake, and the message gives the date.
    """
    if dob > today:
        return DOB_IN_FUTURE
    earliest = earliest_date_of_birth(today)
    if dob < earliest:
        return f"Date of birth must be the same as or after {long_date(earliest)}"
    return None


def age_on(dob: date, on: date) -> int:
    """Age in completed years on a given day.

    Someone born on 29 February becomes a year older on 1 March in a common year, the
    convention in UK law (Family Law Reform Act 1969, s.9: a birthday is reached at the
    start of the anniversary, and 29 February has none in a common year). So they are
    still 17 on 28 February 2026 and 18 on 1 March 2026.

    Raises ValueError if `on` is before the birth, rather than returning a negative age
    that would look like a real one on a page.
    """
    if on < dob:
        raise ValueError(f"{on} is before the date of birth {dob}")
    years = on.year - dob.year
    # Tuple comparison puts (2, 29) after (2, 28) and before (3, 1), which is the rule.
    if (on.month, on.day) < (dob.month, dob.day):
        years -= 1
    return years


# --- Possible duplicates ----------------------------------------------------------------

Strength = Literal["certain", "likely", "possible"]
_STRENGTH_ORDER: dict[str, int] = {"certain": 0, "likely": 1, "possible": 2}


@dataclass(frozen=True)
class PersonFacts:
    """What the duplicate rule compares: built from a form or from a stored person."""

    id: int | None
    given_name: str
    family_name: str
    date_of_birth: date | None
    nhs_number: str | None
    case_system_id: str | None
    postcode: str


@dataclass(frozen=True)
class DuplicateMatch:
    """A reported possible match: why it matched, and how sure the rule is."""

    other_id: int | None
    reasons: tuple[str, ...]
    strength: Strength


def _name_key(name: str | None) -> str:
    """A name reduced to what tells people apart.

    Case, accents, spaces, hyphens and apostrophes are how the same name gets typed
    differently ("O'Neill", "ONeill", "o neill"; "Zoë", "Zoe"; "Smith-Jones",
    "Smith Jones"), not what makes two people different.
    """
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s\-\u2010-\u2015'’‘`]+", "", plain.casefold())


def _edit_distance(a: str, b: str) -> int:
    """Insertions, deletions, substitutions and swaps of neighbours (Sampel / Sample is 1).

    Optimal string alignment distance; names are short, so the quadratic cost is nothing.
    """
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            best = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, rows[-2][j - 2] + 1)
            row.append(best)
        rows.append(row)
    return rows[-1][-1]


def _similar(a: str, b: str) -> bool:
    """Within two edits (Smyth / Smith, Mohammed / Muhammad), one for very short names.

    Two edits would make any two 2-letter names alike (Li / Wu), so names of three
    letters or fewer may differ by one edit only.
    """
    allowed = 1 if min(len(a), len(b)) <= 3 else 2
    return abs(len(a) - len(b)) <= allowed and _edit_distance(a, b) <= allowed


def _same_identifier(a: str | None, b: str | None) -> bool:
    # Case-system IDs are typed by hand from other screens: "mos123 " is "MOS123".
    return bool(a and b and a.strip().casefold() == b.strip().casefold())


def _same_postcode(a: str | None, b: str | None) -> bool:
    return bool(a and b and normalise_postcode(a) == normalise_postcode(b))


def _match(candidate: PersonFacts, other: PersonFacts) -> DuplicateMatch | None:
    reasons: list[str] = []
    strengths: list[Strength] = []

    if _same_identifier(
        normalise_nhs_number(candidate.nhs_number or ""),
        normalise_nhs_number(other.nhs_number or ""),
    ):
        reasons.append("Same NHS number")
        strengths.append("certain")
    if _same_identifier(candidate.case_system_id, other.case_system_id):
        reasons.append("Same case-system ID")
        strengths.append("certain")

    given, family = _name_key(candidate.given_name), _name_key(candidate.family_name)
    other_given, other_family = _name_key(other.given_name), _name_key(other.family_name)
    same_dob = candidate.date_of_birth is not None and (
        candidate.date_of_birth == other.date_of_birth
    )
    if same_dob and family and family == other_family:
        reasons.append("Same date of birth and family name")
        strengths.append("likely")
    elif (
        same_dob
        and given[:1]
        and given[:1] == other_given[:1]
        and family
        and other_family
        and _similar(family, other_family)
    ):
        typed = f"{candidate.given_name.strip()} {candidate.family_name.strip()}"
        stored = f"{other.given_name.strip()} {other.family_name.strip()}"
        reasons.append(f"Same date of birth and similar name ({typed} / {stored})")
        strengths.append("possible")
    if (
        not same_dob
        and given
        and family
        and (given, family) == (other_given, other_family)
        and _same_postcode(candidate.postcode, other.postcode)
    ):
        # A different (or missing) date of birth is often a typo in one of the two records.
        reasons.append("Same name and postcode")
        strengths.append("possible")

    if not reasons:
        return None
    strongest = min(strengths, key=_STRENGTH_ORDER.__getitem__)
    return DuplicateMatch(other_id=other.id, reasons=tuple(reasons), strength=strongest)


def possible_duplicates(
    candidate: PersonFacts, others: Iterable[PersonFacts]
) -> list[DuplicateMatch]:
    """Records that may be the same person as the candidate, strongest first.

    certain: same NHS number or case-system ID. likely: same date of birth and family
    name. possible: same date of birth, same first initial and a similar family name; or
    the same full name and postcode with a different date of birth.

    It only reports: a person decides, and nothing is ever merged. The candidate's own
    record (same id) is left out, so editing a person does not flag them against
    themselves. Within a strength, matches with more reasons come first.
    """
    matches = [
        match
        for other in others
        if candidate.id is None or other.id != candidate.id
        if (match := _match(candidate, other)) is not None
    ]
    return sorted(matches, key=lambda m: (_STRENGTH_ORDER[m.strength], -len(m.reasons)))
