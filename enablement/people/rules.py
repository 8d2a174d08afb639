"""Pure checks of a person's details and the possible-duplicate rule. No database, no clock."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

_NHS_WEIGHTS = range(10, 1, -1)


def normalise_nhs_number(raw: str) -> str:
    return re.sub(r"[\s-]", "", raw or "")


def nhs_number_problem(raw: str) -> str | None:
    digits = normalise_nhs_number(raw)
    if not digits.isdigit():
        return "NHS number must only include numbers, spaces and hyphens"
    if len(digits) != 10:
        return "Enter an NHS number that is 10 digits long, like 943 476 5919"
    total = sum(int(d) * w for d, w in zip(digits[:9], _NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    if check == 10 or check != int(digits[9]):
        return "Enter a valid NHS number – the check digit does not match. Check it and try again"
    return None


def format_nhs_number(digits: str) -> str:
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


_POSTCODE = re.compile(r"^(GIR 0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-Z]? [0-9][ABD-HJLNP-UW-Z]{2})$")


def normalise_postcode(raw: str) -> str:
    compact = re.sub(r"\s", "", raw or "").upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def postcode_problem(raw: str) -> str | None:
    if not _POSTCODE.match(normalise_postcode(raw)):
        return "Enter a real postcode, like ME14 1XQ"
    return None


def date_of_birth_problem(dob: date, today: date) -> str | None:
    if dob > today:
        return "Date of birth must be in the past"
    if age_on(dob, today) > 120:
        return "Check the date of birth: the person would be over 120"
    return None


def age_on(dob: date, on: date) -> int:
    """Completed years. A 29 February birthday comes on 1 March in other years (UK law)."""
    years = on.year - dob.year
    if (on.month, on.day) < (dob.month, dob.day):
        years -= 1
    return years


@dataclass(frozen=True)
class PersonFacts:
    id: int | None
    given_name: str
    family_name: str
    date_of_birth: date | None
    nhs_number: str | None
    case_system_id: str | None
    postcode: str


@dataclass(frozen=True)
class DuplicateMatch:
    other_id: int
    reasons: tuple[str, ...]
    strength: str


_STRENGTH_ORDER = {"certain": 0, "likely": 1, "possible": 2}


def _norm(name: str) -> str:
    return re.sub(r"[\s'’-]+", "", (name or "").lower())


def _close(a: str, b: str) -> bool:
    """Edit distance of at most 2 (Jon / John, Smyth / Smith)."""
    if abs(len(a) - len(b)) > 2:
        return False
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] <= 2


def possible_duplicates(
    candidate: PersonFacts, others: Iterable[PersonFacts]
) -> list[DuplicateMatch]:
    out = []
    for o in others:
        if candidate.id is not None and o.id == candidate.id:
            continue
        reasons, strength = [], None
        if candidate.nhs_number and candidate.nhs_number == o.nhs_number:
            reasons.append("Same NHS number")
            strength = "certain"
        if candidate.case_system_id and candidate.case_system_id == o.case_system_id:
            reasons.append("Same case-system ID")
            strength = "certain"
        cg, cf, og, of = (
            _norm(candidate.given_name),
            _norm(candidate.family_name),
            _norm(o.given_name),
            _norm(o.family_name),
        )
        same_dob = (
            candidate.date_of_birth is not None and candidate.date_of_birth == o.date_of_birth
        )
        if same_dob and cf == of:
            reasons.append("Same date of birth and family name")
            strength = strength or "likely"
        elif same_dob and cg[:1] == og[:1] and _close(cf, of):
            reasons.append(
                f"Same date of birth and similar name ({candidate.family_name} / {o.family_name})"
            )
            strength = strength or "possible"
        if (
            (cg, cf) == (og, of)
            and not same_dob
            and candidate.postcode
            and (
                candidate.postcode.replace(" ", "").upper()
                == (o.postcode or "").replace(" ", "").upper()
            )
        ):
            reasons.append("Same name and postcode")
            strength = strength or "possible"
        if reasons:
            out.append(DuplicateMatch(other_id=o.id, reasons=tuple(reasons), strength=strength))
    return sorted(out, key=lambda m: _STRENGTH_ORDER[m.strength])
