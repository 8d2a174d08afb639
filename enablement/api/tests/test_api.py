"""The JSON API: same door as the pages, tokens for other systems, one error shape."""

import pytest

from enablement.accounts.models import ApiToken
from enablement.people.models import Person

NEW = {
    "given_name": "Api",
    "family_name": "Person",
    "date_of_birth": "1985-03-27",
    "primary_diagnosis": "mental_health",
    "nhs_number": "943 476 5919",
    "postcode": "CT1 2EH",
}


@pytest.fixture
def token_for(client_for):
    def make(role):
        client = client_for(role)
        response = client.post("/account/tokens/", {"name": "Test link"})
        return response.context["new_key"]

    return make


def test_token_made_on_the_tokens_page_reads_the_api_as_its_user(token_for, client):
    key = token_for("worker")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "worker.east"
    assert body["home_url"] == "/home/caseload/"
    assert body["team"] == "Kent East"
    token = ApiToken.objects.get(user__username="worker.east")
    assert token.key_hash != key and key not in token.key_hash
    assert token.last_used_at is not None


def test_token_sees_exactly_what_the_pages_show(token_for, client):
    key = token_for("worker")
    auth = {"Authorization": f"Bearer {key}"}
    west = Person.objects.get(family_name="Fictional")
    east = Person.objects.get(family_name="Specimen")
    assert client.get(f"/api/v1/people/{west.pk}", headers=auth).status_code == 404
    assert client.get(f"/api/v1/people/{east.pk}", headers=auth).status_code == 200
    names = {p["family_name"] for p in client.get("/api/v1/people", headers=auth).json()["items"]}
    assert "Specimen" in names and "Fictional" not in names


def test_revoked_or_wrong_token_is_refused(token_for, client, client_for):
    key = token_for("worker")
    token = ApiToken.objects.get(user__username="worker.east")
    response = client_for("worker").post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    for bad in (key, "enb_not-a-token", "nonsense"):
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401
        assert response.json()["detail"]


def test_a_user_cannot_revoke_someone_elses_token(token_for, client_for):
    token_for("worker")
    token = ApiToken.objects.get(user__username="worker.east")
    response = client_for("senior").post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_create_person_through_the_api(token_for, client):
    key = token_for("admin")
    response = client.post(
        "/api/v1/people",
        NEW,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["nhs_number"] == "9434765919"
    assert body["team"] == "Kent East"
    assert Person.objects.get(pk=body["id"]).events.get().kind == "person.recorded"


@pytest.mark.parametrize(
    "change,field",
    [
        ({"nhs_number": "943 476 5918"}, "nhs_number"),
        ({"postcode": "ME14"}, "postcode"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"given_name": "  "}, "given_name"),
    ],
)
def test_bad_input_is_a_400_with_field_errors_and_saves_nothing(client_for, change, field):
    before = Person.objects.count()
    response = client_for("admin").post(
        "/api/v1/people", {**NEW, **change}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert field in [e["field"] for e in body["errors"]]
    assert Person.objects.count() == before


def test_input_that_breaks_the_schema_is_a_422_with_field_errors(client_for):
    response = client_for("admin").post(
        "/api/v1/people",
        {**NEW, "date_of_birth": "not a date", "primary_diagnosis": "x"},
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    named = {f.removeprefix("payload.") for f in fields}
    assert {"date_of_birth", "primary_diagnosis"} <= named, fields


def test_session_api_call_needs_csrf_for_changes(user_for):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user_for("admin"))
    response = client.post("/api/v1/people", NEW, content_type="application/json")
    assert response.status_code in (401, 403)
    assert not Person.objects.filter(family_name="Person").exists()


def test_patch_changes_only_what_is_sent(client_for):
    bo = Person.objects.get(family_name="Specimen")
    response = client_for("worker").patch(
        f"/api/v1/people/{bo.pk}", {"phone": "07700 900123"}, content_type="application/json"
    )
    assert response.status_code == 200
    bo.refresh_from_db()
    assert bo.phone == "07700 900123"
    assert bo.events.first().data["fields"] == ["phone"]


def test_referrer_cannot_change_through_the_api(client_for):
    bo = Person.objects.get(family_name="Specimen")  # recorded by the referrer
    response = client_for("referrer").patch(
        f"/api/v1/people/{bo.pk}", {"phone": "1"}, content_type="application/json"
    )
    assert response.status_code == 404


def test_service_settings_through_the_api(client_for):
    client = client_for("provision_manager")
    kers = client.get("/api/v1/services/KERS").json()
    assert kers["settings"]["screening_working_days"] == 2
    assert kers["settings"]["sources"]["length_weeks"].startswith("seed 000")
    values = {
        k: v
        for k, v in kers["settings"].items()
        if k not in ("version", "created_at", "change_note", "sources")
    }
    bad = client.post(
        "/api/v1/services/KERS/versions",
        {"change_note": "late review", "settings": {**values, "review_weeks": [6, 13]}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "review_weeks"
    good = client.post(
        "/api/v1/services/KERS/versions",
        {"change_note": "winter", "settings": {**values, "caseload_per_fte": 12}},
        content_type="application/json",
    )
    assert good.status_code == 201
    assert good.json()["version"] == 2


def test_openapi_schema_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/people" in schema["paths"]


def test_nul_character_is_refused_before_it_reaches_the_database(client_for):
    client = client_for("admin")
    response = client.post(
        "/api/v1/people", {**NEW, "given_name": "A\x00B"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"]
    assert client.get("/api/v1/people", {"q": "a\x00"}).status_code == 422
    assert not Person.objects.filter(family_name="Person").exists()
