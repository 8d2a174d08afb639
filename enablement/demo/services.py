"""The four seed services as configuration, each value with the seed section it comes from.

Seeds (../shared/seeds): 000 KERS operational protocol; 001 Kent autism "one front door";
003 Barnet Enablement Pathway; 004 Kent STR cabinet paper. Where a seed gives no number the
value is marked "demo assumption" so nobody mistakes it for policy.
"""

from decimal import Decimal

# Barnet's postcode districts (a demo assumption): the pathway's council area and the
# Network's, which serves the same borough.
BARNET_DISTRICTS = (
    *("EN4", "EN5", "HA8", "N2", "N3", "N10", "N11", "N12", "N14", "N20"),
    *("NW4", "NW7", "NW9", "NW11"),
)

KERS = {
    "code": "KERS",
    "name": "Kent Enablement and Recovery Service",
    "organisation": "Kent County Council",
    # A number reserved by Ofcom for drama: fictitious, like every detail of the demo.
    "contact_phone": "01632 960001",
    "description": "Free, short-term enablement and recovery for people with mental-health "
    "difficulties who are open to community mental-health social work.",
    "values": {
        "referral_sources": ["community_mh_social_work"],
        "self_referral_allowed": False,
        "min_age": 18,
        "max_age": 65,
        "over_max_age_exception": True,
        "needs_basis": "care_act",
        "diagnosis_categories": ["mental_health"],
        "excluded_categories": [],
        "not_appropriate_factors": [],
        "routing": "direct",
        "route_destinations": [],
        "levels": [],
        "screening_working_days": 2,
        "length_weeks": 12,
        "total_support_weeks": None,
        "total_support_months": None,
        "closure_reasons": [
            "goals_achieved",
            "no_enablement_need",
            "not_ready",
            "did_not_engage",
            "declined",
            "missed_visits",
            "inadequate_progress",
            "too_unwell",
            "risk_to_staff",
        ],
        "chargeable_after_weeks": None,
        "weekly_hours": None,
        "extension_max_weeks": 2,
        "extension_rule": "senior_then_pm",
        "review_weeks": [6],
        "final_review_at_closure": True,
        "outcome_instruments": ["recovery-person", "recovery-carer", "swemwbs"],
        "caseload_per_fte": 15,
        "missed_visits_threshold": 3,
        "missed_visits_before_planning": 2,
        "complex_risk_hold": True,
        "hold_timeout_working_days": 5,
        "risk_current_days": 90,
        "re_referral_window_months": 12,
        "hourly_cost": Decimal("32.00"),
        "source_requirements": {},
        "area_name": "Kent",
        "area_postcode_districts": ["CT", "DA", "ME", "TN"],
        "appropriate_factors": [
            "Social needs have been identified with the individual that can be addressed "
            "within a 12-week period",
            "The individual has a desire to make positive changes and engage in new activities",
            "The individual is willing to take responsibility for the actions and changes that "
            "might be needed to meet their needs",
            "The individual's mental state is stable enough to allow them to benefit from "
            "enablement",
            "The individual's personal circumstances are such that the enablement can be "
            "carried out without negative impact from living, environmental or financial "
            "circumstances",
            "The enablement can be carried out without risk of harm to the individual, KERS "
            "workers or members of the public",
        ],
        "face_to_face_assessment_required": True,
        "case_system_step": True,
        "level_destinations": {},
    },
    "sources": {
        "hourly_cost": "a demo value: the seeds give no cost; a council sets its own",
        "area_name": "seed 000 §1: ordinarily resident in Kent",
        "area_postcode_districts": "Kent's postcode areas are a demo assumption (TN and DA "
        "cross the county boundary; Medway is its own council)",
        "appropriate_factors": "seed 000 §5: factors which indicate a referral is appropriate",
        "face_to_face_assessment_required": "seed 000 §5: assessed through a face-to-face "
        "assessment",
        "case_system_step": "seed 000 process overview: KERS Admin request person open to "
        "locality team and named social worker on Mosaic",
        "referral_sources": "seed 000 §6: only from Community Mental Health Social Work teams",
        "self_referral_allowed": "seed 000 §6",
        "min_age": "seed 000 §5: between 18 and 65",
        "max_age": "seed 000 §5: between 18 and 65",
        "over_max_age_exception": "seed 000 §5: over 65 with ongoing CMH social work involvement",
        "needs_basis": "seed 000 §5: unmet eligible needs (National Eligibility Criteria)",
        "diagnosis_categories": "seed 000 §5: primary mental health diagnosis",
        "routing": "seed 000 process overview: direct to KERS admin",
        "screening_working_days": "seed 000 process overview: within 2 full working days",
        "length_weeks": "seed 000 §1, §7.1: up to 12 calendar weeks",
        "extension_max_weeks": "seed 000 §7.1: extensions of up to 2 weeks",
        "extension_rule": "seed 000 §7.1: senior discusses, provision manager decides",
        "review_weeks": "seed 000 §7.1: mid-point review no later than week 6",
        "final_review_at_closure": "seed 000 §7.1",
        "caseload_per_fte": "seed 000 §7.2: about 15 per full-time worker",
        "missed_visits_threshold": "seed 000 §8: 3 visits cancelled or not engaged",
        "missed_visits_before_planning": "seed 000 §8: 2 before the initial meeting",
        "complex_risk_hold": "seed 000 §6.2",
        "closure_reasons": "seed 000 §8: the reasons a case is closed",
        "outcome_instruments": "seed 000 names no instrument: a demo assumption, following "
        "seed 003's recovery outcomes model (baseline and follow-up scores for the person and "
        "the carer) and a wellbeing scale",
        "hold_timeout_working_days": "seed 000 §6.2: no response within 5 working days",
        "risk_current_days": "seed 000 §6 says 'current'; 90 days is a demo assumption",
        "re_referral_window_months": "seed 000 §9: only after 12 months",
    },
}

_AUTISM_VALUES = {
    "referral_sources": ["social_work_team"],
    "self_referral_allowed": False,
    "min_age": 18,
    "max_age": 65,
    "over_max_age_exception": False,
    "needs_basis": "care_act",
    "diagnosis_categories": ["autism"],
    "excluded_categories": [],
    "not_appropriate_factors": [
        "There is no scope to increase the person's independence",
        "The individual requires end of life palliative care",
        "The individual has health needs",
        "There are safeguarding concerns which prevent the service being provided",
        "The individual requires specialist dementia care",
        "The individual requires specialist assessment and support for deafness, sight "
        "impairment or deaf blindness and the expertise is not available",
        "The level of violence in the individual's home cannot be satisfactorily addressed "
        "to carry out the support safely",
    ],
    "routing": "direct",
    "route_destinations": [],
    "levels": [],
    "screening_working_days": None,
    "length_weeks": 16,
    "total_support_weeks": None,
    "total_support_months": None,
    "closure_reasons": [
        "goals_achieved",
        "no_enablement_need",
        "not_ready",
        "did_not_engage",
        "declined",
        "missed_visits",
        "inadequate_progress",
        "too_unwell",
        "risk_to_staff",
    ],
    "chargeable_after_weeks": None,
    "weekly_hours": None,
    "extension_max_weeks": 2,
    "extension_rule": "pm_with_ot",
    "review_weeks": [3, 6, 9],
    "final_review_at_closure": True,
    "caseload_per_fte": 15,
    "missed_visits_threshold": 3,
    "missed_visits_before_planning": 2,
    "complex_risk_hold": True,
    "hold_timeout_working_days": 5,
    "risk_current_days": 90,
    "re_referral_window_months": 12,
    "source_requirements": {},
    "area_name": "Kent",
    "area_postcode_districts": ["CT", "DA", "ME", "TN"],
    "appropriate_factors": [
        "Social needs have been identified with the individual that can be addressed within "
        "a 16-week period",
        "The individual has a desire to make positive changes and engage in new activities",
        "The individual is willing to take responsibility for the actions and changes that "
        "might be needed to meet their needs",
        "The individual's personal circumstances are such that the enablement can be carried "
        "out without negative impact from living, environmental or financial circumstances",
        "The enablement can be carried out without risk of harm to the individual, KPS "
        "workers or members of the public",
    ],
    "face_to_face_assessment_required": True,
    "case_system_step": False,
    "level_destinations": {},
    "outcome_instruments": ["recovery-person"],
}
_AUTISM_SOURCES = {
    "area_name": "seed 001 §1: the people of Kent",
    "area_postcode_districts": "Kent's postcode areas are a demo assumption",
    "appropriate_factors": "seed 001 §6: factors which indicate a referral is appropriate",
    "face_to_face_assessment_required": "seed 001 §5: assessed through a face-to-face assessment",
    "referral_sources": "seed 001 §8: submitted by Social Work teams",
    "min_age": "seed 001 §1, §5: aged 18-65",
    "max_age": "seed 001 §1, §5: aged 18-65",
    "needs_basis": "seed 001 §5: unmet eligible needs",
    "diagnosis_categories": "seed 001 §5: primary diagnosis of autism",
    "not_appropriate_factors": "seed 001 §7: the seven reasons",
    "screening_working_days": "seed 001: the panel decides; no clock is given",
    "length_weeks": "seed 001 §3, §11: up to 16 calendar weeks",
    "extension_max_weeks": "seed 001 §14: 2 weeks maximum",
    "extension_rule": "seed 001 §14: provision manager with the OT assessment manager",
    "review_weeks": "seed 001 §11: reviews at 3, 6 and 9 weeks",
    "final_review_at_closure": "seed 001 §11",
    "caseload_per_fte": "seed 001 §12: about 15 per full-time worker",
    "missed_visits_threshold": "seed 001 §13: 3 visits",
    "missed_visits_before_planning": "seed 001 §13: 2 before the initial meeting",
    "complex_risk_hold": "seed 001 §9",
    "closure_reasons": "seed 001 §13: the reasons a case is closed",
    "outcome_instruments": "seed 001 names no instrument: the person's recovery-domain rating "
    "is a demo assumption",
    "hold_timeout_working_days": "seed 001 §9: 5 working days",
    "risk_current_days": "seed 001 §8 says 'current'; 90 days is a demo assumption",
    "re_referral_window_months": "seed 001 §15: only after 12 months",
}

# Seed 001 §1: one front door. The autism services take no referrals of their own: the panel
# screens each one and hands it on, accepted.
_THROUGH_FRONT_DOOR = {
    "routing": "seed 001 §1: a destination of the front door",
    "referral_sources": "seed 001 §1: one front door; referrals reach it only through the "
    "autism panel",
}

AUTISM_SPECIALIST = {
    "code": "ASS",
    "name": "Autism specialist support",
    "organisation": "Kent County Council",
    # A number reserved by Ofcom for drama: fictitious, like every detail of the demo.
    "contact_phone": "01632 960002",
    "description": "Autism specialist support workers, reached through the autism front door.",
    "values": {**_AUTISM_VALUES, "referral_sources": []},
    "sources": {**_AUTISM_SOURCES, **_THROUGH_FRONT_DOOR},
}

KPS = {
    "code": "KPS",
    "name": "KPS autism enablement",
    "organisation": "Kent County Council",
    # A number reserved by Ofcom for drama: fictitious, like every detail of the demo.
    "contact_phone": "01632 960003",
    "description": "Enablement for autistic adults, reached through the autism front door.",
    "values": {**_AUTISM_VALUES, "referral_sources": []},
    "sources": {**_AUTISM_SOURCES, **_THROUGH_FRONT_DOOR},
}

AUTISM_FRONT_DOOR = {
    "code": "AFD",
    "name": "Autism enablement front door",
    "organisation": "Kent County Council",
    # A number reserved by Ofcom for drama: fictitious, like every detail of the demo.
    "contact_phone": "01632 960004",
    "description": "One front door: a multi-disciplinary panel routes each referral to the "
    "autism specialist service, KPS or KERS, or to an outside service.",
    "values": {**_AUTISM_VALUES, "routing": "panel", "route_destinations": ["ASS", "KPS", "KERS"]},
    "sources": {
        **_AUTISM_SOURCES,
        "routing": "seed 001 §1: triaged by a multi-disciplinary team",
        "route_destinations": "seed 001 §1: autism specialist support worker, KPS or KERS",
    },
}

STR = {
    "code": "STR",
    "name": "Mental Health Support Time Recovery",
    "organisation": "Kent County Council with KMPT",
    # A number reserved by Ofcom for drama: fictitious, like every detail of the demo.
    "contact_phone": "01632 960005",
    "description": "Six weeks of free, intensive enablement, then support up to six months "
    "in all, chargeable after the enablement period.",
    "values": {
        "referral_sources": ["integrated_mh_team"],
        "self_referral_allowed": False,
        "min_age": 18,
        "max_age": None,
        "over_max_age_exception": False,
        "needs_basis": "any",
        "diagnosis_categories": ["mental_health"],
        "excluded_categories": [],
        "not_appropriate_factors": [],
        "routing": "direct",
        "route_destinations": [],
        "levels": [],
        "screening_working_days": None,
        "length_weeks": 6,
        "total_support_weeks": 26,
        "total_support_months": 6,
        "closure_reasons": [
            "goals_achieved",
            "no_enablement_need",
            "not_ready",
            "did_not_engage",
            "declined",
            "too_unwell",
            "risk_to_staff",
        ],
        "chargeable_after_weeks": 6,
        "weekly_hours": Decimal("3.00"),
        "extension_max_weeks": 20,
        "extension_rule": "at_review",
        "review_weeks": [4],
        "final_review_at_closure": True,
        "caseload_per_fte": 15,
        "missed_visits_threshold": None,
        "missed_visits_before_planning": None,
        "complex_risk_hold": False,
        "hold_timeout_working_days": None,
        "risk_current_days": None,
        "re_referral_window_months": None,
        "source_requirements": {},
        "area_name": "Kent",
        "area_postcode_districts": ["CT", "DA", "ME", "TN"],
        "appropriate_factors": [],
        "face_to_face_assessment_required": False,
        "case_system_step": False,
        "level_destinations": {},
        "outcome_instruments": ["recovery-person", "swemwbs"],
    },
    "sources": {
        "area_name": "seed 004: a Kent County Council service",
        "outcome_instruments": "seed 004 (a recovery service) names no instrument: a demo "
        "assumption",
        "area_postcode_districts": "Kent's postcode areas are a demo assumption",
        "referral_sources": "seed 004 §1(3): based within integrated mental health teams",
        "min_age": "seed 004 is an adult service; 18 is a demo assumption",
        "needs_basis": "seed 004 §1(5): a mental health recovery service; no needs test given",
        "diagnosis_categories": "seed 004 §1(5): mental health recovery",
        "length_weeks": "seed 004 §1(5): first period of up to 6 weeks as enablement",
        "total_support_weeks": "seed 004 §1(5): up to 6 months in total",
        "total_support_months": "seed 004 §1(1), §1(5): up to 6 months in all, in calendar months",
        "closure_reasons": "seed 000 §8 reasons that fit a time-limited recovery service",
        "chargeable_after_weeks": "seed 004 §1(5): chargeable following the enablement period",
        "weekly_hours": "seed 004 §1(3): up to three hours per week",
        "extension_max_weeks": "seed 004 §1(3): extendable to 6 months (26 - 6 = 20 weeks)",
        "extension_rule": "seed 004 §1(3): dependent on a review at 4 weeks",
        "review_weeks": "seed 004 §1(3): review at 4 weeks",
        "caseload_per_fte": "seed 004 gives none; 15 is a demo assumption",
    },
}

# Seed 003 "Referral sources": "for some referrals (such as GP and other council services)
# basic minimum referral information will be required". Codes of the validation checklist
# (`referrals.rules.CHECKLIST`); the choice of items is a demo assumption.
_BASIC_MINIMUM = [
    "source",
    "date_of_birth",
    "diagnosis_category",
    "need_identified",
    "work_requested",
    "work_specific",
    "consent",
]
# What the public self-referral form (`referrals.public`) asks the person or their carer:
# their date of birth, whether they have a mental health condition, what they would like
# help with in their own words, that it is short-term support, and their agreement.
_PUBLIC_FORM = [
    "source",
    "date_of_birth",
    "diagnosis_category",
    "work_requested",
    "deliverable",
    "consent",
]

BEP = {
    "code": "BEP",
    "name": "Barnet Enablement Pathway: Brief",
    "organisation": "London Borough of Barnet",
    # A number reserved by Ofcom for drama: fictitious, like every detail of the demo.
    "contact_phone": "020 7946 0100",
    "description": "A single point of referral into three Local Enablement Hubs; one "
    "assessment assigns a level, from signposting to Specialist.",
    "values": {
        "referral_sources": ["agreed_organisation", "gp", "council_service", "self", "carer"],
        "self_referral_allowed": True,
        "min_age": 18,
        "max_age": None,
        "over_max_age_exception": False,
        "needs_basis": "care_act_or_preventative",
        "diagnosis_categories": ["mental_health"],
        "excluded_categories": ["dementia", "frail_elderly"],
        "not_appropriate_factors": [],
        "routing": "hub",
        "route_destinations": [],
        "levels": ["signposting", "brief", "enhanced", "specialist"],
        "screening_working_days": None,
        "length_weeks": 6,
        "total_support_weeks": None,
        "total_support_months": None,
        "closure_reasons": [
            "goals_achieved",
            "no_enablement_need",
            "not_ready",
            "did_not_engage",
            "declined",
            "too_unwell",
            "risk_to_staff",
        ],
        "chargeable_after_weeks": None,
        "weekly_hours": None,
        "extension_max_weeks": 0,
        "extension_rule": "next_level",
        "review_weeks": [],
        "final_review_at_closure": True,
        "caseload_per_fte": 15,
        "missed_visits_threshold": None,
        "missed_visits_before_planning": None,
        "complex_risk_hold": False,
        "hold_timeout_working_days": None,
        "risk_current_days": None,
        "re_referral_window_months": None,
        "hourly_cost": Decimal("30.00"),
        # Minimum data: a GP or another council service gives the basics; the person or a
        # carer gives what the public form asks. The hub assessment gathers the rest (the
        # named social worker, if any, and the risk information).
        "source_requirements": {
            "gp": _BASIC_MINIMUM,
            "council_service": _BASIC_MINIMUM,
            "self": _PUBLIC_FORM,
            "carer": _PUBLIC_FORM,
        },
        "area_name": "Barnet",
        "area_postcode_districts": list(BARNET_DISTRICTS),
        "appropriate_factors": [],
        "face_to_face_assessment_required": False,
        "case_system_step": False,
        "level_destinations": {"enhanced": "BEN"},
        "outcome_instruments": ["recovery-person", "recovery-carer", "swemwbs"],
    },
    "sources": {
        "level_destinations": "seed 003 'Enablement Plans': Enhanced is 'requiring referral "
        "to the Network for longer term programme'; Specialist goes on outside (CMHTs, family "
        "therapy, other complex needs services) and is recorded by name",
        "area_name": "seed 003: London Borough of Barnet",
        "area_postcode_districts": "the three hubs' districts, a demo assumption",
        "referral_sources": "seed 003 LEH 'Referral sources': agreed referrers, GPs with "
        "minimum data, self-referral, carers",
        "self_referral_allowed": "seed 003 LEH 'Referral sources'",
        "source_requirements": "seed 003 LEH 'Referral sources': GP and other council services "
        "give basic minimum referral information; self-referral by the person or their carer "
        "is an agreed method (what the public form asks). Which items make the basic minimum "
        "is a demo assumption",
        "min_age": "seed 003 'Scope': adult services (CAMHS transition); 18 is the threshold",
        "needs_basis": "seed 003 'Definitions': Care Act eligibility or preventative entitlement",
        "diagnosis_categories": "seed 003 'Scope of service': adult mental health",
        "excluded_categories": "seed 003 'Scope of service': excludes dementia and frail elderly",
        "routing": "seed 003 LEH: single point of referral into three hubs",
        "levels": "seed 003 'Enablement Plans': pre-enablement, Brief, Enhanced, Specialist",
        "length_weeks": "seed 003 'Brief': six weeks of enablement support",
        "extension_max_weeks": "seed 003: longer support is the Enhanced level, not an extension",
        "extension_rule": "seed 003 'Enhanced': referral to the Network for a longer programme",
        "review_weeks": "seed 003 'Assessment': baseline and follow-up recovery scores",
        "outcome_instruments": "seed 003 'Assessment': the Recovery outcomes model for baseline "
        "and follow-up scores, for service users and carers; SWEMWBS as the wellbeing scale "
        "is a demo assumption",
        "caseload_per_fte": "seed 003 asks for caseload ratios but gives none; 15 is a demo "
        "assumption",
        "hourly_cost": "seed 003 asks for cost but gives none; a demo value",
    },
}

# The Network: the hubs refer Enhanced to it (seed 003 "Enhanced"; the hubs themselves are
# "hosted and managed by an evolution of the current Network service").
BARNET_NETWORK = {
    "code": "BEN",
    "name": "Barnet Enablement Network",
    "organisation": "London Borough of Barnet",
    # A number reserved by Ofcom for drama: fictitious, like every detail of the demo.
    "contact_phone": "020 7946 0101",
    "description": "The Network's longer-term enablement programme, for people the Local "
    "Enablement Hubs assess at the Enhanced level.",
    "values": {
        **BEP["values"],
        "referral_sources": [],
        "self_referral_allowed": False,
        "routing": "direct",
        "levels": [],
        "length_weeks": 26,
        "extension_max_weeks": 0,
        "extension_rule": "none",
        "review_weeks": [6, 13, 19],
        "source_requirements": {},
        "level_destinations": {},
    },
    "sources": {
        "routing": "seed 003 'Enhanced': requiring referral to the Network; the hubs hand it "
        "on, accepted, onto the Network's waiting list",
        "referral_sources": "seed 003 LEH: the hubs are the 'single point of referral' for ALL "
        "mental health social care referrals; the Network takes its referrals from them",
        "self_referral_allowed": "seed 003: the single point of referral is the hubs",
        "length_weeks": "seed 003 'Enhanced': a 'longer term programme' with no length given; "
        "26 weeks is a demo assumption",
        "review_weeks": "seed 003 'Assessment': baseline and follow-up recovery scores; the "
        "weeks are a demo assumption",
        "outcome_instruments": "seed 003 'Assessment': the Recovery outcomes model for baseline "
        "and follow-up scores, for service users and carers",
        "extension_max_weeks": "seed 003 gives none: a demo assumption",
        "min_age": "seed 003 'Scope': adult services",
        "needs_basis": "seed 003 'Definitions': Care Act eligibility or preventative entitlement",
        "diagnosis_categories": "seed 003 'Scope of service': adult mental health",
        "excluded_categories": "seed 003 'Scope of service': excludes dementia and frail elderly",
        "area_name": "seed 003: London Borough of Barnet",
        "area_postcode_districts": "the three hubs' districts, a demo assumption",
        "caseload_per_fte": "seed 003 asks for caseload ratios but gives none; 15 is a demo "
        "assumption",
    },
}

# The Network comes before BEP: BEP's settings name it.
SERVICES = [KERS, AUTISM_SPECIALIST, KPS, AUTISM_FRONT_DOOR, STR, BARNET_NETWORK, BEP]

# (service code, team name, kind, area, postcode districts)
# The postcodes each team covers are a demo assumption (the seeds name the localities, not
# their postcodes): areas and districts, the closest match proposing the team for a referral.
_EAST_KENT = ["CT", "TN23", "TN24", "TN25", "TN26", "TN27", "TN28", "TN29", "TN30"]
_SWALE = ["ME9", "ME10", "ME11", "ME12", "ME13"]
_KENT = ["CT", "DA", "ME", "TN"]
TEAMS = [
    (
        "KERS",
        "Kent East",
        "locality",
        "East Kent (seed 000: KERS Admin East Kent)",
        _EAST_KENT + _SWALE,
    ),
    (
        "KERS",
        "Kent West",
        "locality",
        "West Kent (seed 000: KERS Admin West Kent)",
        ["DA", "ME", "TN"],
    ),
    ("AFD", "Autism triage panel", "panel", "Kent (seed 001 §1)", _KENT),
    ("ASS", "Autism specialist support", "service_wide", "Kent", _KENT),
    ("KPS", "KPS Kent", "service_wide", "Kent", _KENT),
    (
        "STR",
        "South West Kent",
        "locality",
        "seed 004 §4(9)",
        [
            "TN1",
            "TN2",
            "TN3",
            "TN4",
            "TN8",
            "TN9",
            "TN10",
            "TN11",
            "TN12",
            "TN13",
            "TN14",
            "TN15",
            "TN16",
            "TN17",
            "TN18",
        ],
    ),
    ("STR", "Dartford Gravesham and Swanley", "locality", "seed 004 §4(9)", ["DA", "BR8"]),
    (
        "STR",
        "Maidstone and Malling",
        "locality",
        "seed 004 §4(9)",
        ["ME14", "ME15", "ME16", "ME17", "ME18", "ME19", "ME20"],
    ),
    # The early intervention and crisis teams cover their half of the county: a locality
    # team covering a postcode more closely is proposed first.
    (
        "STR",
        "West Kent Early Intervention Psychosis",
        "locality",
        "seed 004 §4(9)",
        ["DA", "ME", "TN"],
    ),
    (
        "STR",
        "Thanet and Dover",
        "locality",
        "seed 004 §4(9)",
        ["CT7", "CT8", "CT9", "CT10", "CT11", "CT12", "CT13", "CT14", "CT15", "CT16", "CT17"],
    ),
    (
        "STR",
        "Ashford and Shepway",
        "locality",
        "seed 004 §4(9)",
        [
            "TN23",
            "TN24",
            "TN25",
            "TN26",
            "TN27",
            "TN28",
            "TN29",
            "TN30",
            "CT18",
            "CT19",
            "CT20",
            "CT21",
        ],
    ),
    (
        "STR",
        "Canterbury Coastal and Swale",
        "locality",
        "seed 004 §4(9)",
        ["CT1", "CT2", "CT3", "CT4", "CT5", "CT6", *_SWALE],
    ),
    ("STR", "East Kent Early Intervention Psychosis", "locality", "seed 004 §4(9)", ["CT"]),
    ("STR", "East Kent Acute Services CRHT", "locality", "seed 004 §4(9)", ["CT"]),
    (
        "BEP",
        "Barnet West",
        "hub",
        "seed 003 LEH West; districts are a demo assumption",
        ["HA8", "NW4", "NW7", "NW9"],
    ),
    (
        "BEP",
        "Barnet North",
        "hub",
        "seed 003 LEH North; districts are a demo assumption",
        ["EN4", "EN5", "N12", "N14", "N20"],
    ),
    (
        "BEP",
        "Barnet South",
        "hub",
        "seed 003 LEH South; districts are a demo assumption",
        ["N2", "N3", "N10", "N11", "NW11"],
    ),
    (
        "BEN",
        "Barnet Enablement Network",
        "service_wide",
        "Barnet (seed 003: the Network)",
        list(BARNET_DISTRICTS),
    ),
]

# Seed 004 §4(9) names nine STR teams; the demo staffs one. The others are kept, closed, so
# no referral can reach a queue nobody reads (issue 10 item 9); opening one is a matter of
# giving it staff and ticking "active" on its team page.
UNSTAFFED_IN_DEMO = {
    ("STR", name)
    for name in (
        "South West Kent",
        "Dartford Gravesham and Swanley",
        "Maidstone and Malling",
        "West Kent Early Intervention Psychosis",
        "Ashford and Shepway",
        "Canterbury Coastal and Swale",
        "East Kent Early Intervention Psychosis",
        "East Kent Acute Services CRHT",
    )
}

SKILLS = [
    ("autism-specialist", "Autism specialist"),
    ("occupational-therapist", "Occupational therapist"),
    ("peer-support", "Peer support"),
    ("housing", "Housing"),
    ("employment", "Employment"),
    ("social-therapy", "Social therapy"),
    ("navigator", "Navigator"),
    ("substance-misuse", "Substance misuse"),
    ("safeguarding-adults-manager", "Safeguarding adults manager"),
]

# The catalogue of enablement resources: seed 003 LEH "Enablement resources".
RESOURCES = [
    ("information-advice", "Information and advice", "From the enablement team and the portal"),
    ("navigator", "Navigator support", "Help to reach community services and resources"),
    ("social-therapy", "Social therapy", "Individual and family, by social workers"),
    ("key-worker", "Key worker sessions", "Enablement support as provided by the Network"),
    ("wrap", "WRAP group", "Wellness Recovery Action Planning, a short enablement group"),
    ("new-skills", "New Skills group", "A short enablement group"),
    ("skills-for-living", "Skills for Living group", "A short enablement group"),
    ("community-support", "Short-term community support", "Enablement support"),
    ("daily-living", "Activities of Daily Living programme", "A capability programme"),
    ("skills-with-employers", "Skills with Employers programme", "A capability programme"),
    ("peer-support", "Peer support", "From hub peer support workers"),
    ("outreach", "Outreach", "Residential and onsite assessments such as inpatients"),
    ("housing", "Housing support", "Through the housing specialist"),
    ("physical-health", "Physical health care", "Access and pathways to health care"),
    ("employment", "Employment support", "Through the employment specialist"),
    ("safeguarding", "Safeguarding", "Through the designated safeguarding adults manager"),
    ("cmht-pathway", "CMHT assessment and management", "Agreed pathway or joint assessment"),
    (
        "talking-therapies",
        "Talking therapies (IAPT) referral",
        "Improving Access to Psychological Therapies",
    ),
]
