"""The README and `make run` agree (issue 12 item 7): every demo username the README names is
printed at start, the README says how to choose the port, and installing prints one line per
step rather than pip's chatter."""

import re
from pathlib import Path

from enablement.demo.loader import USERS
from enablement.demo.management.commands.run_demo import banner

REPO = Path(__file__).resolve().parents[3]
README = (REPO / "README.md").read_text()
USERNAME = re.compile(r"`([a-z]+(?:\.[a-z]+)*)`")


def test_every_username_the_readme_names_is_printed_by_make_run():
    known = {spec.username for spec in USERS}
    named = {u for u in USERNAME.findall(README) if u in known or "." in u}
    # Only what looks like a username: `manage.py`-like file names are not.
    named = {u for u in named if not u.endswith((".py", ".md", ".txt", ".html", ".css"))}
    named = {u for u in named if u.split(".")[0] in {s.username.split(".")[0] for s in USERS}}
    assert {"senior.bep", "senior.bep.west", "worker.bep", "admin.east"} <= named
    printed = "\n".join(banner("http://127.0.0.1:8000", database="x", loaded=True))
    missing = [u for u in sorted(named) if not re.search(rf"\s{re.escape(u)}\n", printed + "\n")]
    assert missing == [], f"named in the README, not printed by make run: {missing}"


def test_the_readme_says_how_to_choose_the_port():
    assert "PORT=" in README and "make run" in README


def test_installing_is_quiet():
    makefile = (REPO / "Makefile").read_text()
    pip = next(line for line in makefile.splitlines() if line.startswith("PIP :="))
    assert "--quiet" in pip and "--disable-pip-version-check" in pip
    installs = [line for line in makefile.splitlines() if "$(PIP)" in line]
    assert len(installs) == 3
    for line in installs:
        # Not echoed, and pip's output kept in a log, shown only when a step fails.
        assert line.startswith("\t@") and ">" in line and "INSTALL_LOG" in line, line
