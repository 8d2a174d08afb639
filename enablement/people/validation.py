"""All checks of a person's details in one place, for forms and the API alike. Pure."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from enablement.catalogue.vocab import DiagnosisCategory
from enablement.people import rules


def person_problems(v: Mapping[str, Any], *, today: date) -> dict[str, str]:
    p: dict[str, str] = {}
    for field, label in (("given_name", "first name"), ("family_name", "last name")):
        if not (v.get(field) or "").strip():
            p[field] = f"Enter the person's {label}"
    nhs = (v.get("nhs_number") or "").strip()
    if nhs:
        problem = rules.nhs_number_problem(nhs)
        if problem:
            p["nhs_number"] = problem
    postcode = (v.get("postcode") or "").strip()
    if postcode:
        problem = rules.postcode_problem(postcode)
        if problem:
            p["postcode"] = problem
    dob = v.get("date_of_birth")
    if not isinstance(dob, date):
        p["date_of_birth"] = "Enter the person's date of birth"
    else:
        problem = rules.date_of_birth_problem(dob, today)
        if problem:
            p["date_of_birth"] = problem
    if v.get("primary_diagnosis") not in DiagnosisCategory.values:
        p["primary_diagnosis"] = "Select the primary diagnosis category"
    return p


def normalised(v: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(v)
    for key in ("given_name", "family_name", "preferred_name", "case_system_id"):
        if isinstance(out.get(key), str):
            out[key] = out[key].strip()
    if out.get("nhs_number"):
        out["nhs_number"] = rules.normalise_nhs_number(out["nhs_number"])
    else:
        out["nhs_number"] = None
    if not out.get("case_system_id"):
        out["case_system_id"] = None
    if out.get("postcode"):
        out["postcode"] = rules.normalise_postcode(out["postcode"])
    return out
