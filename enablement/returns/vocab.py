"""The council's defined lists, in the words of the Adult Social Care Client Level Data
(CLD) collection, and the employment and accommodation statuses seed 003 reports on.

Stored values are our short codes; the labels are the exact defined-list strings, so the
return writes labels and every page shows them. The Event_Outcome strings are copied from
the reference tables (#REF_SEQUEL_MAPPING) of NHS England's STS001 and STS002a replication
scripts (NHSDigital/ASC-Client-Level-Data-SALT-ASCOF-transformations); docs/RETURNS.md
says where each list comes from. This module imports nothing of ours: closures and casework
record in these words without depending on the return.
"""

from django.db import models


class EventOutcome(models.TextChoices):
    PROGRESS_TO_ST_MAX = "progress_st_max", "Progress to Reablement/ST-Max"
    PROGRESS_TO_ASSESSMENT = "progress_assessment", "Progress to Assessment"
    ADMITTED_TO_HOSPITAL = "admitted_hospital", "Admitted to hospital"
    PROGRESS_TO_REASSESSMENT = (
        "progress_reassessment",
        "Progress to Re-assessment / Unplanned Review",
    )
    PROGRESS_TO_SUPPORT_PLANNING = (
        "progress_support_planning",
        "Progress to Support Planning / Services",
    )
    PROGRESS_TO_END_OF_LIFE = "progress_end_of_life", "Progress to End of Life Care"
    NO_CHANGE_IN_PACKAGE = "no_change", "No change in package"
    ENDED_AS_PLANNED = "ended_as_planned", "Service ended as planned"
    NFA_MOVED = "nfa_moved", "NFA - Moved to another LA"
    NFA_NHS_FUNDED = "nfa_nhs_funded", "NFA - 100% NHS funded care"
    NFA_SELF_FUNDED = "nfa_self_funded", "NFA - Self-funded client (Inc. 12wk disregard)"
    NFA_DECLINED = "nfa_declined", "NFA - Support declined"
    NFA_SIGNPOSTING = "nfa_signposting", "NFA - Information & Advice / Signposting only"
    NFA_DECEASED = "nfa_deceased", "NFA - Deceased"
    NFA_NO_SERVICES_OTHER = "nfa_no_services_other", "NFA - No services offered: Other reason"
    NFA_SUPPORT_ENDED_OTHER = "nfa_support_ended_other", "NFA - Support ended: Other reason"
    PROGRESS_TO_FINANCIAL = "progress_financial", "Progress to financial assessment"
    PROVISION_OF_SERVICE = "provision_of_service", "Provision of service"
    NFA_OTHER = "nfa_other", "NFA- Other"


# What can follow a short-term enablement: the sequels offered at closure. The others
# (progress to reablement or assessment, provision of service, ...) describe a request or
# an assessment, not the end of an ST-Max service.
SEQUELS_AT_CLOSURE = (
    EventOutcome.ENDED_AS_PLANNED,
    EventOutcome.PROGRESS_TO_SUPPORT_PLANNING,
    EventOutcome.PROGRESS_TO_REASSESSMENT,
    EventOutcome.ADMITTED_TO_HOSPITAL,
    EventOutcome.PROGRESS_TO_END_OF_LIFE,
    EventOutcome.NFA_DECLINED,
    EventOutcome.NFA_SIGNPOSTING,
    EventOutcome.NFA_SELF_FUNDED,
    EventOutcome.NFA_NHS_FUNDED,
    EventOutcome.NFA_MOVED,
    EventOutcome.NFA_DECEASED,
    EventOutcome.NFA_SUPPORT_ENDED_OTHER,
)


class EventType(models.TextChoices):
    REQUEST = "request", "Request"
    ASSESSMENT = "assessment", "Assessment"
    SERVICE = "service", "Service"
    REVIEW = "review", "Review"


ST_MAX = "Short Term Support: ST-Max"
SERVICE_USER = "Service User"


class RouteOfAccess(models.TextChoices):
    """Request_Route_of_Access. Not in the reference scripts' tables: the CLD
    specification's list, to be checked against the version in force (docs/RETURNS.md)."""

    COMMUNITY = "community", "Community / Other route"
    DISCHARGE = "discharge", "Discharge from Hospital"
    DIVERSION = "diversion", "Diversion from Hospital Services"
    TRANSITION = "transition", "Planned Entry (Transition)"
    DEPLETED_FUNDS = "depleted_funds", "Self-Funder with Depleted Funds"
    PRISON = "prison", "Prison"


class PrimarySupportReason(models.TextChoices):
    PERSONAL_CARE = "personal_care", "Physical Support: Personal care support"
    ACCESS_MOBILITY = "access_mobility", "Physical Support: Access & mobility only"
    VISUAL = "visual", "Sensory Support: Support for visual impairment"
    HEARING = "hearing", "Sensory Support: Support for hearing impairment"
    DUAL = "dual", "Sensory Support: Support for dual impairment"
    MEMORY = "memory", "Support with Memory & Cognition"
    LEARNING_DISABILITY = "learning_disability", "Learning Disability Support"
    MENTAL_HEALTH = "mental_health", "Mental Health Support"
    SUBSTANCE_MISUSE = "substance_misuse", "Social Support: Substance misuse support"
    ASYLUM = "asylum", "Social Support: Asylum seeker support"
    ISOLATION = "isolation", "Social Support: Support for Social Isolation/Other"
    CARER = "carer", "Social Support: Support to carer"


class EmploymentStatus(models.TextChoices):
    """Seed 003's "employment rates", in the ASC-CAR / CLD employment status list."""

    PAID_UNDER_16 = "paid_under_16", "Paid: Less than 16 hours a week"
    PAID_16_OR_MORE = "paid_16_plus", "Paid: 16 or more hours a week"
    PAID_HOURS_UNKNOWN = "paid_unknown_hours", "Paid: Hours per week unknown"
    SEEKING_WORK = "seeking_work", "Not in Paid Employment (seeking work)"
    VOLUNTARY_ONLY = "voluntary", "Not in Paid Employment (voluntary work only)"
    NOT_SEEKING = "not_seeking", "Not in Paid Employment (not actively seeking work / retired)"
    UNKNOWN = "unknown", "Unknown"


class AccommodationStatus(models.TextChoices):
    """Seed 003's "suitable secure accommodation rate and emergency housing rates", in the
    ASC-CAR / CLD accommodation status list."""

    OWNER_OCCUPIER = "owner_occupier", "Owner occupier or shared ownership scheme"
    TENANT_SOCIAL = (
        "tenant_social",
        "Tenant (including local authority, arms length management organisations, "
        "registered social landlord, housing association)",
    )
    TENANT_PRIVATE = "tenant_private", "Tenant - private landlord"
    WITH_FAMILY = (
        "with_family",
        "Settled mainstream housing with family / friends (including flat sharing)",
    )
    SUPPORTED = (
        "supported",
        "Supported accommodation / supported lodgings / supported group home",
    )
    SHARED_LIVES = "shared_lives", "Shared lives scheme"
    SHELTERED = "sheltered", "Sheltered housing / extra care housing / other sheltered housing"
    MOBILE = "mobile", "Mobile accommodation for Gypsy / Roma and Traveller communities"
    ROUGH_SLEEPER = "rough_sleeper", "Rough sleeper / squatting"
    NIGHT_SHELTER = (
        "night_shelter",
        "Night shelter / emergency hostel / direct access hostel",
    )
    REFUGE = "refuge", "Refuge"
    COUNCIL_TEMPORARY = (
        "council_temporary",
        "Placed in temporary accommodation by the council (including homelessness resettlement)",
    )
    SHORT_TERM_GUEST = "short_term_guest", "Staying with family / friends as a short-term guest"
    OTHER_TEMPORARY = "other_temporary", "Other temporary accommodation"
    HOSPITAL = "hospital", "Acute / long-term healthcare residential facility or hospital"
    CARE_HOME = "care_home", "Registered care home"
    NURSING_HOME = "nursing_home", "Registered nursing home"
    PRISON = "prison", "Prison / young offenders institution / detention centre"
    APPROVED_PREMISES = (
        "approved_premises",
        "Approved premises for offenders released from prison or under probation supervision",
    )
    UNKNOWN = "unknown", "Unknown"


class AccommodationGroup(models.TextChoices):
    SETTLED = "settled", "Settled accommodation"
    EMERGENCY = "emergency", "Emergency or temporary housing"
    ROUGH_SLEEPING = "rough_sleeping", "Rough sleeping"
    INSTITUTION = "institution", "Hospital, care home or custody"
    UNKNOWN = "unknown", "Unknown"
