"""Every URL of the app against every role: a role opens what is meant for it and nothing
else. The expected table is written here by hand, independently of the code, and a test
fails if the app gains a URL this table does not cover."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

ALL = {
    "referrer",
    "admin",
    "worker",
    "senior",
    "provision_manager",
    "quality_manager",
    "commissioner",
    "person",
    "carer",
    "sysadmin",
}
NOT_PORTAL = ALL - {"person", "carer"}
CASE_TEAM = {"admin", "worker", "senior"}
SEARCHERS = CASE_TEAM | {"referrer", "provision_manager", "quality_manager"}
OVERSIGHT = {"provision_manager", "quality_manager"}
STAFF = CASE_TEAM | OVERSIGHT | {"sysadmin"}
# Who sees the whole of a Kent East episode: its team and those who oversee the service.
EPISODE = CASE_TEAM | OVERSIGHT
# Workers never see the allocation pages (issue 5).
ALLOCATION = {"admin", "senior"} | OVERSIGHT
# The worker's steps on an episode: its team's workers and seniors (issue 11).
TEAM_WORK = {"worker", "senior"}
# A team's episode: its whole record is the team's and its overseers'; the worker and the
# senior act on it.
EPISODE = CASE_TEAM | OVERSIGHT
TEAM_ACTS = {"worker", "senior"}
# The performance dashboard and its files: those who manage services, and the commissioner
# (aggregates only, issue 13).
PERFORMANCE = OVERSIGHT | {"commissioner"}


def _targets(demo_ids):
    east, west, pat = demo_ids["east"], demo_ids["west"], demo_ids["pat"]
    team, staff = demo_ids["team"], demo_ids["staff"]
    submitted, validated = demo_ids["submitted"], demo_ids["validated"]
    held, returned, panel = demo_ids["held"], demo_ids["returned"], demo_ids["panel"]
    panel_person = demo_ids["panel_person"]
    episode = demo_ids["episode"]
    referral_roles = SEARCHERS
    ep, ext = demo_ids["reviews:episode"], demo_ids["reviews:extension"]
    # (url name, path, roles that get 200)
    return [
        ("accounts:tokens", "/account/tokens/", NOT_PORTAL),
        ("accounts:role-give", "/roles/give/", {"sysadmin"}),
        ("accounts:role-requests", "/role-requests/", OVERSIGHT | {"sysadmin"}),
        # A worker for Kent East (KERS): pm.kers or a quality manager decides.
        (
            "accounts:role-request",
            f"/role-requests/{demo_ids['kers_request']}/",
            OVERSIGHT | {"sysadmin"},
        ),
        # A worker for Barnet (BEP): not pm.kers's to decide, so not theirs to see.
        (
            "accounts:role-request",
            f"/role-requests/{demo_ids['bep_request']}/",
            {"quality_manager", "sysadmin"},
        ),
        ("accounts:break-glass", "/break-glass/", {"sysadmin"}),
        ("accounts:break-glass-log", "/break-glass/log/", OVERSIGHT),
        ("accounts:account", "/account/", ALL),
        ("accounts:password-change", "/account/password/", ALL),
        ("accounts:two-factor-setup", "/account/two-factor/set-up/", NOT_PORTAL),
        ("accounts:two-factor-qr", "/account/two-factor/set-up/qr.svg", NOT_PORTAL),
        ("accounts:users", "/users/", {"sysadmin"}),
        ("accounts:locked", "/users/locked/", {"sysadmin"}),
        ("accounts:user", f"/users/{demo_ids['worker_user']}/", {"sysadmin"}),
        (
            "accounts:user-deactivate",
            f"/users/{demo_ids['worker_user']}/switch-off/",
            {"sysadmin"},
        ),
        ("home:worker", "/home/caseload/", {"worker"}),
        # The daily views: a worker's own caseload; the team view for seniors and managers.
        ("casework:caseload", "/episodes/mine/", {"worker"}),
        ("casework:team", "/episodes/team/", {"senior"} | OVERSIGHT),
        ("home:admin", "/home/validation/", {"admin"}),
        ("home:senior", "/home/screening/", {"senior"}),
        (
            "home:dashboard",
            "/home/dashboard/",
            {"provision_manager", "quality_manager", "commissioner"},
        ),
        ("reporting:dashboard", "/performance/", PERFORMANCE),
        ("reporting:table", "/performance/tables/referrals.csv", PERFORMANCE),
        ("reporting:table", "/performance/tables/cost.xlsx", PERFORMANCE),
        ("reporting:pdf", "/performance/dashboard.pdf", PERFORMANCE),
        ("home:referrer", "/home/my-referrals/", {"referrer"}),
        ("home:portal", "/home/my-record/", {"person", "carer"}),
        ("home:sysadmin", "/home/administration/", {"sysadmin"}),
        ("people:search", "/people/", SEARCHERS),
        ("people:new", "/people/new/", CASE_TEAM | {"referrer"}),
        (
            "people:duplicates",
            "/people/possible-duplicates/",
            {"admin", "senior", "provision_manager", "quality_manager"},
        ),
        ("people:duplicate-decide", "/people/possible-duplicates/999999/", set()),
        ("people:detail", f"/people/{east}/", SEARCHERS),
        ("people:detail", f"/people/{west}/", OVERSIGHT),
        ("people:detail", f"/people/{pat}/", SEARCHERS | {"person", "carer"}),
        ("people:edit", f"/people/{east}/edit/", CASE_TEAM),
        ("people:edit", f"/people/{west}/edit/", set()),
        ("people:carer-new", f"/people/{east}/carers/new/", CASE_TEAM),
        # Subject access and legal holds: the managers, for people of services they oversee.
        ("privacy:subject-access", f"/people/{east}/subject-access/", OVERSIGHT),
        ("privacy:subject-access", f"/people/{panel_person}/subject-access/", {"quality_manager"}),
        ("privacy:export-json", f"/people/{east}/subject-access/json/", OVERSIGHT),
        (
            "privacy:export-json",
            f"/people/{panel_person}/subject-access/json/",
            {"quality_manager"},
        ),
        ("privacy:export-pdf", f"/people/{west}/subject-access/pdf/", OVERSIGHT),
        ("privacy:export-pdf", f"/people/{panel_person}/subject-access/pdf/", {"quality_manager"}),
        ("privacy:legal-hold", f"/people/{east}/legal-hold/", OVERSIGHT),
        ("privacy:legal-hold", f"/people/{panel_person}/legal-hold/", {"quality_manager"}),
        ("catalogue:services", "/services/", NOT_PORTAL),
        ("catalogue:service", "/services/KERS/", NOT_PORTAL),
        ("catalogue:service-version", "/services/KERS/versions/1/", NOT_PORTAL),
        ("catalogue:service-new", "/services/new/", {"provision_manager", "sysadmin"}),
        ("catalogue:service-change", "/services/KERS/change/", {"provision_manager", "sysadmin"}),
        ("catalogue:service-change", "/services/BEP/change/", {"sysadmin"}),
        ("catalogue:teams", "/teams/", STAFF),
        ("catalogue:team-new", "/teams/new/", {"sysadmin"}),
        ("catalogue:staff-new", "/staff/new/", {"sysadmin"}),
        ("catalogue:team", f"/teams/{team}/", STAFF),
        ("catalogue:staff-edit", f"/staff/{staff}/edit/", {"senior", "sysadmin"}),
        ("catalogue:leave-new", f"/staff/{staff}/leave/new/", {"senior", "sysadmin"}),
        ("catalogue:resources", "/resources/", CASE_TEAM | OVERSIGHT),
        ("governance:access-log", "/access-log/", OVERSIGHT),
        ("governance:access-log-csv", "/access-log/export/csv/", OVERSIGHT),
        ("referrals:list", "/referrals/", referral_roles),
        # The short-term support return is person-level (pseudonymised): provision and
        # quality managers only, never commissioners (ADR 0031).
        ("returns:short-term-support", "/returns/short-term-support/", OVERSIGHT),
        ("returns:short-term-support-csv", "/returns/short-term-support/csv/", OVERSIGHT),
        ("returns:short-term-support-xlsx", "/returns/short-term-support/xlsx/", OVERSIGHT),
        ("referrals:export-csv", "/referrals/export/csv/", referral_roles),
        ("referrals:export-xlsx", "/referrals/export/xlsx/", referral_roles),
        # A large export the worker made for the quality manager: theirs alone, 404 to anyone
        # else (ADR 0036).
        ("core:export-job", f"/exports/{demo_ids['export_job']}/", {"quality_manager"}),
        (
            "core:export-download",
            f"/exports/{demo_ids['export_job']}/download/",
            {"quality_manager"},
        ),
        ("referrals:new", f"/referrals/new/?person={east}", {"referrer"}),
        ("referrals:new", f"/referrals/new/?person={west}", set()),
        # A draft referral is its author's alone, never the service's (issue 12).
        ("referrals:drafts", "/referrals/drafts/", {"referrer"}),
        ("referrals:draft", f"/referrals/drafts/{demo_ids['draft']}/", {"referrer"}),
        ("referrals:draft-section", f"/referrals/drafts/{demo_ids['draft']}/risk/", {"referrer"}),
        ("referrals:draft-check", f"/referrals/drafts/{demo_ids['draft']}/check/", {"referrer"}),
        ("referrals:draft-delete", f"/referrals/drafts/{demo_ids['draft']}/delete/", {"referrer"}),
        ("referrals:detail", f"/referrals/{submitted}/", referral_roles),
        ("referrals:detail", f"/referrals/{panel}/", {"referrer", "quality_manager"}),
        ("referrals:return", f"/referrals/{submitted}/return/", {"admin"}),
        # KERS has the case-system step: validation is a page with its dates (issue 10).
        ("referrals:validate", f"/referrals/{submitted}/validate/", {"admin"}),
        ("referrals:case-system", f"/referrals/{validated}/case-system/", {"admin"}),
        # Only the service's admin undoes a validation, before screening (issue 12).
        ("referrals:undo-validation", f"/referrals/{validated}/undo-validation/", {"admin"}),
        # Only the Barnet admin matches its self-referral; no role of the table is one.
        ("referrals:match", f"/referrals/{demo_ids['selfref']}/match/", set()),
        ("referrals:resubmit", f"/referrals/{returned}/resubmit/", {"referrer"}),
        # The referrer withdraws their own; a self-referral's admin withdraws it for the
        # person (referrals/tests/test_self_referral_handoffs.py).
        ("referrals:withdraw", f"/referrals/{returned}/withdraw/", {"referrer"}),
        ("referrals:screen", f"/referrals/{validated}/screen/", {"worker", "senior"}),
        ("referrals:hold", f"/referrals/{validated}/hold/", {"worker", "senior"}),
        ("referrals:answer", f"/referrals/{held}/answer/", {"referrer"}),
        ("referrals:route", f"/referrals/{panel}/route/", set()),
        ("referrals:assess", f"/referrals/{panel}/assess/", set()),
        ("allocation:waiting", "/allocation/", ALLOCATION),
        ("allocation:caseloads", "/allocation/caseloads/", ALLOCATION),
        ("allocation:allocate", f"/allocation/referrals/{demo_ids['waiting']}/", {"senior"}),
        ("allocation:allocate", f"/allocation/referrals/{demo_ids['waiting_west']}/", set()),
        ("allocation:allocate-all", f"/allocation/teams/{team}/allocate-all/", {"senior"}),
        ("allocation:forecast", "/allocation/forecast/", OVERSIGHT),
        ("notifications:inbox", "/inbox/", ALL),
        ("notifications:emails-to-check", "/inbox/emails-to-check/", {"sysadmin"}),
        ("api-v1:me", "/api/v1/me", ALL),
        ("api-v1:list_people", "/api/v1/people", SEARCHERS),
        ("api-v1:get_person", f"/api/v1/people/{east}", SEARCHERS),
        ("api-v1:get_person", f"/api/v1/people/{west}", OVERSIGHT),
        ("api-v1:timeline", f"/api/v1/people/{east}/timeline", SEARCHERS),
        ("api-v1:list_services", "/api/v1/services", NOT_PORTAL),
        ("api-v1:get_service", "/api/v1/services/KERS", NOT_PORTAL),
        ("api-v1:list_versions", "/api/v1/services/KERS/versions", NOT_PORTAL),
        ("api-v1:list_referrals", "/api/v1/referrals", referral_roles),
        ("api-v1:get_referral", f"/api/v1/referrals/{submitted}", referral_roles),
        ("api-v1:get_referral", f"/api/v1/referrals/{panel}", {"referrer", "quality_manager"}),
        ("api-v1:get_referral", f"/api/v1/referrals/{held}", referral_roles),
        ("api-v1:waiting_list", "/api/v1/allocation/waiting-list", ALLOCATION),
        ("api-v1:caseloads", "/api/v1/allocation/caseloads", ALLOCATION),
        (
            "api-v1:candidates",
            f"/api/v1/allocation/referrals/{demo_ids['waiting']}/candidates",
            {"senior"},
        ),
        ("api-v1:review_plan", f"/api/v1/allocation/teams/{team}/plan", {"senior"}),
        ("api-v1:forecast", "/api/v1/allocation/forecast", OVERSIGHT),
        # The enablement episode (issue 11): the whole record for the team and those who
        # oversee the service; its summary also for the referrer and named social worker;
        # the steps before the start and a hold for the team's workers and seniors.
        ("casework:episode", f"/episodes/{demo_ids['episode']}/", CASE_TEAM | OVERSIGHT),
        ("casework:episode", f"/episodes/{demo_ids['episode_west']}/", OVERSIGHT),
        (
            "casework:summary",
            f"/episodes/{demo_ids['episode']}/summary/",
            CASE_TEAM | OVERSIGHT | {"referrer"},
        ),
        ("casework:risk-review", f"/episodes/{demo_ids['episode']}/risk-review/", TEAM_WORK),
        (
            "casework:planning-meeting",
            f"/episodes/{demo_ids['episode']}/planning-meeting/",
            TEAM_WORK,
        ),
        ("casework:safety-issue", f"/episodes/{demo_ids['episode']}/safety-issues/", TEAM_WORK),
        (
            "casework:safety-resolve",
            f"/episodes/{demo_ids['episode']}/safety-issues/999999/resolve/",
            set(),
        ),
        ("casework:start", f"/episodes/{demo_ids['episode']}/start/", TEAM_WORK),
        ("casework:hold", f"/episodes/{demo_ids['episode']}/hold/", TEAM_WORK),
        (
            "api-v1:casework_episode",
            f"/api/v1/episodes/{demo_ids['episode']}",
            CASE_TEAM | OVERSIGHT | {"referrer"},
        ),
        # Visits and case notes (enablement/visits): everyone who sees the whole episode
        # reads them; the team's workers and seniors record; seniors check and discuss.
        ("visits:visits", f"/episodes/{episode}/visits/", EPISODE),
        ("visits:visits", f"/episodes/{demo_ids['west_episode']}/visits/", OVERSIGHT),
        ("visits:record-new", f"/episodes/{episode}/visits/record/", {"worker", "senior"}),
        (
            "visits:record",
            f"/episodes/{episode}/visits/{demo_ids['visit']}/record/",
            {"worker", "senior"},
        ),
        ("visits:notes", f"/episodes/{episode}/notes/", EPISODE),
        (
            "visits:note-correct",
            f"/episodes/{episode}/notes/{demo_ids['note']}/correct/",
            {"worker", "senior"},
        ),
        ("visits:note-check", f"/episodes/{episode}/notes/{demo_ids['note']}/check/", {"senior"}),
        ("visits:discuss", f"/episodes/{episode}/missed-visits/discuss/", {"senior"}),
        ("visits:sample", "/episodes/notes/sample/", {"senior"}),
        ("api-v1:visits_list", f"/api/v1/episodes/{episode}/visits", EPISODE),
        ("api-v1:visits_notes_list", f"/api/v1/episodes/{episode}/notes", EPISODE),
        # Reviews and extensions of a Kent East episode under way (issue 11 items 7, 8).
        ("reviews:record", f"/episodes/{ep}/reviews/{demo_ids['reviews:review']}/", TEAM_ACTS),
        ("reviews:add", f"/episodes/{ep}/reviews/new/", TEAM_ACTS),
        ("reviews:extension_new", f"/episodes/{ep}/extensions/new/", TEAM_ACTS),
        ("reviews:extension", f"/episodes/{ep}/extensions/{ext}/", EPISODE),
        ("reviews:extension_queue", "/episodes/extensions/", {"senior", "provision_manager"}),
        ("api-v1:reviews_list", f"/api/v1/episodes/{ep}/reviews", EPISODE),
        *_closure_targets(demo_ids["closures"]),
        *_feedback_targets(demo_ids["feedback"]),
        # The plan on a page (issue 11 item 2): Pat's episode, version 1 signed, 2 a draft.
        *_plan_targets(demo_ids["pat_episode"]),
        # Outcome scores (issue 13 item 1) on Pat's Kent East episode: the team and its
        # overseers read; its workers and seniors record; Pat answers the person's
        # instruments and Chris, the carer, the carer's, in the portal.
        *_outcome_targets(demo_ids["pat_episode"]),
        ("api-v1:openapi-json", "/api/v1/openapi.json", ALL),
        ("api-v1:openapi-view", "/api/v1/docs", ALL),
    ]


def _closure_targets(c):
    """Closure (issue 11 item 9): the team's workers and seniors propose; the senior agrees
    and answers a dispute first; anyone of the team or above records or escalates one."""
    disputers = {"worker", "senior"} | OVERSIGHT
    dispute, answered = c["dispute"], c["answered_dispute"]
    return [
        ("closures:to-agree", "/episodes/closures/", {"senior"} | OVERSIGHT),
        ("closures:propose", f"/episodes/{c['open']}/closure/", {"worker", "senior"}),
        ("closures:decide", f"/episodes/{c['proposed']}/closure/decide/", {"senior"}),
        ("closures:dispute", f"/episodes/{c['closed']}/closure/disputes/new/", disputers),
        (
            "closures:answer-dispute",
            f"/episodes/{c['closed']}/closure/disputes/{dispute}/answer/",
            {"senior"},
        ),
        (
            "closures:escalate-dispute",
            f"/episodes/{c['answered']}/closure/disputes/{answered}/escalate/",
            disputers,
        ),
    ]


def _feedback_targets(f):
    """Evaluation and feedback (issue 13 item 2): the team records on its episodes and
    referrals; seniors and managers read complaints and incidents of their services; the
    qualitative analysis is the managers'; commissioners see none of it."""
    oversee = {"senior"} | OVERSIGHT
    return [
        ("feedback:mine", "/feedback/my-evaluations/", {"person", "carer"}),
        ("feedback:mine-complete", f"/feedback/my-evaluations/{f['closed']}/", {"person", "carer"}),
        ("feedback:paper", f"/feedback/episodes/{f['closed']}/evaluation/", CASE_TEAM),
        ("feedback:incident-episode", f"/feedback/episodes/{f['closed']}/incident/", CASE_TEAM),
        ("feedback:incident-referral", f"/feedback/referrals/{f['referral']}/incident/", CASE_TEAM),
        ("feedback:analysis", "/feedback/evaluations/", OVERSIGHT),
        ("feedback:analysis-csv", "/feedback/evaluations/export/csv/", OVERSIGHT),
        ("feedback:complaints", "/feedback/complaints/", oversee),
        ("feedback:feedback-new", "/feedback/complaints/new/", CASE_TEAM | OVERSIGHT),
        ("feedback:feedback", f"/feedback/complaints/{f['complaint']}/", oversee),
        ("feedback:incidents", "/feedback/incidents/", oversee),
        ("feedback:partners", "/feedback/partners/", oversee),
        # As the service's settings: its provision manager and system administrators.
        (
            "feedback:procedure",
            "/feedback/services/KERS/complaints-procedure/",
            {"provision_manager", "sysadmin"},
        ),
        ("feedback:procedure", "/feedback/services/BEP/complaints-procedure/", {"sysadmin"}),
    ]


def _plan_targets(episode):
    p = f"/episodes/{episode}/plan/"
    readers = CASE_TEAM | OVERSIGHT
    team = {"worker", "senior"}
    api = f"/api/v1/episodes/{episode}/plan"
    return [
        ("plans:edit", p, team),
        ("plans:sign", f"{p}sign/", team),
        ("plans:versions", f"{p}versions/", readers),
        ("plans:compare", f"{p}compare/?a=1&b=2", readers),
        # The person and their carer read the signed version, never the draft.
        ("plans:pdf", f"{p}1/pdf/", readers | {"person", "carer"}),
        ("plans:pdf", f"{p}2/pdf/", readers),
        ("plans:easy-read", f"{p}1/easy-read/", readers | {"person", "carer"}),
        ("plans:mine", f"{p}mine/", {"person", "carer"}),
        ("api-v1:plans_get", api, readers),
        ("api-v1:plans_version", f"{api}/versions/1", readers),
    ]


def _outcome_targets(episode):
    o = f"/episodes/{episode}/outcomes/"
    return [
        ("outcomes:episode", o, EPISODE),
        ("outcomes:record", f"{o}new/swemwbs/", TEAM_ACTS),
        ("outcomes:record", f"{o}new/recovery-carer/", TEAM_ACTS),
        ("outcomes:mine", f"{o}mine/", {"person", "carer"}),
        ("outcomes:mine-record", f"{o}mine/swemwbs/", {"person"}),
        ("outcomes:mine-record", f"{o}mine/recovery-carer/", {"carer"}),
    ]


# Reached only by POST, or open to everyone by design; each has its own behaviour test.
NOT_IN_MATRIX = {
    "api-v1:api-root",  # ninja's index, answers 404
    "accounts:home",  # redirects every role to its home: test_home_redirects
    "accounts:sign-in",
    "accounts:sign-out",
    "accounts:token-revoke",  # POST: api/tests/test_api.py
    # Public by design, for a person who cannot sign in: accounts/tests/test_sign_in_security.py
    "accounts:password-reset",
    "accounts:password-reset-sent",
    "accounts:password-reset-confirm",
    "accounts:password-reset-complete",
    # Sends on to the page asked for unless a second factor is owed: test_sign_in_security.py
    "accounts:two-factor",
    # POST: accounts/tests/test_sign_in_security.py
    "accounts:recovery-codes",
    "accounts:two-factor-remove",
    "accounts:unlock",
    "accounts:user-reactivate",
    "accounts:user-two-factor-remove",
    "self-referral",
    "self-referral-done",  # public by design: referrals/tests/test_self_referral
    # Public by design (no account): enablement/feedback/tests/test_views.py
    "feedback:public",
    "feedback:public-done",
    "feedback:evaluation-link",
    "feedback:thanks",
    # POST: enablement/feedback/tests/test_views.py
    "feedback:tag",
    "feedback:acknowledge",
    "feedback:respond",
    "api-v1:create_person",
    "api-v1:patch_person",
    "api-v1:add_carer",  # same door as GET
    "api-v1:create_service",
    "api-v1:change_settings",
    # POST: enablement/referrals/tests/test_api.py
    "api-v1:submit_referral",
    "api-v1:return_referral",
    "api-v1:resubmit_referral",
    "api-v1:validate_referral",
    "api-v1:undo_validation",  # POST: enablement/referrals/tests/test_undo_validation.py
    "api-v1:confirm_case_system",
    "api-v1:route_referral",
    "api-v1:assess_referral",
    "api-v1:screen_referral",
    "api-v1:hold_referral",
    "api-v1:answer_hold",
    "allocation:skills-needed",  # POST: enablement/allocation/tests/test_allocation.py
    "privacy:legal-hold-lift",  # POST: enablement/privacy/tests/test_retention.py
    "notifications:email-check",  # POST: enablement/notifications/tests/test_outbox.py
    # POST: enablement/allocation/tests/test_api.py
    "api-v1:allocate",
    "api-v1:confirm_plan",
    # POST: enablement/casework/tests/test_access_and_api.py
    "api-v1:casework_risk_reviewed",
    "api-v1:casework_planning_meeting",
    "api-v1:casework_raise_safety_issue",
    "api-v1:casework_resolve_safety_issue",
    "api-v1:casework_start",
    "api-v1:casework_raise_hold",
    "api-v1:casework_answer_hold",
    # POST: enablement/visits/tests/test_api.py
    "api-v1:visits_plan",
    "api-v1:visits_record",
    "api-v1:visits_notes_write",
    "api-v1:visits_notes_correct",
    "api-v1:visits_notes_check",
    "api-v1:visits_missed_discuss",
    # POST: enablement/reviews/tests/
    "api-v1:reviews_add",
    "api-v1:reviews_record",
    "api-v1:reviews_request_extension",
    "api-v1:reviews_discuss_extension",
    "api-v1:reviews_decide_extension",
    # POST: enablement/closures/tests/test_closure.py
    "api-v1:closures_propose",
    "api-v1:closures_agree",
    "api-v1:closures_not_agree",
    "api-v1:closures_dispute",
    "api-v1:closures_answer_dispute",
    "api-v1:closures_escalate_dispute",
    # POST: enablement/plans/tests/test_plan_pages.py and test_api.py
    "plans:revise",
    "plans:sign-mine",
    "api-v1:plans_save",
    "api-v1:plans_sign_worker",
    "api-v1:plans_sign_paper",
}


def _export_job():
    """A finished export of the quality manager's (the file under the test's VAR_DIR)."""
    from enablement.accounts.models import User
    from enablement.core import export_jobs

    job = export_jobs.start(
        user=User.objects.get(username="quality"),
        source="referrals",
        fmt="csv",
        path="/referrals/export/csv/",
        query="status=submitted",
        filename="referrals.csv",
        expected=1,
    )
    export_jobs.run(str(job.pk))
    return job.pk


@pytest.fixture
def demo_ids(demo, settings, tmp_path):
    settings.EXPORT_DIR = tmp_path
    from django.contrib.auth import get_user_model

    from enablement.accounts.models import RoleGrantRequest, User
    from enablement.casework.models import Episode
    from enablement.catalogue.models import StaffMember, Team
    from enablement.people.models import Person
    from enablement.referrals.models import Referral

    users = get_user_model().objects

    def role_request(team):
        return RoleGrantRequest.objects.create(
            user=users.create_user(username=f"new.{team.pk}"),
            role="worker",
            team=team,
            reason="Starts on Monday",
            requested_by=users.get(username="sysadmin"),
            requested_at=demo,
        ).pk

    from enablement.closures.tests.helpers import closure_fixtures
    from enablement.feedback.tests.helpers import feedback_fixtures
    from enablement.plans.tests.helpers import pat_with_plans
    from enablement.reviews.tests.factories import episode_for_tables

    return {
        "closures": closure_fixtures(demo),
        "kers_request": role_request(Team.objects.get(name="Kent East")),
        "bep_request": role_request(Team.objects.filter(service__code="BEP").first()),
        "east": Person.objects.get(family_name="Specimen").pk,
        "draft": _draft(demo),
        "west": Person.objects.get(family_name="Fictional").pk,
        "pat": Person.objects.get(family_name="Example").pk,
        "panel_person": Person.objects.get(family_name="Invented").pk,
        "team": Team.objects.get(name="Kent East").pk,
        "staff": StaffMember.objects.get(user__username="worker.east2").pk,
        "submitted": Referral.objects.get(person__family_name="Sample").pk,
        "validated": Referral.objects.get(person__family_name="Specimen").pk,
        "held": Referral.objects.get(person__family_name="Placeholder").pk,
        "returned": Referral.objects.get(person__family_name="Example", status="returned").pk,
        "panel": Referral.objects.get(person__family_name="Invented").pk,
        "waiting": Referral.objects.get(person__family_name="Facsimile").pk,
        "waiting_west": Referral.objects.get(person__family_name="Lookalike").pk,
        "selfref": Referral.objects.get(submitted_details__family_name="Sampel").pk,
        "worker_user": User.objects.get(username="worker.east").pk,
        "episode": Episode.objects.filter(referral__person__family_name="Exemplar")
        .earliest("pk")
        .pk,
        "episode_west": Episode.objects.get(referral__person__family_name="Testcase").pk,
        **_visits_ids(demo),
        **episode_for_tables(),
        "pat_episode": pat_with_plans(demo).pk,
        # After Pat's plans: it gives Pat a closed enablement too.
        "feedback": feedback_fixtures(demo),
        "export_job": _export_job(),
    }


def _draft(now):
    from enablement.accounts.models import User
    from enablement.catalogue.models import Service
    from enablement.people.models import Person
    from enablement.referrals import drafts

    return drafts.start(
        author=User.objects.get(username="referrer"),
        person=Person.objects.get(family_name="Specimen"),
        service=Service.objects.get(code="KERS"),
        now=now,
    ).pk


def _visits_ids(now):
    """Exemplar's Kent East episode with a planned visit and a note; Gus's Kent West one."""
    from enablement.accounts.models import User
    from enablement.casework.models import Episode
    from enablement.visits.models import CaseNote, Visit

    episode = Episode.objects.filter(referral__person__family_name="Exemplar").earliest("pk")
    worker = User.objects.get(username="worker.east")
    visit = Visit.objects.create(episode=episode, planned_for=now, planned_by=worker)
    note = CaseNote.objects.create(
        episode=episode, kind="contact", text="Phoned", written_at=now, written_by=worker
    )
    return {
        "episode": episode.pk,
        "visit": visit.pk,
        "note": note.pk,
        "west_episode": Episode.objects.get(referral__person__family_name="Testcase").pk,
    }


def _names(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from _names(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + p.name


def test_every_url_is_in_the_matrix(demo_ids):
    covered = {name for name, _, _ in _targets(demo_ids)} | NOT_IN_MATRIX
    missing = set(_names(get_resolver().url_patterns)) - covered
    assert not missing, f"Add these URLs to the access matrix: {sorted(missing)}"


# What a commissioner may open, written by hand: each shows aggregates, the service's
# configuration or their own account, never a person (issue 13 item 5).
COMMISSIONER_PAGES = {
    "accounts:account",
    "accounts:password-change",
    "accounts:tokens",
    "accounts:two-factor-setup",
    "accounts:two-factor-qr",
    "home:dashboard",
    "reporting:dashboard",
    "reporting:table",
    "reporting:pdf",
    "catalogue:services",
    "catalogue:service",
    "catalogue:service-version",
    "notifications:inbox",
    "api-v1:me",
    "api-v1:list_services",
    "api-v1:get_service",
    "api-v1:list_versions",
    "api-v1:openapi-json",  # the API's description, open to everyone
    "api-v1:openapi-view",
}


def test_the_commissioner_reaches_no_person_level_page(demo_ids):
    opened = {name for name, _, roles in _targets(demo_ids) if "commissioner" in roles}
    assert opened <= COMMISSIONER_PAGES, sorted(opened - COMMISSIONER_PAGES)


@pytest.mark.parametrize("role", sorted(ALL))
def test_role_opens_only_its_pages(role, demo_ids, client_for):
    client = client_for(role)
    wrong = []
    for name, path, allowed in _targets(demo_ids):
        status = client.get(path).status_code
        if role in allowed and status != 200:
            wrong.append(f"{path} ({name}) gave {status}, expected 200")
        if role not in allowed and status not in (403, 404):
            wrong.append(f"{path} ({name}) gave {status}, expected 403 or 404")
    assert not wrong, f"{role}: " + "; ".join(wrong)


def test_signed_out_visitor_is_sent_to_sign_in(demo_ids, client):
    for name, path, _ in _targets(demo_ids):
        response = client.get(path)
        if name.startswith("api-v1:openapi"):
            assert response.status_code == 200
        elif path.startswith("/api/"):
            assert response.status_code == 401, path
            assert response.json()["detail"]
        else:
            assert response.status_code == 302, path
            assert response["Location"].startswith("/sign-in/"), path


@pytest.mark.parametrize(
    "role,home",
    [
        ("worker", "/home/caseload/"),
        ("admin", "/home/validation/"),
        ("senior", "/home/screening/"),
        ("provision_manager", "/home/dashboard/"),
        ("commissioner", "/home/dashboard/"),
        ("referrer", "/home/my-referrals/"),
        ("person", "/home/my-record/"),
        ("sysadmin", "/home/administration/"),
    ],
)
def test_home_redirects_each_role_to_its_own_page(role, home, client_for):
    response = client_for(role).get("/")
    assert response.status_code == 302
    assert response["Location"] == home
