# Two commands for a new machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint assets bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

## Start the product on the embedded SQLite database with the demo loaded.
run: $(VENV)/.installed
	ENABLEMENT_DEMO=true $(PY) manage.py run_demo --host $(HOST) --port $(PORT)

## Ruff, then the whole test suite (unit, API property run, browser tests with axe), one
## worker per core (pytest-xdist). PYTEST_ARGS="-n0 path" runs part of it in one process.
PYTEST_ARGS ?= -n auto
test: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	ENABLEMENT_TESTING=true $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Rebuild the vendored GOV.UK Frontend CSS and JS (needs npm; not needed to run or test).
assets:
	bash frontend/build.sh

bench: $(VENV)/.installed-test
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var
