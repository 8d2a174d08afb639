"""Every page and every API operation that returns personal data writes an access-log row
naming the user and the person (or referral) they read.

The tables below are written by hand: each URL name of the app and each operation of the
API's OpenAPI schema is either a read of personal data, with a request that makes it as a
role that may, or says why it is not. A URL or operation the tables do not list fails the
first tests, so one added later has to be classified (and, if it shows people, logged).
"""

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import time_machine
from django.urls import get_resolver
from django.utils import timezone

from enablement.accounts.tests.test_access_matrix import _names
from enablement.api.api import api
from enablement.governance.models import AccessLogEntry
from enablement.people.models import Person
from enablement.referrals.models import Referral
from enablement.referrals.rules import RiskArea

Ids = dict


@dataclass(frozen=True)
class Reads:
    """A read of personal data: `role` requests `path(ids)`; the new rows must name the
    user and, when `names` is given, that person or referral (an id key: "person:east",
    "referral:submitted"). An export must write one export row with the filter."""

    role: str
    path: Callable[[Ids], str]
    names: str | None = None
    method: str = "get"
    body: Callable[[Ids], dict] | None = None
    export: bool = False
    setup: Callable | None = None  # (ids, client_for) -> None, before the request
    statuses: tuple[int, ...] = (200, 201, 302)


def _episodes():
    """The demo's enablements (`demo.episodes`), for the daily views' reads."""
    from enablement.demo.episodes import load_episodes

    load_episodes(now=timezone.now())


@dataclass(frozen=True)
class NoPersonalData:
    why: str


def _risks():
    return [
        {"area": a.value, "description": "None known", "assessed_on": "2026-02-24"}
        for a in RiskArea
    ]


def _values(ids):
    return {
        "source": "community_mh_social_work",
        "named_social_worker_id": ids["referrer"],
        "need_identified": True,
        "work_requested": "Travel independently by bus to the Tuesday allotment group",
        "intended_outcomes": "Goes alone by week 6",
        "deliverable_within_length": True,
        "consent_to_share": True,
        "ongoing_cmh_social_work": True,
        "diagnosed_need": True,
        "eligible_needs": True,
        "risks": _risks(),
    }


def _api_post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def _bep_referral(ids, client_for):
    """A hub referral at the single point of referral, validated: ready for assessment."""
    if "bep" in ids:
        return
    body = {
        "person_id": ids["person:sample"],
        "destination": {"service": "BEP"},
        **_values(ids),
        "source": "agreed_organisation",
        # Ada lives in Kent, outside Barnet: the referrer says why (seed 000 §1, issue 10).
        "residence_override_reason": "Moving into a Barnet supported flat this month",
    }
    made = _api_post(client_for("referrer"), "/api/v1/referrals", body)
    assert made.status_code == 201, made.content
    ids["bep"] = made.json()["id"]
    done = _api_post(client_for("admin.bep"), f"/api/v1/referrals/{ids['bep']}/validate", {})
    assert done.status_code == 200, done.content


def _panel_in_triage(ids, client_for):
    from enablement.referrals.rules import Status

    if Referral.objects.get(pk=ids["referral:panel"]).status == Status.IN_TRIAGE:
        return
    path = f"/api/v1/referrals/{ids['referral:panel']}/validate"
    assert _api_post(client_for("admin.autism"), path, {}).status_code == 200


def _fitting_worker(ids, client_for):
    path = f"/api/v1/allocation/referrals/{ids['referral:waiting']}/candidates"
    found = client_for("senior").get(path).json()
    ids["fits"] = next(c["worker_id"] for c in found if c["fits"])


def _reviewed_plan(ids, client_for):
    plan = client_for("senior").get(f"/api/v1/allocation/teams/{ids['team']}/plan").json()
    ids["reviewed"] = plan["reviewed"]


def _new_person_form(ids):
    bo = Person.objects.get(pk=ids["person:east"])
    dob = bo.date_of_birth
    return {
        "given_name": bo.given_name,
        "family_name": bo.family_name,
        "date_of_birth_0": dob.day,
        "date_of_birth_1": dob.month,
        "date_of_birth_2": dob.year,
        "primary_diagnosis": bo.primary_diagnosis,
    }


def _duplicate_question(ids, client_for):
    """Kent East records a twin of Eli Fictional, whom it cannot see: a question for
    someone who sees both."""
    from enablement.people.models import PossibleDuplicate

    if "dup" in ids:
        return
    eli = Person.objects.get(pk=ids["person:west"])
    dob = eli.date_of_birth
    made = client_for("admin").post(
        "/people/new/",
        {
            "given_name": eli.given_name,
            "family_name": eli.family_name,
            "date_of_birth_0": dob.day,
            "date_of_birth_1": dob.month,
            "date_of_birth_2": dob.year,
            "primary_diagnosis": eli.primary_diagnosis,
        },
    )
    assert made.status_code == 302, made.content[:300]
    ids["dup"] = PossibleDuplicate.objects.get(other=eli).pk


def _break_glass(ids, client_for):
    if "glass" in ids:
        return
    bo = Person.objects.get(pk=ids["person:east"])
    opened = client_for("sysadmin").post(
        "/break-glass/",
        {"nhs_number": bo.nhs_number, "reason": "Police asking for the next of kin tonight"},
    )
    assert opened.status_code == 302, opened.content[:300]
    ids["glass"] = True


def _safety_issue(ids, client_for):
    """An open health-and-safety issue on the demo's Kent East episode."""
    from enablement.casework.models import SafetyIssue

    issue = SafetyIssue.objects.filter(episode_id=ids["episode"], resolved_at__isnull=True)
    if not issue.exists():
        made = _api_post(
            client_for("worker"),
            f"/api/v1/episodes/{ids['episode']}/safety-issues",
            {"kind": "access", "description": "No key safe"},
        )
        assert made.status_code == 201, made.content
    ids["issue"] = issue.first().pk


def _open_hold(ids, client_for):
    from enablement.casework.models import EpisodeHold

    ids["hold"] = EpisodeHold.objects.get(
        episode_id=ids["episode"], answered_at__isnull=True, expired_at__isnull=True
    ).pk


def _episode_bits(ids, client_for):
    """Exemplar's Kent East episode with a fresh planned visit and a fresh note (a note is
    corrected or checked once), and its missed visits waiting for the senior."""
    from enablement.accounts.models import User
    from enablement.casework.models import Episode
    from enablement.visits.models import CaseNote, Visit

    episode = Episode.objects.filter(referral__person__family_name="Exemplar").earliest("pk")
    worker = User.objects.get(username="worker.east")
    now = timezone.now()
    ids["episode"] = episode.pk
    ids["referral:exemplar"] = episode.referral_id
    ids["visit"] = Visit.objects.create(episode=episode, planned_for=now, planned_by=worker).pk
    ids["note"] = CaseNote.objects.create(
        episode=episode, kind="contact", text="Phoned", written_at=now, written_by=worker
    ).pk
    Episode.objects.filter(pk=episode.pk).update(missed_visits_prompted_at=now)


def _ep(path):
    """A Reads of one of the episode's visits pages or operations, naming its referral."""
    return lambda i: path.format(**i)


def _episode_under_way(ids, client_for):
    """A Kent East episode under way (reviews.tests.factories), no extension asked for."""
    from enablement.reviews.tests.factories import episode_for_tables

    if "reviews:episode" not in ids:
        ids.update(episode_for_tables(extension=False))


def _extension_waiting(ids, client_for):
    from enablement.casework.models import Episode
    from enablement.reviews.tests.factories import waiting_extension

    _episode_under_way(ids, client_for)
    ids["reviews:extension"] = waiting_extension(Episode.objects.get(pk=ids["reviews:episode"])).pk


def _review_body(ids):
    return {
        "held_on": "2026-03-03",
        "progress": [{"goal_id": g, "level": "on_track"} for g in ids["reviews:goals"]],
        "engagement": "good",
        "participants": "The person and the worker",
        "summary": "Going well",
    }


def _rev(ids) -> str:
    return f"/episodes/{ids['reviews:episode']}"


def _closures(ids, client_for):
    """Kent East episodes in each state the closure pages and operations act on."""
    if "closures" in ids:
        return
    from enablement.closures.tests.helpers import closure_fixtures
    from enablement.core import clock

    ids["closures"] = closure_fixtures(clock.now())
    ids["person:closure"] = ids["closures"]["person"]


def _feedback(ids, client_for):
    """Pat's closed Kent East enablement, a complaint about Pat and an incident on it."""
    if "feedback" in ids:
        return
    from enablement.core import clock
    from enablement.feedback.tests.helpers import feedback_fixtures

    ids["feedback"] = feedback_fixtures(clock.now())


def _feedback_page(role, path, names="person:pat", **extra):
    return Reads(role, lambda i: path(i["feedback"]), names, setup=_feedback, **extra)


def _closure_page(role, path, method="get", body=None):
    return Reads(
        role,
        lambda i: path(i["closures"]),
        "person:closure",
        method=method,
        body=body,
        setup=_closures,
    )


def _closure_api(role, path, body):
    return _closure_page(role, lambda c: f"/api/v1/episodes/{path(c)}", "post", body)


def _pat_plans(ids, client_for):
    """Pat's episode with plan version 1 signed and version 2 a draft (plans.tests)."""
    from enablement.plans.tests.helpers import pat_with_plans

    if "pat_episode" not in ids:
        ids["pat_episode"] = pat_with_plans(timezone.now()).pk


def _plan_page(role, tail, method="get", body=None, statuses=(200, 201, 302)):
    return Reads(
        role,
        lambda i: f"/episodes/{i['pat_episode']}/plan/{tail}",
        "person:pat",
        method=method,
        body=body,
        setup=_pat_plans,
        statuses=statuses,
    )


def _outcome_page(role, tail, method="get", body=None):
    return Reads(
        role,
        lambda i: f"/episodes/{i['pat_episode']}/outcomes/{tail}",
        "person:pat",
        method=method,
        body=body,
        setup=_pat_plans,
    )


def _plan_api(role, tail="", method="get", body=None):
    return Reads(
        role,
        lambda i: f"/api/v1/episodes/{i['pat_episode']}/plan{tail}",
        "person:pat",
        method=method,
        body=body,
        setup=_pat_plans,
    )


def _plan_body(ids):
    from enablement.plans.models import Plan

    draft = Plan.objects.get(episode_id=ids["pat_episode"], status="draft")
    goal = draft.goals.first()
    return {
        "row_version": draft.row_version,
        "goals": [
            {
                "key": goal.key,
                "description": goal.description,
                "measure": goal.measure,
                "target_date": goal.target_date.isoformat(),
            }
        ],
    }


# --- Pages, by URL name ------------------------------------------------------------------------

PAGES: dict[str, Reads | NoPersonalData | tuple] = {
    "accounts:home": NoPersonalData("redirects to the role's home page"),
    "accounts:sign-in": NoPersonalData("the sign-in form"),
    "accounts:sign-out": NoPersonalData("signs out"),
    "accounts:tokens": NoPersonalData("the user's own API tokens"),
    "accounts:token-revoke": NoPersonalData("revokes one of the user's own tokens"),
    "home:worker": Reads("worker", lambda i: "/home/caseload/", "person:east"),
    "home:admin": Reads("admin", lambda i: "/home/validation/", "referral:submitted"),
    "home:senior": Reads("senior", lambda i: "/home/screening/", "referral:validated"),
    # Pat Example's demo enablement is on worker.east's caseload and Kent East's team view.
    "casework:caseload": Reads(
        "worker", lambda i: "/episodes/mine/", "person:pat", setup=lambda i, c: _episodes()
    ),
    "casework:team": Reads(
        "senior", lambda i: "/episodes/team/", "person:pat", setup=lambda i, c: _episodes()
    ),
    "home:dashboard": NoPersonalData("aggregate counts only, small numbers suppressed"),
    # Aggregates by month and team, small numbers hidden from a commissioner; each file is
    # still logged as one export row (reporting/tests/test_views.py).
    "reporting:dashboard": NoPersonalData("aggregate figures only"),
    "reporting:table": NoPersonalData("one figure's aggregate table"),
    "reporting:pdf": NoPersonalData("the aggregate figures as a PDF"),
    "home:referrer": Reads("referrer", lambda i: "/home/my-referrals/", "referral:submitted"),
    "home:portal": Reads("person", lambda i: "/home/my-record/", "person:pat"),
    "home:sysadmin": NoPersonalData("users, teams and services; no case data"),
    "people:search": (
        Reads("worker", lambda i: "/people/?q=Specimen", "person:east"),
        Reads("admin", lambda i: "/people/", "person:east"),
    ),
    "people:new": (
        NoPersonalData("GET: an empty form"),
        Reads(
            "worker",
            lambda i: "/people/new/",
            "person:east",
            method="post",
            body=_new_person_form,
            statuses=(200,),  # the possible matches are shown, nothing is saved
        ),
    ),
    "people:detail": (
        Reads("worker", lambda i: f"/people/{i['person:east']}/", "person:east"),
        Reads("person", lambda i: f"/people/{i['person:pat']}/", "person:pat"),
    ),
    "people:edit": Reads("worker", lambda i: f"/people/{i['person:east']}/edit/", "person:east"),
    "people:carer-new": Reads(
        "senior", lambda i: f"/people/{i['person:east']}/carers/new/", "person:east"
    ),
    "catalogue:services": NoPersonalData("services and their settings"),
    "catalogue:service": NoPersonalData("one service and its settings"),
    "catalogue:service-version": NoPersonalData("one version of a service's settings"),
    "catalogue:service-new": NoPersonalData("form for a new service"),
    "catalogue:service-change": NoPersonalData("form to change a service's settings"),
    "catalogue:teams": NoPersonalData("teams"),
    "catalogue:team-new": NoPersonalData("form for a new team"),
    "catalogue:team": NoPersonalData("a team's staff, their hours and skills"),
    "catalogue:staff-new": NoPersonalData("form for a new member of staff"),
    "catalogue:staff-edit": NoPersonalData("a member of staff's hours and skills"),
    "catalogue:leave-new": NoPersonalData("a member of staff's leave"),
    "catalogue:resources": NoPersonalData("the catalogue of interventions"),
    "referrals:list": (
        Reads("admin", lambda i: "/referrals/", "referral:submitted"),
        Reads("admin", lambda i: "/referrals/?sort=screening_due", "referral:held"),
    ),
    "returns:short-term-support": NoPersonalData("counts of events and enablements only"),
    "returns:short-term-support-csv": Reads(
        "quality_manager", lambda i: "/returns/short-term-support/csv/", export=True
    ),
    "returns:short-term-support-xlsx": Reads(
        "provision_manager", lambda i: "/returns/short-term-support/xlsx/", export=True
    ),
    "referrals:export-csv": Reads(
        "admin", lambda i: "/referrals/export/csv/?status=submitted", export=True
    ),
    "referrals:export-xlsx": Reads(
        "provision_manager", lambda i: "/referrals/export/xlsx/?sort=status", export=True
    ),
    # A large export is made by the worker and logged as one export row when it is made (ADR
    # 0036): the path makes one, then its download is fetched.
    "core:export-download": Reads("quality_manager", lambda i: _made_export(), export=True),
    "core:export-job": NoPersonalData("the state of the user's own export: a row count"),
    "referrals:new": Reads(
        "referrer", lambda i: f"/referrals/new/?person={i['person:east']}", "person:east"
    ),
    "referrals:drafts": Reads("referrer", lambda i: "/referrals/drafts/", "person:east"),
    "referrals:draft": Reads(
        "referrer", lambda i: f"/referrals/drafts/{i['draft']}/", "person:east"
    ),
    "referrals:draft-section": Reads(
        "referrer", lambda i: f"/referrals/drafts/{i['draft']}/person/", "person:east"
    ),
    "referrals:draft-check": Reads(
        "referrer", lambda i: f"/referrals/drafts/{i['draft']}/check/", "person:east"
    ),
    "referrals:draft-delete": Reads(
        "referrer", lambda i: f"/referrals/drafts/{i['draft']}/delete/", "person:east"
    ),
    "referrals:detail": (
        Reads("admin", lambda i: f"/referrals/{i['referral:submitted']}/", "referral:submitted"),
        Reads(
            "quality_manager",
            lambda i: f"/referrals/{i['referral:panel']}/",
            "referral:panel",
        ),
    ),
    "referrals:return": Reads(
        "admin", lambda i: f"/referrals/{i['referral:submitted']}/return/", "referral:submitted"
    ),
    "referrals:resubmit": Reads(
        "referrer", lambda i: f"/referrals/{i['referral:returned']}/resubmit/", "referral:returned"
    ),
    "referrals:withdraw": Reads(
        "referrer", lambda i: f"/referrals/{i['referral:returned']}/withdraw/", "referral:returned"
    ),
    "referrals:screen": Reads(
        "worker", lambda i: f"/referrals/{i['referral:validated']}/screen/", "referral:validated"
    ),
    "referrals:hold": Reads(
        "senior", lambda i: f"/referrals/{i['referral:validated']}/hold/", "referral:validated"
    ),
    "referrals:answer": Reads(
        "referrer", lambda i: f"/referrals/{i['referral:held']}/answer/", "referral:held"
    ),
    "referrals:route": Reads(
        "senior.autism", lambda i: f"/referrals/{i['referral:panel']}/route/", "referral:panel"
    ),
    "referrals:assess": Reads(
        "worker.bep",
        lambda i: f"/referrals/{i['bep']}/assess/",
        "person:sample",
        setup=_bep_referral,
    ),
    "referrals:validate": (
        Reads(
            "admin",
            lambda i: f"/referrals/{i['referral:submitted']}/validate/",
            "referral:submitted",
        ),
        Reads(
            "admin",
            lambda i: f"/referrals/{i['referral:submitted']}/validate/",
            "referral:submitted",
            method="post",
            body=lambda i: {"case_system_already_open": "on"},
        ),
    ),
    "referrals:case-system": Reads(
        "admin",
        lambda i: f"/referrals/{i['referral:validated']}/case-system/",
        "referral:validated",
    ),
    "referrals:undo-validation": Reads(
        "admin",
        lambda i: f"/referrals/{i['referral:validated']}/undo-validation/",
        "referral:validated",
    ),
    "allocation:waiting": (
        Reads("senior", lambda i: "/allocation/", "referral:waiting"),
        Reads("admin", lambda i: "/allocation/?format=csv", export=True),
    ),
    "allocation:allocate": Reads(
        "senior", lambda i: f"/allocation/referrals/{i['referral:waiting']}/", "referral:waiting"
    ),
    "allocation:skills-needed": Reads(
        "senior",
        lambda i: f"/allocation/referrals/{i['referral:waiting']}/skills-needed/",
        "referral:waiting",
        method="post",
    ),
    "allocation:allocate-all": Reads(
        "senior", lambda i: f"/allocation/teams/{i['team']}/allocate-all/", "referral:waiting"
    ),
    "allocation:caseloads": NoPersonalData("workers' caseload figures; no person named"),
    "allocation:forecast": NoPersonalData("a projection of numbers"),
    "visits:visits": Reads(
        "worker", _ep("/episodes/{episode}/visits/"), "referral:exemplar", setup=_episode_bits
    ),
    "visits:record-new": Reads(
        "worker",
        _ep("/episodes/{episode}/visits/record/"),
        "referral:exemplar",
        setup=_episode_bits,
    ),
    "visits:record": Reads(
        "worker",
        _ep("/episodes/{episode}/visits/{visit}/record/"),
        "referral:exemplar",
        setup=_episode_bits,
    ),
    "visits:notes": Reads(
        "worker", _ep("/episodes/{episode}/notes/"), "referral:exemplar", setup=_episode_bits
    ),
    "visits:note-correct": Reads(
        "worker",
        _ep("/episodes/{episode}/notes/{note}/correct/"),
        "referral:exemplar",
        setup=_episode_bits,
    ),
    "visits:note-check": Reads(
        "senior",
        _ep("/episodes/{episode}/notes/{note}/check/"),
        "referral:exemplar",
        setup=_episode_bits,
    ),
    "visits:discuss": Reads(
        "senior",
        _ep("/episodes/{episode}/missed-visits/discuss/"),
        "referral:exemplar",
        setup=_episode_bits,
    ),
    "visits:sample": Reads(
        "senior", lambda i: "/episodes/notes/sample/", "referral:exemplar", setup=_episode_bits
    ),
    "notifications:inbox": Reads("referrer", lambda i: "/inbox/", "referral:held"),
    "governance:access-log": Reads("provision_manager", lambda i: "/access-log/"),
    "governance:access-log-csv": Reads(
        "quality_manager", lambda i: "/access-log/export/csv/", export=True
    ),
    "referrals:match": Reads(
        "admin.bep",
        lambda i: f"/referrals/{i['referral:selfref']}/match/",
        "person:sample",  # the possible match shown to the admin
    ),
    "people:duplicates": Reads(
        "quality_manager",
        lambda i: "/people/possible-duplicates/",
        "person:west",
        setup=_duplicate_question,
    ),
    "people:duplicate-decide": Reads(
        "quality_manager",
        lambda i: f"/people/possible-duplicates/{i['dup']}/",
        "person:west",
        setup=_duplicate_question,
    ),
    "accounts:account": NoPersonalData("the signed-in user's own account"),
    "accounts:locked": NoPersonalData("staff accounts locked after wrong passwords; no case data"),
    "accounts:password-change": NoPersonalData("the user's own password"),
    "accounts:password-reset": NoPersonalData("the password reset form"),
    "accounts:password-reset-complete": NoPersonalData("password reset done"),
    "accounts:password-reset-confirm": NoPersonalData("the new password form"),
    "accounts:password-reset-sent": NoPersonalData("reset email sent"),
    "accounts:recovery-codes": NoPersonalData("the user's own recovery codes"),
    "accounts:two-factor": NoPersonalData("the user's own second factor"),
    "accounts:two-factor-qr": NoPersonalData("the user's own authenticator QR code"),
    "accounts:two-factor-remove": NoPersonalData("removes the user's own second factor"),
    "accounts:two-factor-setup": NoPersonalData("sets up the user's own second factor"),
    "accounts:unlock": NoPersonalData("POST: unlocks a staff account"),
    "accounts:user": NoPersonalData("a staff account; no case data"),
    "accounts:user-deactivate": NoPersonalData("switches a staff account off"),
    "accounts:user-reactivate": NoPersonalData("switches a staff account on"),
    "accounts:user-two-factor-remove": NoPersonalData(
        "removes a staff member's lost second factor"
    ),
    "accounts:users": NoPersonalData("staff accounts; no case data"),
    "accounts:role-give": NoPersonalData("staff accounts and roles; no case data"),
    "accounts:role-requests": NoPersonalData("requests for staff roles; no case data"),
    "accounts:role-request": NoPersonalData("one request for a staff role; no case data"),
    "accounts:break-glass": Reads(
        "sysadmin", lambda i: "/break-glass/", "person:east", setup=_break_glass
    ),
    "accounts:break-glass-log": Reads(
        "provision_manager", lambda i: "/break-glass/log/", "person:east", setup=_break_glass
    ),
    "notifications:emails-to-check": NoPersonalData(
        "staff email addresses and referral references; no person's details"
    ),
    "notifications:email-check": NoPersonalData("POST: marks one email as checked"),
    "privacy:subject-access": Reads(
        "provision_manager",
        lambda i: f"/people/{i['person:east']}/subject-access/",
        "person:east",
    ),
    "privacy:export-json": Reads(
        "provision_manager",
        lambda i: f"/people/{i['person:east']}/subject-access/json/",
        "person:east",
    ),
    "privacy:export-pdf": Reads(
        "quality_manager",
        lambda i: f"/people/{i['person:east']}/subject-access/pdf/",
        "person:east",
    ),
    "privacy:legal-hold": Reads(
        "provision_manager", lambda i: f"/people/{i['person:east']}/legal-hold/", "person:east"
    ),
    "privacy:legal-hold-lift": NoPersonalData(
        "POST: lifts a hold and returns to the legal-hold page, which is logged"
    ),
    # The enablement episode (issue 11).
    "casework:episode": Reads("worker", lambda i: f"/episodes/{i['episode']}/", "person:exemplar"),
    "casework:summary": (
        Reads("referrer", lambda i: f"/episodes/{i['episode']}/summary/", "person:exemplar"),
        Reads("senior", lambda i: f"/episodes/{i['episode']}/summary/", "person:exemplar"),
    ),
    "casework:risk-review": Reads(
        "worker", lambda i: f"/episodes/{i['episode']}/risk-review/", "person:exemplar"
    ),
    "casework:planning-meeting": Reads(
        "worker", lambda i: f"/episodes/{i['episode']}/planning-meeting/", "person:exemplar"
    ),
    "casework:safety-issue": Reads(
        "worker", lambda i: f"/episodes/{i['episode']}/safety-issues/", "person:exemplar"
    ),
    "casework:safety-resolve": Reads(
        "worker",
        lambda i: f"/episodes/{i['episode']}/safety-issues/{i['issue']}/resolve/",
        "person:exemplar",
        setup=_safety_issue,
    ),
    "casework:start": Reads(
        "senior", lambda i: f"/episodes/{i['episode']}/start/", "person:exemplar"
    ),
    "casework:hold": Reads(
        "senior", lambda i: f"/episodes/{i['episode']}/hold/", "person:exemplar"
    ),
    "reviews:record": Reads(
        "worker",
        lambda i: f"{_rev(i)}/reviews/{i['reviews:review']}/",
        "referral:reviews_episode",
        setup=_episode_under_way,
    ),
    "reviews:add": Reads(
        "senior",
        lambda i: f"{_rev(i)}/reviews/new/",
        "referral:reviews_episode",
        setup=_episode_under_way,
    ),
    "reviews:extension_new": Reads(
        "worker",
        lambda i: f"{_rev(i)}/extensions/new/",
        "referral:reviews_episode",
        setup=_episode_under_way,
    ),
    "reviews:extension": Reads(
        "provision_manager",
        lambda i: f"{_rev(i)}/extensions/{i['reviews:extension']}/",
        "referral:reviews_episode",
        setup=_extension_waiting,
    ),
    "reviews:extension_queue": Reads(
        "senior",
        lambda i: "/episodes/extensions/",
        "referral:reviews_episode",
        setup=_extension_waiting,
    ),
    "closures:to-agree": _closure_page("senior", lambda c: "/episodes/closures/"),
    "closures:propose": _closure_page("worker", lambda c: f"/episodes/{c['open']}/closure/"),
    "closures:decide": _closure_page(
        "senior", lambda c: f"/episodes/{c['proposed']}/closure/decide/"
    ),
    "closures:dispute": _closure_page(
        "worker", lambda c: f"/episodes/{c['closed']}/closure/disputes/new/"
    ),
    "closures:answer-dispute": _closure_page(
        "senior", lambda c: f"/episodes/{c['closed']}/closure/disputes/{c['dispute']}/answer/"
    ),
    "closures:escalate-dispute": _closure_page(
        "worker",
        lambda c: f"/episodes/{c['answered']}/closure/disputes/{c['answered_dispute']}/escalate/",
    ),
    "plans:edit": _plan_page("worker", ""),
    "plans:revise": _plan_page("worker", "change/", method="post"),
    "plans:sign": _plan_page("senior", "sign/"),
    "plans:versions": _plan_page("quality_manager", "versions/"),
    "plans:compare": _plan_page("provision_manager", "compare/?a=1&b=2"),
    "plans:pdf": (_plan_page("worker", "2/pdf/"), _plan_page("carer", "1/pdf/")),
    "plans:easy-read": (_plan_page("admin", "2/easy-read/"), _plan_page("person", "1/easy-read/")),
    "plans:mine": (_plan_page("person", "mine/"), _plan_page("carer", "mine/")),
    "plans:sign-mine": _plan_page("person", "mine/sign/", method="post"),
    # Outcome scores (issue 13 item 1), on Pat's episode.
    "outcomes:episode": _outcome_page("senior", ""),
    "outcomes:record": (
        _outcome_page("worker", "new/swemwbs/"),
        _outcome_page(
            "worker",
            "new/swemwbs/",
            method="post",
            body=lambda i: {
                "occasion": "baseline",
                "completed_by": "worker",
                "completed_on_0": "2",
                "completed_on_1": "3",
                "completed_on_2": "2026",
                **{f"item_{n}": "3" for n in range(1, 8)},
            },
        ),
    ),
    "outcomes:mine": (_outcome_page("person", "mine/"), _outcome_page("carer", "mine/")),
    "outcomes:mine-record": (
        _outcome_page("person", "mine/swemwbs/"),
        _outcome_page("carer", "mine/recovery-carer/"),
    ),
    "feedback:mine": _feedback_page("person", lambda f: "/feedback/my-evaluations/"),
    "feedback:mine-complete": _feedback_page(
        "carer", lambda f: f"/feedback/my-evaluations/{f['closed']}/"
    ),
    "feedback:paper": _feedback_page(
        "worker", lambda f: f"/feedback/episodes/{f['closed']}/evaluation/"
    ),
    "feedback:incident-episode": _feedback_page(
        "senior", lambda f: f"/feedback/episodes/{f['closed']}/incident/"
    ),
    "feedback:incident-referral": _feedback_page(
        "admin", lambda f: f"/feedback/referrals/{f['referral']}/incident/"
    ),
    "feedback:analysis": _feedback_page("quality_manager", lambda f: "/feedback/evaluations/"),
    "feedback:analysis-csv": _feedback_page(
        "provision_manager", lambda f: "/feedback/evaluations/export/csv/", None, export=True
    ),
    "feedback:complaints": _feedback_page("senior", lambda f: "/feedback/complaints/"),
    "feedback:feedback": _feedback_page(
        "provision_manager", lambda f: f"/feedback/complaints/{f['complaint']}/"
    ),
    "feedback:incidents": _feedback_page("provision_manager", lambda f: "/feedback/incidents/"),
    "feedback:feedback-new": NoPersonalData("GET: an empty form"),
    "feedback:procedure": NoPersonalData("a service's complaints procedure"),
    "feedback:partners": NoPersonalData("partner agencies' feedback about services; no person"),
    "feedback:public": NoPersonalData("the public form: each service's complaints procedure"),
    "feedback:public-done": NoPersonalData("the public form's thank-you page"),
    "feedback:evaluation-link": NoPersonalData(
        "the evaluation's questions for someone with the link; shows nothing held"
    ),
    "feedback:thanks": NoPersonalData("the evaluation's thank-you page"),
    "feedback:tag": NoPersonalData("POST: tags an answer with themes, then the analysis page"),
    "feedback:acknowledge": NoPersonalData("POST: then the complaint's page (logged there)"),
    "feedback:respond": NoPersonalData("POST: then the complaint's page (logged there)"),
    "self-referral": NoPersonalData("the public form: shows nothing held"),
    "self-referral-done": NoPersonalData("the public form's thank-you page"),
}


# --- API operations, by method and path of the OpenAPI schema ----------------------------------

R = "/api/v1/referrals"
A = "/api/v1/allocation"
E = "/api/v1/episodes"


def _no_open_safety_issue(ids, client_for):
    """Before the start: no open health-and-safety issue (the pages' walk may leave one)."""
    from enablement.casework.models import SafetyIssue

    SafetyIssue.objects.filter(episode_id=ids["episode"], resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolution="Resolved"
    )


API: dict[str, Reads | NoPersonalData] = {
    "GET /api/v1/me": NoPersonalData("the signed-in user's own account"),
    "GET /api/v1/people": Reads("worker", lambda i: "/api/v1/people?q=Specimen", "person:east"),
    "POST /api/v1/people": Reads(
        "worker",
        lambda i: "/api/v1/people",
        method="post",
        body=lambda i: {
            "given_name": "Rae",
            "family_name": "Newcomer",
            "date_of_birth": "1990-05-01",
            "primary_diagnosis": "mental_health",
        },
    ),
    "GET /api/v1/people/{person_id}": Reads(
        "worker", lambda i: f"/api/v1/people/{i['person:east']}", "person:east"
    ),
    "PATCH /api/v1/people/{person_id}": Reads(
        "worker",
        lambda i: f"/api/v1/people/{i['person:east']}",
        "person:east",
        method="patch",
        body=lambda i: {"phone": "01632 960001"},
    ),
    "POST /api/v1/people/{person_id}/carers": Reads(
        "senior",
        lambda i: f"/api/v1/people/{i['person:east']}/carers",
        "person:east",
        method="post",
        body=lambda i: {"name": "Val Specimen", "relationship": "sister"},
    ),
    "GET /api/v1/people/{person_id}/timeline": Reads(
        "worker", lambda i: f"/api/v1/people/{i['person:east']}/timeline", "person:east"
    ),
    "GET /api/v1/services": NoPersonalData("services"),
    "POST /api/v1/services": NoPersonalData("creates a service"),
    "GET /api/v1/services/{code}": NoPersonalData("one service"),
    "GET /api/v1/services/{code}/versions": NoPersonalData("a service's settings versions"),
    "POST /api/v1/services/{code}/versions": NoPersonalData("changes a service's settings"),
    "GET /api/v1/referrals": Reads(
        "admin", lambda i: f"{R}?status=submitted", "referral:submitted"
    ),
    "POST /api/v1/referrals": Reads(
        "referrer",
        lambda i: R,
        "person:sample",
        method="post",
        body=lambda i: {
            "person_id": i["person:sample"],
            "destination": {"team_id": i["team"]},
            **_values(i),
        },
    ),
    "GET /api/v1/referrals/{referral_id}": Reads(
        "admin", lambda i: f"{R}/{i['referral:submitted']}", "referral:submitted"
    ),
    "POST /api/v1/referrals/{referral_id}/return": Reads(
        "admin",
        lambda i: f"{R}/{i['referral:submitted']}/return",
        "referral:submitted",
        method="post",
        body=lambda i: {"missing": ["consent"], "note": "Please confirm consent"},
    ),
    "POST /api/v1/referrals/{referral_id}/resubmit": Reads(
        "referrer",
        lambda i: f"{R}/{i['referral:returned']}/resubmit",
        "referral:returned",
        method="post",
        body=_values,
    ),
    "POST /api/v1/referrals/{referral_id}/validate": Reads(
        "admin.autism",
        lambda i: f"{R}/{i['referral:panel']}/validate",
        "referral:panel",
        method="post",
        body=lambda i: {},
    ),
    # Before the panel's route below, whose setup validates the panel referral again.
    "POST /api/v1/referrals/{referral_id}/undo-validation": Reads(
        "admin.autism",
        lambda i: f"{R}/{i['referral:panel']}/undo-validation",
        "referral:panel",
        method="post",
        body=lambda i: {"reason": "Validated by mistake"},
        setup=_panel_in_triage,
    ),
    "POST /api/v1/referrals/{referral_id}/case-system": Reads(
        "admin",
        lambda i: f"{R}/{i['referral:validated']}/case-system",
        "referral:validated",
        method="post",
        body=lambda i: {"confirmed_on": "2026-03-03"},
    ),
    "POST /api/v1/referrals/{referral_id}/route": Reads(
        "senior.autism",
        lambda i: f"{R}/{i['referral:panel']}/route",
        "referral:panel",
        method="post",
        body=lambda i: {
            "team_id": i["team"],
            "reason": "Primary need is mental health",
            "desktop_check_complete": True,
            "needs_met_within_length": True,
        },
        setup=_panel_in_triage,
    ),
    "POST /api/v1/referrals/{referral_id}/assess": Reads(
        "worker.bep",
        lambda i: f"{R}/{i['bep']}/assess",
        "person:sample",
        method="post",
        body=lambda i: {"hub_id": i["bep_west"], "level": "brief", "reason": "Assessed"},
        setup=_bep_referral,
    ),
    "POST /api/v1/referrals/{referral_id}/hold": Reads(
        "senior",
        lambda i: f"{R}/{i['referral:validated']}/hold",
        "referral:validated",
        method="post",
        body=lambda i: {"concern": "Eviction letter?"},
    ),
    "POST /api/v1/referrals/{referral_id}/answer": Reads(
        "referrer",
        lambda i: f"{R}/{i['referral:validated']}/answer",
        "referral:validated",
        method="post",
        body=lambda i: {"answer": "Safe: I visited"},
    ),
    "POST /api/v1/referrals/{referral_id}/screen": Reads(
        "senior",
        lambda i: f"{R}/{i['referral:validated']}/screen",
        "referral:validated",
        method="post",
        body=lambda i: {
            "decision": "accept",
            "desktop_check_complete": True,
            # The appropriate factors are not confirmed here, so accepting needs a reason.
            "reason": "Judged appropriate at the team meeting",
        },
    ),
    "GET /api/v1/allocation/waiting-list": Reads(
        "senior", lambda i: f"{A}/waiting-list", "referral:waiting"
    ),
    "GET /api/v1/allocation/referrals/{referral_id}/candidates": Reads(
        "senior", lambda i: f"{A}/referrals/{i['referral:waiting']}/candidates", "referral:waiting"
    ),
    "POST /api/v1/allocation/referrals/{referral_id}/allocate": Reads(
        "senior",
        lambda i: f"{A}/referrals/{i['referral:waiting']}/allocate",
        "referral:waiting",
        method="post",
        # The demo's referral waits behind older ones that fit: out of order, with why.
        body=lambda i: {"worker_id": i["fits"], "reason": "", "out_of_order_reason": "Ready now"},
        setup=_fitting_worker,
    ),
    # After the allocation above: the rest of the team's list.
    "GET /api/v1/allocation/teams/{team_id}/plan": Reads(
        "senior", lambda i: f"{A}/teams/{i['team']}/plan"
    ),
    "POST /api/v1/allocation/teams/{team_id}/plan": Reads(
        "senior",
        lambda i: f"{A}/teams/{i['team']}/plan",
        method="post",
        body=lambda i: {"reviewed": i["reviewed"]},
        setup=_reviewed_plan,
    ),
    # The enablement episode (issue 11), walked to its start, a hold and its answer.
    "GET /api/v1/episodes/{episode_id}": Reads(
        "referrer", lambda i: f"{E}/{i['episode']}", "person:exemplar"
    ),
    "POST /api/v1/episodes/{episode_id}/risk-reviewed": Reads(
        "worker", lambda i: f"{E}/{i['episode']}/risk-reviewed", "person:exemplar", method="post"
    ),
    "POST /api/v1/episodes/{episode_id}/planning-meeting": Reads(
        "worker",
        lambda i: f"{E}/{i['episode']}/planning-meeting",
        "person:exemplar",
        method="post",
        body=lambda i: {
            "held_on": "2026-03-02",
            "attendees": "Bo, Wren",
            "outcome": "ready",
            "employment_status": "unknown",
            "accommodation_status": "unknown",
        },
    ),
    "POST /api/v1/episodes/{episode_id}/safety-issues": Reads(
        "worker",
        lambda i: f"{E}/{i['episode']}/safety-issues",
        "person:exemplar",
        method="post",
        body=lambda i: {"kind": "unsafe_condition", "description": "Loose stair carpet"},
    ),
    "POST /api/v1/episodes/{episode_id}/safety-issues/{issue_id}/resolve": Reads(
        "worker",
        lambda i: f"{E}/{i['episode']}/safety-issues/{i['issue']}/resolve",
        "person:exemplar",
        method="post",
        body=lambda i: {"resolution": "Fixed by the landlord"},
        setup=_safety_issue,
    ),
    "POST /api/v1/episodes/{episode_id}/start": Reads(
        "worker",
        lambda i: f"{E}/{i['episode']}/start",
        "person:exemplar",
        method="post",
        body=lambda i: {"start_on": "2026-03-03"},
        setup=_no_open_safety_issue,
    ),
    "POST /api/v1/episodes/{episode_id}/holds": Reads(
        "senior",
        lambda i: f"{E}/{i['episode']}/holds",
        "person:exemplar",
        method="post",
        body=lambda i: {"concern": "Poor progress against the goals"},
    ),
    "POST /api/v1/episodes/{episode_id}/holds/{hold_id}/answer": Reads(
        "referrer",
        lambda i: f"{E}/{i['episode']}/holds/{i['hold']}/answer",
        "person:exemplar",
        method="post",
        body=lambda i: {"answer": "Carry on"},
        setup=_open_hold,
    ),
    "GET /api/v1/episodes/{episode_id}/reviews": Reads(
        "quality_manager",
        lambda i: f"/api/v1{_rev(i)}/reviews",
        "referral:reviews_episode",
        setup=_episode_under_way,
    ),
    "POST /api/v1/episodes/{episode_id}/reviews/{review_id}": Reads(
        "worker",
        lambda i: f"/api/v1{_rev(i)}/reviews/{i['reviews:review']}",
        "referral:reviews_episode",
        method="post",
        body=_review_body,
        setup=_episode_under_way,
    ),
    "POST /api/v1/episodes/{episode_id}/reviews": Reads(
        "senior",
        lambda i: f"/api/v1{_rev(i)}/reviews",
        "referral:reviews_episode",
        method="post",
        body=_review_body,
        setup=_episode_under_way,
    ),
    # In order: asked for, discussed by the senior, decided by the provision manager.
    "POST /api/v1/episodes/{episode_id}/extensions": Reads(
        "worker",
        lambda i: f"/api/v1{_rev(i)}/extensions",
        "referral:reviews_episode",
        method="post",
        body=lambda i: {"weeks": 2, "reasons": "Two journeys short", "evidence": "Twice alone"},
        setup=_episode_under_way,
    ),
    "POST /api/v1/episodes/{episode_id}/extensions/{extension_id}/discuss": Reads(
        "senior",
        lambda i: f"/api/v1{_rev(i)}/extensions/{i['reviews:extension']}/discuss",
        "referral:reviews_episode",
        method="post",
        body=lambda i: {"note": "Agreed to put it forward"},
        setup=_extension_waiting,
    ),
    "POST /api/v1/episodes/{episode_id}/extensions/{extension_id}/decide": Reads(
        "provision_manager",
        lambda i: f"/api/v1{_rev(i)}/extensions/{i['reviews:extension']}/decide",
        "referral:reviews_episode",
        method="post",
        body=lambda i: {"approve": True},
        setup=_extension_waiting,
    ),
    # Closure, in an order where each finds the state it needs (closures/tests/helpers.py).
    "POST /api/v1/episodes/{episode_id}/closure": _closure_api(
        "worker",
        lambda c: f"{c['open']}/closure",
        lambda i: {
            "reason": "declined",
            "outcomes": [{"goal_id": g, "result": "not"} for g in i["closures"]["open_goals"]],
            "completed_with_person": True,
            "evaluation_offer": "paper",
        },
    ),
    "POST /api/v1/episodes/{episode_id}/closure/not-agree": _closure_api(
        "senior", lambda c: f"{c['open']}/closure/not-agree", lambda i: {"note": "Not yet"}
    ),
    "POST /api/v1/episodes/{episode_id}/closure/agree": _closure_api(
        "senior", lambda c: f"{c['proposed']}/closure/agree", lambda i: {}
    ),
    "POST /api/v1/episodes/{episode_id}/disputes": _closure_api(
        "worker",
        lambda c: f"{c['proposed']}/disputes",
        lambda i: {"raised_by_name": "Their carer", "grounds": "Closed too soon"},
    ),
    "POST /api/v1/episodes/{episode_id}/disputes/{dispute_id}/answer": _closure_api(
        "senior",
        lambda c: f"{c['closed']}/disputes/{c['dispute']}/answer",
        lambda i: {"answer": "The goals were met", "upheld": True},
    ),
    "POST /api/v1/episodes/{episode_id}/disputes/{dispute_id}/escalate": _closure_api(
        "worker",
        lambda c: f"{c['answered']}/disputes/{c['answered_dispute']}/escalate",
        lambda i: {"grounds": "Not satisfied"},
    ),
    "GET /api/v1/episodes/{episode_id}/plan": _plan_api("worker"),
    "PUT /api/v1/episodes/{episode_id}/plan": _plan_api("worker", method="put", body=_plan_body),
    "GET /api/v1/episodes/{episode_id}/plan/versions/{version}": _plan_api(
        "quality_manager", "/versions/1"
    ),
    "POST /api/v1/episodes/{episode_id}/plan/sign-worker": _plan_api(
        "worker", "/sign-worker", method="post", body=lambda i: {}
    ),
    "POST /api/v1/episodes/{episode_id}/plan/sign-paper": _plan_api(
        "senior", "/sign-paper", method="post", body=lambda i: {"signed_on": "2026-03-03"}
    ),
    "GET /api/v1/allocation/caseloads": NoPersonalData("workers' caseload figures"),
    "GET /api/v1/allocation/forecast": NoPersonalData("a projection of numbers"),
    "GET /api/v1/episodes/{episode_id}/visits": Reads(
        "worker", _ep(E + "/{episode}/visits"), "referral:exemplar", setup=_episode_bits
    ),
    "POST /api/v1/episodes/{episode_id}/visits": Reads(
        "worker",
        _ep(E + "/{episode}/visits"),
        "referral:exemplar",
        method="post",
        body=lambda i: {"kind": "phone", "planned_for": "2026-03-04T10:00:00+00:00"},
        setup=_episode_bits,
    ),
    "POST /api/v1/episodes/{episode_id}/visits/{visit_id}/record": Reads(
        "worker",
        _ep(E + "/{episode}/visits/{visit}/record"),
        "referral:exemplar",
        method="post",
        body=lambda i: {"outcome": "attended", "happened_on": "2026-03-03", "hours": 1},
        setup=_episode_bits,
    ),
    "GET /api/v1/episodes/{episode_id}/notes": Reads(
        "worker", _ep(E + "/{episode}/notes"), "referral:exemplar", setup=_episode_bits
    ),
    "POST /api/v1/episodes/{episode_id}/notes": Reads(
        "worker",
        _ep(E + "/{episode}/notes"),
        "referral:exemplar",
        method="post",
        body=lambda i: {"kind": "contact", "text": "Met at the library"},
        setup=_episode_bits,
    ),
    "POST /api/v1/episodes/{episode_id}/notes/{note_id}/correct": Reads(
        "worker",
        _ep(E + "/{episode}/notes/{note}/correct"),
        "referral:exemplar",
        method="post",
        body=lambda i: {"text": "Phoned twice"},
        setup=_episode_bits,
    ),
    "POST /api/v1/episodes/{episode_id}/notes/{note_id}/check": Reads(
        "senior",
        _ep(E + "/{episode}/notes/{note}/check"),
        "referral:exemplar",
        method="post",
        body=lambda i: {"meets_standard": True, "comment": "Clear"},
        setup=_episode_bits,
    ),
    "POST /api/v1/episodes/{episode_id}/missed-visits/discuss": Reads(
        "senior",
        _ep(E + "/{episode}/missed-visits/discuss"),
        "referral:exemplar",
        method="post",
        body=lambda i: {"decision": "continue", "note": "Agreed to carry on"},
        setup=_episode_bits,
    ),
}


def _schema_operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {f"{m.upper()} {path}" for path, ops in schema["paths"].items() for m in ops}


def _page_names() -> set[str]:
    # The API's own URL names are its operations (checked against the schema below), its
    # index and its docs.
    return {n for n in _names(get_resolver().url_patterns) if not n.startswith("api-v1:")}


def test_every_url_is_classified():
    missing = _page_names() - PAGES.keys()
    assert not missing, f"Say whether these pages return personal data: {sorted(missing)}"
    gone = PAGES.keys() - _page_names()
    assert not gone, f"These pages no longer exist: {sorted(gone)}"


def test_every_api_operation_is_classified():
    operations = _schema_operations()
    missing = operations - API.keys()
    assert not missing, f"Say whether these operations return personal data: {sorted(missing)}"
    gone = API.keys() - operations
    assert not gone, f"These operations no longer exist: {sorted(gone)}"


@pytest.fixture
def ids(demo, user_for):
    from enablement.casework.models import Episode
    from enablement.catalogue.models import Service, Team
    from enablement.referrals import drafts

    def referral(family):
        return Referral.objects.filter(person__family_name=family).order_by("pk").first().pk

    return {
        "referrer": user_for("referrer").pk,
        "team": Team.objects.get(name="Kent East").pk,
        "bep_west": Team.objects.get(service__code="BEP", name="Barnet West").pk,
        "person:east": Person.objects.get(family_name="Specimen").pk,
        "person:pat": Person.objects.get(family_name="Example").pk,
        "person:sample": Person.objects.get(family_name="Sample").pk,
        "person:west": Person.objects.get(family_name="Fictional").pk,
        "referral:selfref": Referral.objects.get(submitted_details__family_name="Sampel").pk,
        "referral:submitted": referral("Sample"),
        "referral:validated": referral("Specimen"),
        "referral:held": referral("Placeholder"),
        "referral:returned": referral("Example"),
        "referral:panel": referral("Invented"),
        "referral:waiting": referral("Facsimile"),
        "episode": Episode.objects.filter(referral__person__family_name="Exemplar")
        .earliest("pk")
        .pk,
        "person:exemplar": Person.objects.get(family_name="Exemplar").pk,
        "draft": drafts.start(
            author=user_for("referrer"),
            person=Person.objects.get(family_name="Specimen"),
            service=Service.objects.get(code="KERS"),
            now=demo,
        ).pk,
    }


def _made_export() -> str:
    from enablement.accounts.models import User
    from enablement.core import export_jobs

    job = export_jobs.start(
        user=User.objects.get(username="quality"),
        source="referrals",
        fmt="csv",
        path="/referrals/export/csv/",
        query="",
        filename="referrals.csv",
        expected=1,
    )
    export_jobs.run(str(job.pk))
    return f"/exports/{job.pk}/download/"


def _reads(table) -> list[tuple[str, Reads]]:
    out = []
    for key, entry in table.items():
        for one in entry if isinstance(entry, tuple) else (entry,):
            if isinstance(one, Reads):
                out.append((key, one))
    return out


def _check(key, read: Reads, ids, client_for, user_for) -> str | None:
    if read.setup:
        read.setup(ids, client_for)
    before = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    client = client_for(read.role)
    path = read.path(ids)
    body = read.body(ids) if read.body else None
    if path.startswith("/api/") and read.method != "get":
        response = getattr(client, read.method)(
            path, json.dumps(body or {}), content_type="application/json"
        )
    elif read.method == "post":
        response = client.post(path, body or {})
    else:
        response = client.get(path)
    if response.status_code not in read.statuses:
        return f"{key} {path}: {response.status_code} {response.content[:300]!r}"
    rows = AccessLogEntry.objects.filter(pk__gt=before, user=user_for(read.role))
    if not rows.exists():
        return f"{key} {path}: no access-log row for {read.role}"
    if read.export:
        [export] = rows.filter(action=AccessLogEntry.Action.EXPORT)
        assert export.person_id is None and export.row_count and export.exported_people
        assert export.query == path.partition("?")[2], (key, export.query)
        assert not rows.exclude(action=AccessLogEntry.Action.EXPORT).filter(
            person_id__in=export.exported_ids()
        ), f"{key}: an export is one row, not one per person"
    if read.names:
        column = "person_id" if read.names.startswith("person:") else "referral_id"
        if not rows.filter(**{column: ids[read.names]}).exists():
            return f"{key} {path}: no row names {read.names}"
    return None


@pytest.fixture
def tuesday(demo):
    # The day after the demo was loaded: its referrals' risk information is current.
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 3, 3, 10, 0)), tick=False):
        yield


def test_every_page_that_shows_personal_data_logs_the_read(tuesday, ids, client_for, user_for):
    problems = [_check(k, r, ids, client_for, user_for) for k, r in _reads(PAGES)]
    assert not [p for p in problems if p], "\n".join(p for p in problems if p)


def test_every_api_operation_that_returns_personal_data_logs_the_read(
    tuesday, ids, client_for, user_for
):
    problems = [_check(k, r, ids, client_for, user_for) for k, r in _reads(API)]
    assert not [p for p in problems if p], "\n".join(p for p in problems if p)
