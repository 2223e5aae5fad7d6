# The two commands of the README: `make run` and `make test`. Everything they need is set up here.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup system-deps venv node migrate demo lint check pytest serve worker bench scaleout messages clean

# Debian packages (scripts/system-deps): `make run` needs gettext and WeasyPrint's libraries;
# `make test` also Chromium, poppler-utils, qpdf and Ghostscript; `make scaleout` also nginx and
# PgBouncer. Installed when missing and running as root, otherwise it stops with the one command
# to run.
SYSTEM_DEPS_MODE := $(if $(filter scaleout,$(MAKECMDGOALS)),deploy,$(if $(filter test pytest check bench,$(MAKECMDGOALS)),test,run))

system-deps:
	scripts/system-deps $(SYSTEM_DEPS_MODE)

$(BIN)/activate: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(BIN)/activate

venv: $(BIN)/activate

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.package-lock.json

node: node_modules/.package-lock.json

setup: system-deps venv node messages

messages: system-deps venv
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

migrate: setup
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py createcachetable

# The demo's printed links (pairing, confirmation) point at the address it is served on.
demo run: export BASE_URL ?= http://$(HOST):$(PORT)

demo: migrate
	$(PY) manage.py load_demo
	$(PY) manage.py ensure_organizer --admin-url http://$(HOST):$(PORT)/admin/

# Serve the demo forum on http://$(HOST):$(PORT) with the task worker; Ctrl-C stops both.
run: demo
	@echo "Serving on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/). Ctrl-C stops."
	@trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py run_worker & \
	$(PY) manage.py runserver $(HOST):$(PORT) --noreload & \
	wait

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: setup
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check

# The coverage of the code by the suite is printed at the end (files below 100%, and the total).
pytest: setup
	$(BIN)/pytest --cov --cov-report=term $(PYTEST_ARGS)

# The whole test suite: lint, migrations, checks and pytest (browser tests included).
test: system-deps lint check pytest

bench: setup
	for b in bench/[!_]*.py; do [ "$$b" = bench/scaleout.py ] && continue; echo "== $$b"; $(PY) $$b || exit 1; done

# The multi-server topology of deploy/ on loopback, under faults (nginx, 2 gunicorn, 2 workers,
# Redis, PostgreSQL, an S3 server): about two minutes of a machine's two cores.
scaleout: setup
	$(PY) bench/scaleout.py

clean:
	rm -rf $(VENV) node_modules staticfiles test-db.sqlite3*
