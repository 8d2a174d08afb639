"""The home pages sit above every domain (ADR 0029): they may read any domain, and no domain
reads them, so `accounts` (users, roles, the access door) reaches up into none of them."""

from pathlib import Path

ENABLEMENT = Path(__file__).resolve().parents[2]


def test_no_domain_imports_the_home_pages():
    offenders = []
    for path in ENABLEMENT.rglob("*.py"):
        relative = path.relative_to(ENABLEMENT)
        if relative.parts[0] in ("home", "urls.py", "settings.py"):
            continue
        if "enablement.home" in path.read_text():
            offenders.append(str(relative))
    assert offenders == []


def test_accounts_holds_no_home_page():
    assert not (ENABLEMENT / "accounts" / "home_views.py").exists()
    assert not (ENABLEMENT / "accounts" / "home_urls.py").exists()
