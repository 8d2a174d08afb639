"""A staff referral written in sections (issue 12): which fields each section asks, and a
section's state from what was saved and what the rules find. Pure: no database, no clock.
"""

from collections.abc import Mapping, Set
from dataclasses import dataclass
from enum import StrEnum

from enablement.referrals.rules import RiskArea


class SectionState(StrEnum):
    NOT_STARTED = "not_started"
    INCOMPLETE = "incomplete"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return {
            "not_started": "Not yet started",
            "incomplete": "Incomplete",
            "completed": "Completed",
        }[self.value]


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    fields: tuple[str, ...]
    # Problems the rules key otherwise than by a field of the section: the person's record
    # (date of birth, diagnosis, an enablement already under way) belongs with the person.
    also: tuple[str, ...] = ()

    def owns(self, key: str) -> bool:
        return key in self.fields or key in self.also


RISK_FIELDS = tuple(
    name for area in RiskArea for name in (f"risk_{area}_description", f"risk_{area}_assessed_on")
)

SECTIONS: tuple[Section, ...] = (
    Section(
        "person",
        "The person and their eligibility",
        (
            "team",
            "residence_override_reason",
            "eligible_needs",
            "preventative_entitlement",
            "face_to_face_assessment",
            "eligibility_assessed_on",
            "ongoing_cmh_social_work",
            "diagnosed_need",
            "previous_ended_on",
            "changed_needs_statement",
        ),
        also=("__all__", "date_of_birth", "destination"),
    ),
    Section(
        "referrer",
        "Who is referring and the named social worker",
        (
            "source",
            "named_social_worker",
            "held_by_senior_social_worker",
            "joint_working_requested",
        ),
    ),
    Section("risk", "Risk, area by area", RISK_FIELDS),
    Section(
        "work",
        "The enablement work and its outcomes",
        ("need_identified", "work_requested", "intended_outcomes", "deliverable_within_length"),
    ),
    Section("consent", "Consent to share information", ("consent_to_share",)),
)
BY_SLUG: Mapping[str, Section] = {s.slug: s for s in SECTIONS}


def section_of(key: str) -> Section:
    """The section a problem keyed `key` is shown in; anything unplaced goes with the
    person, the first section, so no problem is ever dropped."""
    return next((s for s in SECTIONS if s.owns(key)), SECTIONS[0])


def problems_by_section(problems: Mapping[str, object]) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {s.slug: {} for s in SECTIONS}
    for key, problem in problems.items():
        out[section_of(key).slug][key] = problem
    return out


def section_state(section: Section, *, saved: Set[str], problems: Mapping[str, object]):
    """Not yet started until the referrer saves the section; then complete when the form and
    the service's rules find nothing wrong with its answers, else incomplete."""
    if section.slug not in saved:
        return SectionState.NOT_STARTED
    if any(section.owns(key) for key in problems):
        return SectionState.INCOMPLETE
    return SectionState.COMPLETED


def ready_to_check(states: Mapping[str, SectionState]) -> bool:
    """Check your answers opens once every section is complete."""
    return all(states.get(s.slug) == SectionState.COMPLETED for s in SECTIONS)


def next_section(current: Section, states: Mapping[str, SectionState]) -> Section | None:
    """The section to go on to after saving `current`: the next one not yet complete, in
    order and then from the top; None when every section is complete."""
    at = SECTIONS.index(current)
    for section in (*SECTIONS[at + 1 :], *SECTIONS[:at]):
        if states.get(section.slug) != SectionState.COMPLETED:
            return section
    return None
