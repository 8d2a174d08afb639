# Two commands for a new machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint assets bench generate serve load clean

# One line per step; pip's own output goes to a log, shown only if a step fails.
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
INSTALL_LOG := $(VENV)/install.log

$(VENV)/.installed: pyproject.toml
	@echo "Installing Enablement into $(VENV) (first run only, about a minute)"
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) --upgrade pip >$(INSTALL_LOG) 2>&1 || { cat $(INSTALL_LOG); exit 1; }
	@$(PIP) -e . >>$(INSTALL_LOG) 2>&1 || { cat $(INSTALL_LOG); exit 1; }
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	@echo "Installing the test tools into $(VENV)"
	@$(PIP) -e '.[test]' >>$(INSTALL_LOG) 2>&1 || { cat $(INSTALL_LOG); exit 1; }
	@touch $@

## Start the product on the embedded SQLite database with the demo loaded.
run: $(VENV)/.installed
	@echo "Starting the demo: migrating, loading the demo data, starting the worker"
	@ENABLEMENT_DEMO=true $(PY) manage.py run_demo --host $(HOST) --port $(PORT)

## Ruff, then the whole test suite (unit, API property run, browser tests with axe), one
## worker per core (pytest-xdist). PYTEST_ARGS="-n0 path" runs part of it in one process.
PYTEST_ARGS ?= -n auto
test: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	ENABLEMENT_TESTING=true $(VENV)/bin/pytest $(PYTEST_ARGS)

## Production serving on this machine: gunicorn's worker processes and the job worker as
## processes of their own (README "Serving in production"). Needs DATABASE_URL and SECRET_KEY.
serve: $(VENV)/.installed
	$(PY) manage.py collectstatic --noinput --verbosity 0
	HOST=$(HOST) PORT=$(PORT) $(PY) manage.py serve

## 32 signed-in users on the tracker and the API from a second process (bench/load.py).
load: $(VENV)/.installed-test
	$(PY) bench/load.py --base-url http://$(HOST):$(PORT)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Rebuild the vendored GOV.UK Frontend CSS and JS (needs npm; not needed to run or test).
assets:
	bash frontend/build.sh

## Each hot path timed against its raw SQL (bench/run.py; docs/PERFORMANCE.md). SIZE is the
## number of referrals; `make bench DATABASE_URL=postgres://... SIZE=100000` for PostgreSQL.
SIZE ?= 20000
RUNS ?= 20
bench: $(VENV)/.installed-test
	$(PY) bench/run.py --size $(SIZE) --runs $(RUNS)

## Synthetic data for the whole product (bench/generate.py): SIZE referrals, deterministic by
## SEED, on DATABASE_URL (default SQLite under var/bench/). Nothing to do if already there.
SIZE ?= 100000
SEED ?= 1
generate: $(VENV)/.installed
	$(PY) bench/generate.py --referrals $(SIZE) --seed $(SEED)

clean:
	rm -rf $(VENV) var
