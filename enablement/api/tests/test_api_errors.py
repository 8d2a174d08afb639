"""Every API error answers in the API's error shape: unknown addresses, methods an address does
not take, unexpected exceptions and a database outage, and a write from nobody is a 401, not a
CSRF refusal. A client never sees a traceback, even with DEBUG on."""

import logging
import re

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from enablement.people.models import Person

NEW = {
    "given_name": "Api",
    "family_name": "Outsider",
    "date_of_birth": "1985-03-27",
    "primary_diagnosis": "mental_health",
    "nhs_number": "943 476 5919",
    "postcode": "CT1 2EH",
}
SECRET = "internal detail that must stay on the server"


def _error_shape(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert set(body) == {"detail", "errors"}, body
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list)
    return body


def _write_operations() -> list[tuple[str, str]]:
    """Every operation in the schema that changes something, with its path parameters filled
    in: operations added later are covered without touching this test."""
    from enablement.api.api import api

    found = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method in operations:
            if method.upper() not in ("GET", "HEAD", "OPTIONS"):
                found.append((method.upper(), re.sub(r"\{[^}]+\}", "1", path)))
    return found


def test_the_schema_has_write_operations_to_test():
    assert len(_write_operations()) >= 10


@pytest.mark.parametrize(("method", "path"), _write_operations())
def test_a_write_from_nobody_is_a_401_in_the_error_shape(demo, method, path):
    # A browser with no session, and so no CSRF cookie: before the fix ninja's CSRF check
    # answered first, with a 403 "CSRF check Failed" that does not tell a client to sign in.
    client = Client(enforce_csrf_checks=True)
    response = client.generic(method, path, data="{}", content_type="application/json")
    assert response.status_code == 401, (method, path, response.content)
    assert _error_shape(response)["detail"] == "Sign in, or send a valid API token"


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_methods_no_operation_takes_are_a_405_in_the_error_shape(demo, method):
    person = Person.objects.get(family_name="Specimen")
    client = Client(enforce_csrf_checks=True)
    response = client.generic(method, f"/api/v1/people/{person.pk}")
    assert response.status_code == 405
    _error_shape(response)
    assert set(response["Allow"].split(", ")) == {"GET", "PATCH"}
    assert Person.objects.filter(pk=person.pk).exists()


def test_a_write_from_nobody_saves_nothing(demo):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/people", NEW, content_type="application/json")
    assert response.status_code == 401
    assert not Person.objects.filter(family_name="Outsider").exists()


def test_a_signed_in_browser_still_needs_the_csrf_token_to_write(user_for):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_for("admin"))
    response = client.post("/api/v1/people", NEW, content_type="application/json")
    assert response.status_code == 403
    _error_shape(response)
    assert not Person.objects.filter(family_name="Outsider").exists()


def test_an_unknown_api_address_is_a_404_in_the_error_shape(client_for, settings):
    settings.DEBUG = True  # Django's debug 404 page would otherwise list every URL pattern
    response = client_for("admin").get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert _error_shape(response)["detail"] == "Not found"


def _break_people_search(monkeypatch, exc):
    def broken(*args, **kwargs):
        raise exc

    monkeypatch.setattr("enablement.people.selectors.search_people", broken)


@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_error_is_a_plain_500_and_the_traceback_is_logged(
    client_for, settings, monkeypatch, caplog, debug
):
    settings.DEBUG = debug
    _break_people_search(monkeypatch, RuntimeError(SECRET))
    with caplog.at_level(logging.ERROR):
        response = client_for("admin").get("/api/v1/people")
    assert response.status_code == 500
    body = _error_shape(response)
    assert SECRET not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert body["detail"] == "Something went wrong on our side; nothing was saved"
    logged = [r for r in caplog.records if r.exc_info]
    assert logged and SECRET in str(logged[0].exc_info[1])


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_database_outage_is_a_503_in_the_error_shape(client_for, monkeypatch, error):
    _break_people_search(monkeypatch, error(f"could not connect to server: {SECRET}"))
    response = client_for("admin").get("/api/v1/people")
    assert response.status_code == 503
    body = _error_shape(response)
    assert SECRET not in response.content.decode()
    assert "Try again" in body["detail"]


def test_an_outage_during_a_write_is_a_503_and_nothing_is_half_saved(client_for, monkeypatch):
    # The person row is written, then the connection drops before its event is.
    def broken(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("enablement.people.services.record_event", broken)
    response = client_for("admin").post("/api/v1/people", NEW, content_type="application/json")
    assert response.status_code == 503
    _error_shape(response)
    assert not Person.objects.filter(family_name="Outsider").exists()


def test_an_error_outside_any_operation_is_still_json_without_a_traceback(
    client, settings, monkeypatch
):
    # The schema view is django-ninja's own, not an operation, so the operation handlers
    # never see its errors; with DEBUG on, Django would answer with its debug page.
    from enablement.api.api import api

    settings.DEBUG = True

    def broken(*args, **kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr(api, "get_openapi_schema", broken)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 500
    _error_shape(response)
    assert SECRET not in response.content.decode()
