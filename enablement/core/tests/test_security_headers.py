"""Response headers: a strict Content-Security-Policy, every browser feature off, nothing with
personal data kept in a cache, and HTTPS enforced in production settings."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from enablement.people.models import Person

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = ROOT / "enablement" / "templates"


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _personal_responses(client_for):
    person = Person.objects.get(family_name="Specimen")
    admin = client_for("admin")
    return {
        "person page": client_for("worker").get(f"/people/{person.pk}/"),
        "tracker": admin.get("/referrals/"),
        "tracker CSV export": admin.get("/referrals/export/csv/"),
        "tracker XLSX export": admin.get("/referrals/export/xlsx/"),
        "waiting list CSV": client_for("senior").get("/allocation/?format=csv"),
        "API detail": client_for("worker").get(f"/api/v1/people/{person.pk}"),
        "API error": admin.get("/api/v1/people/999999999"),
        "inbox": admin.get("/inbox/"),
    }


def test_nothing_with_personal_data_may_be_cached(client_for):
    for name, response in _personal_responses(client_for).items():
        assert response.status_code in (200, 404), name
        cache = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= cache, (name, response["Cache-Control"])


def test_static_files_stay_cacheable(client):
    response = client.get("/static/app/init.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_every_powerful_browser_feature_is_off(client):
    policy = client.get("/sign-in/")["Permissions-Policy"]
    features = dict(part.strip().split("=") for part in policy.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "fullscreen"):
        assert features[feature] == "()", feature


@pytest.mark.parametrize("path", ["/sign-in/", "/self-referral/"])
def test_public_pages_carry_the_strict_policy(client, db, path):
    response = client.get(path)
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_signed_in_pages_carry_it_too(client_for):
    for name, response in _personal_responses(client_for).items():
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], name
        assert _csp(response)["frame-ancestors"] == ["'none'"], name


# What the policy would block, so none may be in a template: a <script> with a body, a <style>
# element, a style attribute or an on…= event handler.
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_no_template_has_what_the_policy_blocks():
    found = []
    templates = sorted(ROOT.joinpath("enablement").rglob("templates/**/*.html"))
    assert len(templates) > 20
    for template in templates:
        text = template.read_text()
        for what, pattern in INLINE.items():
            found += [f"{template.relative_to(ROOT)}: {what}" for _ in pattern.finditer(text)]
    assert not found, "\n".join(found)


def _settings_as(env: dict) -> dict:
    """Settings as a process started with only `env` sees them (not the tests' settings,
    which turn production's HTTPS rules off)."""
    names = [
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_SECURE",
    ]
    code = (
        "import json, enablement.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    )
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**keep, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)


def _production_env(tmp_path, **extra) -> dict:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "enablement.example.org",
        "ENABLEMENT_BASE_URL": "https://enablement.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ENABLEMENT_VAR_DIR": str(tmp_path),
        **extra,
    }


def test_production_settings_enforce_https(tmp_path):
    found = _settings_as(_production_env(tmp_path))
    assert found["DEBUG"] is False
    assert found["SECURE_SSL_REDIRECT"] is True
    assert found["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert found["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert found["SECURE_PROXY_SSL_HEADER"] is None  # trusted only when told
    assert found["SESSION_COOKIE_SECURE"] is True


def test_behind_a_proxy_the_header_and_subdomains_are_configurable(tmp_path):
    found = _settings_as(
        _production_env(
            tmp_path,
            SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
            SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
        )
    )
    assert found["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert found["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False


def test_the_demo_does_not_pin_a_laptop_to_https(tmp_path):
    found = _settings_as({"ENABLEMENT_DEMO": "true", "ENABLEMENT_VAR_DIR": str(tmp_path)})
    assert found["SECURE_SSL_REDIRECT"] is False
    assert found["SECURE_HSTS_SECONDS"] == 0


def test_deploy_checks_are_clean_under_production_settings(tmp_path):
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "INFO"],
        cwd=ROOT,
        env={**keep, **_production_env(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
