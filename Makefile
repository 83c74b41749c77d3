# The two commands that matter: `make run` (the app with demo data, no server needed) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
BIN := $(VENV)/bin

# The first interpreter that is really Python 3.12+ (pyenv shims that refuse to run are skipped).
ifeq ($(origin PYTHON), undefined)
PYTHON := $(shell for c in python3.13 python3.12 python3 $$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python3; do \
	$$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$c; break; }; done)
endif

TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tracker
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# `make run PORT=8080` serves elsewhere; the app's links (SITE_URL, unless set) follow the port.
PORT ?= 8000
RUN_ENV := DEBUG=true PORT=$(PORT)

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tracker_bench

.PHONY: help install run test bench load check clean

help:
	@echo "make run     - install, migrate, seed the Partnership and demo data, serve on http://127.0.0.1:$(PORT) (PORT=…)"
	@echo "make test    - the whole suite against PostgreSQL and Redis (127.0.0.1)"
	@echo "make install - the virtual environment in $(VENV)"
	@echo "make bench   - the benchmark (scratch PostgreSQL database tracker_bench); results in bench-results/"
	@echo "make load    - signed-in readers against gunicorn, alone and beside status writes (after make bench)"

$(BIN)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "No Python 3.12 or newer found: set PYTHON=/path/to/python3.12" >&2; exit 1; fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

install: $(BIN)/.installed

run: install
	@mkdir -p var/celery/queue var/celery/processed var/celery/control var/mail
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	$(RUN_ENV) $(BIN)/python manage.py seed --demo
	@echo "Serving on http://127.0.0.1:$(PORT) with a Celery worker and beat (Ctrl-C stops all three)."
	@trap 'kill 0' EXIT INT TERM; \
	$(RUN_ENV) $(BIN)/celery -A partnership worker --loglevel WARNING --concurrency 1 & \
	$(RUN_ENV) $(BIN)/celery -A partnership beat --loglevel WARNING --schedule var/celerybeat-schedule & \
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	@DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python tests/require_services.py
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) SECRET_KEY=test-only-not-secret DEBUG=false SECURE_SSL=false STATIC_MANIFEST=false \
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest $(PYTEST_ARGS)

# The benchmark: a scratch database, ten years of history at 1x and 10x; prints a table, writes bench-results/.
bench: install
	@DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python tests/require_services.py
	dropdb --if-exists --maintenance-db=$(BENCH_DATABASE_URL:%/tracker_bench=%/postgres) tracker_bench
	createdb --maintenance-db=$(BENCH_DATABASE_URL:%/tracker_bench=%/postgres) tracker_bench
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench-only-not-secret DEBUG=false SECURE_SSL=false STATIC_MANIFEST=false \
	LOG_LEVEL=WARNING $(BIN)/python manage.py migrate --no-input -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench-only-not-secret DEBUG=false SECURE_SSL=false STATIC_MANIFEST=false \
	LOG_LEVEL=WARNING $(BIN)/python -m bench.run

# A load test after `make bench` (it reuses its database): 20 signed-in readers against gunicorn, alone and beside
# two officials writing a status update a second each; compares the readers' p95.
load: install
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench-only-not-secret DEBUG=false SECURE_SSL=false STATIC_MANIFEST=false \
	$(BIN)/python -m bench.load

check: install
	DEBUG=false SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=tracker.example.org \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles test-artifacts .pytest_cache
