"""Words the service settings choose from. Choosing is data; the words are shared."""

from django.db import models


class ReferralSource(models.TextChoices):
    COMMUNITY_MH_SOCIAL_WORK = (
        "community_mh_social_work",
        "Community mental-health social work team",
    )
    SOCIAL_WORK_TEAM = "social_work_team", "Social work team"
    INTEGRATED_MH_TEAM = "integrated_mh_team", "Integrated mental-health team"
    GP = "gp", "GP"
    COUNCIL_SERVICE = "council_service", "Other council service"
    AGREED_ORGANISATION = "agreed_organisation", "Agreed organisation or individual"
    SELF = "self", "The person themself"
    CARER = "carer", "A carer"


class DiagnosisCategory(models.TextChoices):
    MENTAL_HEALTH = "mental_health", "Mental health"
    AUTISM = "autism", "Autism"
    LEARNING_DISABILITY = "learning_disability", "Learning disability"
    DEMENTIA = "dementia", "Dementia"
    FRAIL_ELDERLY = "frail_elderly", "Frail elderly"
    PHYSICAL_DISABILITY = "physical_disability", "Physical disability"
    NONE_RECORDED = "none_recorded", "No diagnosis recorded"
    OTHER = "other", "Other"


class NeedsBasis(models.TextChoices):
    CARE_ACT = "care_act", "Unmet eligible needs (Care Act assessment)"
    CARE_ACT_OR_PREVENTATIVE = (
        "care_act_or_preventative",
        ("Care Act eligibility or preventative entitlement"),
    )
    ANY = "any", "No needs test"


class Routing(models.TextChoices):
    DIRECT = "direct", "Direct to the service"
    PANEL = "panel", "Multi-disciplinary triage panel routes to a service"
    HUB = "hub", "Single point of referral to a hub; assessment assigns a level"


class ExtensionRule(models.TextChoices):
    NONE = "none", "No extension"
    SENIOR_THEN_PROVISION_MANAGER = (
        "senior_then_pm",
        ("Senior discusses; provision manager decides"),
    )
    PROVISION_MANAGER_WITH_OT = (
        "pm_with_ot",
        ("Provision manager with the occupational therapy assessment manager"),
    )
    DECIDED_AT_REVIEW = "at_review", "Decided at the review"
    MOVES_TO_NEXT_LEVEL = "next_level", "Moves to the next level (e.g. Enhanced)"


class ClosureReason(models.TextChoices):
    """Why an episode closed (seed 000 §8, 001 §13). A service lists the ones it uses."""

    GOALS_ACHIEVED = "goals_achieved", "Goals achieved"
    NO_ENABLEMENT_NEED = "no_enablement_need", "No enablement need"
    NOT_READY = "not_ready", "Not ready for enablement"
    DID_NOT_ENGAGE = "did_not_engage", "Did not engage"
    DECLINED = "declined", "Declined the service"
    MISSED_VISITS = "missed_visits", "Missed visits"
    INADEQUATE_PROGRESS = "inadequate_progress", "Not making adequate progress"
    TOO_UNWELL = "too_unwell", "Too unwell to take part"
    RISK_TO_STAFF = "risk_to_staff", "Risk to staff"


class ServiceLevel(models.TextChoices):
    SIGNPOSTING = "signposting", "Pre-enablement signposting"
    BRIEF = "brief", "Brief"
    ENHANCED = "enhanced", "Enhanced"
    SPECIALIST = "specialist", "Specialist"


class TeamKind(models.TextChoices):
    LOCALITY = "locality", "Locality team"
    HUB = "hub", "Local Enablement Hub"
    PANEL = "panel", "Triage panel"
    SERVICE_WIDE = "service_wide", "Service-wide team"


class LeaveKind(models.TextChoices):
    ANNUAL = "annual", "Annual leave"
    SICKNESS = "sickness", "Sickness"
    TRAINING = "training", "Training"
    OTHER = "other", "Other absence"
