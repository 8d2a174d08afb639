"""A property-based run of the whole API from its own OpenAPI schema.

Schemathesis generates requests for every operation the schema lists (so endpoints added
by later work are covered without touching this file) and checks that none answers 5xx and
every response matches the schema. It runs as the demo's service admin, through a token.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


EXAMPLES_PER_OPERATION = 40


def _token(username, demo, django_user_model) -> dict:
    from enablement.accounts.services import api_token_create

    user = django_user_model.objects.get(username=username)
    from django.utils import timezone

    # Made at the real moment: the API checks a token's expiry against the real clock.
    key = api_token_create(user=user, name="schemathesis", actor=user, now=timezone.now())[1]
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(autouse=True)
def keep_test_connection():
    """Calls go straight to the WSGI app, so, as Django's test client does, stop the end of
    each request from closing the test's database connection (PostgreSQL would lose the
    test transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _run_every_operation(headers: dict | None, examples: int) -> int:
    """Drive each operation of the schema with generated requests; return how many ran."""
    from enablement.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    ran = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
        ran += 1
    return ran


@pytest.mark.parametrize("username", ["admin.east", "pm.kers", "sysadmin", "referrer"])
def test_api_never_errors_and_matches_its_schema(username, demo, django_user_model):
    ran = _run_every_operation(_token(username, demo, django_user_model), EXAMPLES_PER_OPERATION)
    assert ran >= 10  # every operation was driven, not just the first


def test_api_without_credentials_answers_within_its_schema(demo):
    assert _run_every_operation(None, 5) >= 10
