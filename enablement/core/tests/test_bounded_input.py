"""Bounded input everywhere (issue 9, item 7).

Every text has a maximum length in the model, the form, the API schema and the action
function, and says so in plain words; an over-long summary or subject is fitted to its
column; ids and numbers in paths and query strings that are not plain digits in range are a
404, a 422 or an empty result. Never a 500. Run on PostgreSQL too, where a too-long value for
a `varchar` column is an error rather than SQLite's silent acceptance.
"""

import importlib
import io
import itertools
import pathlib
import pkgutil
import tokenize

import pytest
from django import forms
from django.apps import apps
from django.db import models

import enablement
from enablement.core.limits import LONG_TEXT, fit, too_long_message
from enablement.governance.models import Event

HUGE = "9" * 20  # overflows a bigint
UNICODE_DIGITS = ("²", "٣", "１")  # superscript two, Arabic-Indic three, fullwidth one


# --- Every model, form and API schema declares its limits ---------------------------------


def test_every_text_column_of_every_model_has_a_maximum_length():
    unbounded = []
    for model in apps.get_models():
        if not model.__module__.startswith("enablement."):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, (models.CharField, models.TextField)) and not field.max_length:
                unbounded.append(f"{model.__name__}.{field.name}")
    assert unbounded == []


def _all_form_classes():
    for module in pkgutil.walk_packages(enablement.__path__, "enablement."):
        if (
            ".tests" in module.name
            or ".migrations" in module.name
            or module.name.endswith("demo.management")
        ):
            continue
        importlib.import_module(module.name)
    found, todo = set(), [forms.Form]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("enablement.") and ".tests" not in sub.__module__:
                found.add(sub)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__name__}")


# Django's own sign-in form: it takes the username's limit from the model when it is made,
# hashes a password of any length, and is the sign-in hardening's (item 5) to change.
NOT_OURS = {
    ("SignInForm", "username"),
    ("SignInForm", "password"),
    # Django's own password forms: the password validators judge what is typed there.
    ("PasswordChangeForm", "old_password"),
    ("PasswordChangeForm", "new_password1"),
    ("PasswordChangeForm", "new_password2"),
    ("SetPasswordForm", "new_password1"),
    ("SetPasswordForm", "new_password2"),
}


def test_every_text_field_of_every_form_has_a_limit_and_a_plain_message():
    problems = []
    form_classes = _all_form_classes()
    assert len(form_classes) >= 15  # the walk found the forms, not nothing
    for form_class in form_classes:
        for name, field in form_class.base_fields.items():
            if not isinstance(field, forms.CharField) or (form_class.__name__, name) in NOT_OURS:
                continue
            if not field.max_length:
                problems.append(f"{form_class.__name__}.{name}: no max_length")
            elif not field.error_messages.get("max_length") or field.error_messages[
                "max_length"
            ].startswith("Ensure this value"):
                problems.append(f"{form_class.__name__}.{name}: Django's message")
    assert problems == []


def _openapi():
    from enablement.api.api import api

    return api.get_openapi_schema(path_prefix="/api/v1/")


def _unbounded(node, where, components, out, seen=()):
    """Strings without maxLength and integers without maximum, anywhere in `node`."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            _unbounded(components[name], f"{where}<{name}>", components, out, (*seen, name))
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in node.get(key, []):
            _unbounded(sub, where, components, out, seen)
    kind = node.get("type")
    closed = "enum" in node or "const" in node or node.get("format") in ("date", "date-time")
    if kind == "string" and not closed and "maxLength" not in node:
        out.append(f"{where}: string without maxLength")
    if kind == "integer" and "maximum" not in node:
        out.append(f"{where}: integer without maximum")
    for name, prop in node.get("properties", {}).items():
        _unbounded(prop, f"{where}.{name}", components, out, seen)
    if isinstance(node.get("items"), dict):
        _unbounded(node["items"], f"{where}[]", components, out, seen)
    if isinstance(node.get("additionalProperties"), dict):
        _unbounded(node["additionalProperties"], f"{where}{{}}", components, out, seen)


def test_every_string_and_number_the_api_takes_is_bounded_in_its_schema():
    schema = _openapi()
    components = schema["components"]["schemas"]
    out, operations = [], 0
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations += 1
            for param in operation.get("parameters", []):
                where = f"{method.upper()} {path} {param['in']} {param['name']}"
                _unbounded(param["schema"], where, components, out)
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                _unbounded(media["schema"], f"{method.upper()} {path} body", components, out)
    assert operations >= 20
    assert out == []


def test_the_walk_finds_an_unbounded_string():
    """The schema test can fail: a string without maxLength is reported."""
    out = []
    _unbounded({"properties": {"note": {"type": "string"}}}, "body", {}, out)
    assert out == ["body.note: string without maxLength"]


# --- The message -----------------------------------------------------------------------


def test_the_message_names_the_field_in_plain_words():
    assert too_long_message("Reason (optional)", 2000) == "Reason must be 2,000 characters or fewer"
    assert too_long_message("note for the referrer", 5000) == (
        "Note for the referrer must be 5,000 characters or fewer"
    )


def test_fit_keeps_short_text_and_cuts_long_text_with_an_ellipsis():
    assert fit("short", 10) == "short"
    assert fit("x" * 11, 10) == "x" * 9 + "…"
    assert len(fit("x" * 11, 10)) == 10


# --- Over-long text through every page that takes text ------------------------------------


def _pk(model, **lookup):
    return apps.get_model(model).objects.get(**lookup).pk


def _validated_panel_referral(user_for, demo):
    from enablement.referrals import services
    from enablement.referrals.models import Referral

    afd = Referral.objects.get(person__family_name="Invented")
    services.validate_referral(referral=afd, actor=user_for("admin.autism"), now=demo)
    return afd.pk


def _referral(family):
    return lambda user_for, demo: _pk("referrals.Referral", person__family_name=family)


def _person(family):
    return lambda user_for, demo: _pk("people.Person", family_name=family)


def _draft(user_for, demo):
    from enablement.catalogue.models import Service
    from enablement.referrals import drafts

    return drafts.start(
        author=user_for("referrer"),
        person=apps.get_model("people.Person").objects.get(family_name="Sample"),
        service=Service.objects.get(code="KERS"),
        now=demo,
    ).pk


# (who, url with {pk}, how to find pk, field, its limit, other fields)
PAGES = [
    ("admin", "/referrals/{pk}/return/", _referral("Sample"), "note", LONG_TEXT, {"missing": []}),
    ("senior", "/referrals/{pk}/screen/", _referral("Specimen"), "reason", LONG_TEXT, {}),
    ("senior", "/referrals/{pk}/screen/", _referral("Specimen"), "risk_notes", LONG_TEXT, {}),
    ("senior", "/referrals/{pk}/hold/", _referral("Specimen"), "concern", LONG_TEXT, {}),
    ("referrer", "/referrals/{pk}/answer/", _referral("Placeholder"), "answer", LONG_TEXT, {}),
    ("senior.autism", "/referrals/{pk}/route/", _validated_panel_referral, "reason", LONG_TEXT, {}),
    (
        "senior.autism",
        "/referrals/{pk}/route/",
        _validated_panel_referral,
        "outside_service",
        200,
        {},
    ),
    (
        "referrer",
        "/referrals/{pk}/resubmit/",
        _referral("Example"),
        "work_requested",
        LONG_TEXT,
        {},
    ),
    ("referrer", "/referrals/{pk}/withdraw/", _referral("Example"), "reason", LONG_TEXT, {}),
    ("referrer", "/referrals/drafts/{pk}/work/", _draft, "intended_outcomes", LONG_TEXT, {}),
    (
        "referrer",
        "/referrals/drafts/{pk}/risk/",
        _draft,
        "risk_to_self_description",
        LONG_TEXT,
        {},
    ),
    ("senior", "/allocation/referrals/{pk}/", _referral("Standin"), "reason", 2000, {}),
    ("admin", "/people/new/", None, "communication_needs", LONG_TEXT, {}),
    ("admin", "/people/{pk}/edit/", _person("Sample"), "communication_needs", LONG_TEXT, {}),
    ("admin", "/people/{pk}/edit/", _person("Sample"), "address_line_1", 200, {}),
    ("admin", "/people/{pk}/carers/new/", _person("Sample"), "name", 200, {}),
    ("admin", "/people/?q={text}", None, "q", 100, None),
    ("sysadmin", "/services/new/", None, "description", LONG_TEXT, {}),
    ("sysadmin", "/services/new/", None, "not_appropriate_factors", LONG_TEXT, {}),
    ("provision_manager", "/services/KERS/change/", None, "change_note", 500, {}),
    ("sysadmin", "/teams/new/", None, "area", 300, {}),
    ("sysadmin", "/staff/new/", None, "job_title", 150, {}),
    ("sysadmin", "/staff/new/", None, "password", 1000, {}),
    ("admin", "/account/tokens/", None, "name", 100, {}),
    (None, "/self-referral/", None, "work_requested", LONG_TEXT, {}),
]


@pytest.mark.parametrize(
    ("who", "url", "find", "field", "limit", "other"),
    PAGES,
    ids=[f"{p[1].split('{')[0]}{p[3]}" for p in PAGES],
)
def test_over_long_text_on_a_page_is_a_message_beside_the_field(
    who, url, find, field, limit, other, demo, user_for, client_for
):
    from django.test import Client

    pk = find(user_for, demo) if find else None
    client = client_for(who) if who else Client()
    events = Event.objects.count()
    text = "a" * (limit + 1)
    if other is None:  # a search: the text is in the query string
        response = client.get(url.format(pk=pk, text=text))
    else:
        response = client.post(url.format(pk=pk), {field: text, **other})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"must be {limit:,} characters or fewer" in page
    assert "govuk-error-message" in page
    assert Event.objects.count() == events  # nothing was done


# --- Over-long text through every API write operation -------------------------------------

# (method, path, body with the over-long field, the field's name in the error)
API_WRITES = [
    ("post", "/api/v1/people", {"communication_needs": "a" * 5001}, "communication_needs"),
    ("patch", "/api/v1/people/{person}", {"given_name": "a" * 101}, "given_name"),
    ("post", "/api/v1/people/{person}/carers", {"name": "a" * 201}, "name"),
    ("post", "/api/v1/referrals", {"work_requested": "a" * 5001}, "work_requested"),
    ("post", "/api/v1/referrals/{referral}/resubmit", {"intended_outcomes": "a" * 5001}, None),
    ("post", "/api/v1/referrals/{referral}/return", {"note": "a" * 5001}, "note"),
    ("post", "/api/v1/referrals/{referral}/route", {"reason": "a" * 5001}, "reason"),
    ("post", "/api/v1/referrals/{referral}/assess", {"reason": "a" * 5001}, "reason"),
    ("post", "/api/v1/referrals/{referral}/screen", {"reason": "a" * 5001}, "reason"),
    ("post", "/api/v1/referrals/{referral}/hold", {"concern": "a" * 5001}, "concern"),
    ("post", "/api/v1/referrals/{referral}/answer", {"answer": "a" * 5001}, "answer"),
    ("post", "/api/v1/allocation/referrals/{referral}/allocate", {"reason": "a" * 2001}, "reason"),
    ("post", "/api/v1/services", {"description": "a" * 5001}, "description"),
    ("post", "/api/v1/services/KERS/versions", {"change_note": "a" * 501}, "change_note"),
]


@pytest.mark.parametrize(("method", "path", "body", "field"), API_WRITES)
def test_over_long_text_in_the_api_is_a_422_naming_the_field(
    method, path, body, field, demo, client_for
):
    client = client_for("admin")
    ids = {
        "person": _pk("people.Person", family_name="Sample"),
        "referral": _pk("referrals.Referral", person__family_name="Specimen"),
    }
    events = Event.objects.count()
    response = getattr(client, method)(path.format(**ids), body, content_type="application/json")
    assert response.status_code == 422
    assert Event.objects.count() == events
    long_field = next(iter(body))
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    (message,) = [m for f, m in messages.items() if f.endswith(field or long_field)]
    assert message.endswith(" characters or fewer"), message


# --- Over-long text through every action function ------------------------------------------


def _long(n=LONG_TEXT):
    return "a" * (n + 1)


def _actions(user_for, demo):
    """Each action with one over-long text, and the field its message belongs to."""
    from enablement.accounts.services import api_token_create
    from enablement.allocation.services import allocate
    from enablement.catalogue.models import Service, StaffMember, Team
    from enablement.catalogue.services import (
        service_create,
        service_settings_change,
        staff_create,
        team_create,
    )
    from enablement.people.models import Person
    from enablement.people.services import carer_add, person_create, person_update
    from enablement.referrals import services
    from enablement.referrals.models import Referral
    from enablement.referrals.rules import RiskArea

    admin, senior, referrer = user_for("admin"), user_for("senior"), user_for("referrer")
    sample = Person.objects.get(family_name="Sample")
    validated = Referral.objects.get(person__family_name="Specimen")
    submitted = Referral.objects.get(person__family_name="Sample")
    held = Referral.objects.get(person__family_name="Placeholder")
    returned = Referral.objects.get(person__family_name="Example")
    accepted = Referral.objects.get(person__family_name="Standin")
    kers = Service.objects.get(code="KERS")
    worker = StaffMember.objects.filter(team=accepted.team, user__username="worker.east").get()
    common = {"actor": senior, "now": demo}
    kers_settings = kers.current_settings.rule_values()
    yield (
        "note",
        lambda: services.return_referral(
            referral=submitted, missing=["consent"], note=_long(), actor=admin, now=demo
        ),
    )
    yield (
        "reason",
        lambda: services.screen_referral(
            referral=validated,
            decision="decline",
            desktop_check_complete=True,
            complex_features=[],
            risk_notes="",
            not_appropriate=[],
            reason=_long(),
            **common,
        ),
    )
    yield (
        "risk_notes",
        lambda: services.screen_referral(
            referral=validated,
            decision="decline",
            desktop_check_complete=True,
            complex_features=[],
            risk_notes=_long(),
            not_appropriate=[],
            reason="Declined",
            **common,
        ),
    )
    yield "concern", lambda: services.hold_referral(referral=validated, concern=_long(), **common)
    yield (
        "answer",
        lambda: services.answer_hold(referral=held, answer=_long(), actor=referrer, now=demo),
    )
    yield (
        "reason",
        lambda: services.route_referral(
            referral=validated,
            destination=None,
            team=None,
            outside_service="Elsewhere",
            reason=_long(),
            **common,
        ),
    )
    yield (
        "reason",
        lambda: services.assess_referral(
            referral=validated,
            hub=None,
            level=(validated.service_settings.levels or ["signposting"])[0],
            reason=_long(),
            information_given="",
            **common,
        ),
    )
    yield (
        "work_requested",
        lambda: services.resubmit_referral(
            referral=returned,
            values={"work_requested": _long()},
            risks={},
            actor=referrer,
            now=demo,
        ),
    )
    yield (
        "risk_to_self_description",
        lambda: services.resubmit_referral(
            referral=returned,
            values={},
            risks={RiskArea.TO_SELF: services.RiskEntry(_long(), None)},
            actor=referrer,
            now=demo,
        ),
    )
    yield (
        "reason",
        lambda: allocate(
            referral=accepted, worker=worker, reason=_long(2000), override=True, **common
        ),
    )
    yield (
        "communication_needs",
        lambda: person_update(
            person=sample, values={"communication_needs": _long()}, actor=admin, now=demo
        ),
    )
    yield (
        "given_name",
        lambda: person_create(
            values={
                "given_name": _long(100),
                "family_name": "Long",
                "date_of_birth": sample.date_of_birth,
                "primary_diagnosis": sample.primary_diagnosis,
            },
            actor=admin,
            now=demo,
        ),
    )
    yield (
        "relationship",
        lambda: carer_add(
            person=sample, values={"name": "Al", "relationship": _long(100)}, actor=admin, now=demo
        ),
    )
    yield (
        "description",
        lambda: service_create(
            code="LONG",
            name="Long",
            organisation="Council",
            description=_long(),
            values=kers_settings,
            **common,
        ),
    )
    yield (
        "change_note",
        lambda: service_settings_change(
            service=kers, values={"length_weeks": 7}, note=_long(500), **common
        ),
    )
    yield (
        "area",
        lambda: team_create(
            service=kers, name="Long", kind="locality", area=_long(300), districts=[], **common
        ),
    )
    yield (
        "job_title",
        lambda: staff_create(
            username="long",
            first_name="L",
            last_name="Ong",
            email="l@example.org",
            role="worker",
            team=Team.objects.get(name="Kent East"),
            job_title=_long(150),
            fte=1,
            password="a long enough password 123",
            reason="Joins Kent East as a worker",
            **common,
        ),
    )
    yield "name", lambda: api_token_create(user=admin, name=_long(100), actor=admin, now=demo)


def test_every_action_refuses_over_long_text_with_a_field_message(demo, user_for):
    from django.core.exceptions import ValidationError

    ran = 0
    for field, action in _actions(user_for, demo):
        events = Event.objects.count()
        with pytest.raises(ValidationError) as caught:
            action()
        assert field in caught.value.message_dict, (field, caught.value.message_dict)
        assert "characters or fewer" in " ".join(caught.value.message_dict[field])
        assert Event.objects.count() == events
        ran += 1
    assert ran == 18


# --- Summaries and subjects fit their columns ----------------------------------------------


def test_a_long_route_reason_is_recorded_whole_and_the_summary_fits(demo, user_for):
    """The 600-character route reason that was a 500 on PostgreSQL."""
    from enablement.notifications.models import Notification
    from enablement.referrals import services
    from enablement.referrals.models import Referral

    pk = _validated_panel_referral(user_for, demo)
    reason = "The panel's reasons, at length. " * 150  # 4,800 characters
    services.route_referral(
        referral=Referral.objects.get(pk=pk),
        destination=None,
        team=None,
        outside_service="Community learning disability team",
        reason=reason.strip(),
        actor=user_for("senior.autism"),
        now=demo,
    )
    event = Event.objects.get(kind="referral.routed", referral_id=pk)
    assert len(event.summary) <= 500  # the timeline no longer quotes the reason (item 11)
    assert Referral.objects.get(pk=pk).triage.reason == reason.strip()
    told = Notification.objects.filter(referral_id=pk, subject__contains="redirected").first()
    assert told is not None and reason.strip() in told.body


def _tweaked(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if value is None:
        return 1
    if isinstance(value, list):
        return value[:-1] if value else value
    return value


def test_a_large_settings_change_fits_the_event_summary(demo, user_for):
    """A change of nearly every setting names each in the summary: more than 500 characters,
    a 500 on PostgreSQL before the summary was fitted."""
    from enablement.catalogue import rules
    from enablement.catalogue.models import Service
    from enablement.catalogue.services import service_settings_change
    from enablement.catalogue.vocab import ExtensionRule, NeedsBasis, ReferralSource, ServiceLevel

    kers = Service.objects.get(code="KERS")
    values = kers.current_settings.rule_values()
    candidates = [{name: _tweaked(value)} for name, value in values.items()] + [
        {"referral_sources": list(ReferralSource.values), "self_referral_allowed": True},
        {"diagnosis_categories": ["mental_health", "autism"]},
        {"excluded_categories": ["dementia"]},
        {"not_appropriate_factors": ["Another service is better placed"]},
        {"needs_basis": NeedsBasis.ANY},
        {"extension_rule": ExtensionRule.NONE, "extension_max_weeks": 0},
        {"total_support_weeks": 52, "chargeable_after_weeks": 20},
        {"levels": [ServiceLevel.BRIEF]},
    ]
    # Change each setting that can change and leave the settings valid.
    for change in candidates:
        tried = values | change
        if not rules.settings_problems(tried):
            values = tried
    service_settings_change(
        service=kers,
        values=values,
        note="A review of everything",
        actor=user_for("provision_manager"),
        now=demo,
    )
    event = Event.objects.filter(kind="service.settings_changed").latest("id")
    assert len(event.data["summary"]) > 500  # the whole list of what changed, kept
    assert len(event.summary) == 500 and event.summary.endswith("…")


def test_a_long_event_summary_is_cut_and_kept_whole_in_its_data(demo, user_for):
    from enablement.governance.services import record_event

    summary = "Changed: " + "a setting with a long name, " * 40
    event = record_event(kind="test.long", summary=summary, actor=user_for("admin"), now=demo)
    event.refresh_from_db()
    assert len(event.summary) == 500 and event.summary.endswith("…")
    assert event.data["summary"] == summary


def test_a_long_subject_is_cut_and_opens_the_body_whole(demo, user_for):
    from enablement.notifications.services import notify

    subject = "About " + "a very long subject " * 20
    (note,) = notify(users=[user_for("admin")], subject=subject, body="Body", now=demo)
    note.refresh_from_db()
    assert len(note.subject) == 200 and note.subject.endswith("…")
    assert note.body.startswith(subject) and note.body.endswith("Body")
    # The email carries no part of the text, only that there is a message (item 10).
    assert "very long subject" not in note.outbox.subject


# --- Ids and numbers in paths and query strings -------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"/people/{HUGE}/",
        f"/people/{HUGE}/edit/",
        f"/referrals/{HUGE}/",
        f"/referrals/{HUGE}/screen/",
        f"/allocation/referrals/{HUGE}/",
        f"/allocation/teams/{HUGE}/allocate-all/",
        f"/services/KERS/versions/{HUGE}/",
        f"/teams/{HUGE}/",
        f"/account/tokens/{HUGE}/revoke/",
        "/people/²/",
        "/referrals/٣/",
        f"/referrals/new/?person={HUGE}",
        "/referrals/new/?person=²",
        "/referrals/new/?person=٣",
        f"/referrals/drafts/{HUGE}/",
        "/referrals/drafts/٣/check/",
    ],
)
def test_a_huge_or_unicode_id_is_not_found(url, client_for):
    assert (
        client_for("referrer" if "new" in url or "drafts" in url else "senior").get(url).status_code
        == 404
    )


@pytest.mark.parametrize(
    "url",
    [
        f"/people/?page={HUGE}",
        "/people/?page=²",
        f"/inbox/?page={HUGE}",
        "/inbox/?page=٣",
        f"/referrals/?page={HUGE}",
        "/referrals/?page=１",
        f"/allocation/?page={HUGE}",
        f"/allocation/caseloads/?page={HUGE}",
        f"/allocation/?team={HUGE}",
        "/allocation/?team=²",
        f"/referrals/?team={HUGE}",
    ],
)
def test_a_huge_or_unicode_number_in_a_query_string_is_ignored(url, client_for):
    assert client_for("senior").get(url).status_code == 200


def test_unicode_digits_in_the_allocate_all_pairs_allocate_nothing(demo, client_for):
    team = _pk("catalogue.Team", name="Kent East")
    response = client_for("senior").post(
        f"/allocation/teams/{team}/allocate-all/", {"pair": ["²:1", f"{HUGE}:{HUGE}", "٣:٣"]}
    )
    assert response.status_code == 409  # the reviewed list no longer matches the plan
    assert Event.objects.filter(kind="episode.allocated", occurred_at__gt=demo).count() == 0


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/people/{HUGE}",
        f"/api/v1/referrals/{HUGE}",
        f"/api/v1/allocation/referrals/{HUGE}/candidates",
        f"/api/v1/allocation/teams/{HUGE}/plan",
        f"/api/v1/referrals?team={HUGE}",
        "/api/v1/referrals?team=²",
        f"/api/v1/allocation/waiting?team={HUGE}",
        f"/api/v1/people?page={HUGE}",
        "/api/v1/people/٣",
        f"/api/v1/services/{'K' * 31}",
    ],
)
def test_the_api_answers_a_huge_or_unicode_id_with_422_or_404_json(url, client_for):
    response = client_for("senior").get(url)
    assert response.status_code in (404, 422)
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/referrals/{referral}/route", {"reason": "R", "team_id": int(HUGE)}),
        ("/api/v1/referrals/{referral}/assess", {"level": "x", "reason": "R", "hub_id": 0}),
        ("/api/v1/allocation/referrals/{referral}/allocate", {"worker_id": int(HUGE)}),
    ],
)
def test_the_api_answers_a_huge_id_in_a_body_with_422(path, body, client_for):
    referral = _pk("referrals.Referral", person__family_name="Specimen")
    response = client_for("senior").post(
        path.format(referral=referral), body, content_type="application/json"
    )
    assert response.status_code == 422


def _calls_isdigit(source: str) -> bool:
    """Code (not a comment or a docstring) that calls `.isdigit`."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return any(
        before.string == "." and token.type == tokenize.NAME and token.string == "isdigit"
        for before, token in itertools.pairwise(tokens)
    )


def test_the_isdigit_check_finds_a_call_and_not_a_comment():
    assert _calls_isdigit("ok = value.isdigit()\n")
    assert not _calls_isdigit("# value.isdigit() accepts '²'\nok = 1\n")


def test_no_view_parses_a_query_string_number_by_hand():
    """`str.isdigit()` then `int()` is how "²" became a 500: numbers from a request go
    through `core.params.query_int`. The access log is being rewritten elsewhere (item 3); the
    people search compares digits as text, never as a number."""
    offenders = []
    for module in pkgutil.walk_packages(enablement.__path__, "enablement."):
        if ".tests" in module.name or ".migrations" in module.name:
            continue
        # These read no query string: NHS-number search compares text, settings and one-time
        # codes check `isascii()` first.
        if module.name in (
            "enablement.governance.views",
            "enablement.people.selectors",
            "enablement.settings",
            "enablement.core.env",
            "enablement.accounts.services",
        ):
            continue
        path = importlib.import_module(module.name).__file__
        if path and _calls_isdigit(pathlib.Path(path).read_text(encoding="utf-8")):
            offenders.append(module.name)
    assert offenders == []
