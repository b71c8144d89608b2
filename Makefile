# kpixa — the two commands: `make run` (demo on SQLite) and `make test` (the whole suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
export PORT
PROFILE ?= small
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE := kpixa.settings
# The PostgreSQL used by `make test` (a test database is created beside it and dropped after).
PG_TEST_URL ?= $(if $(filter postgres%,$(DATABASE_URL)),$(DATABASE_URL),postgres://postgres@127.0.0.1:5432/kpixa)
PYTEST_ARGS ?=

.PHONY: help install run demo test test-sqlite test-postgres lint bench messages clean

help:
	@echo "make run      set up everything and serve the demo on http://127.0.0.1:$(PORT)"
	@echo "make test     quality gates, then the whole suite on SQLite and on PostgreSQL"
	@echo "make bench    benchmarks (PROFILE=small|national)"

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	@PY_BIN="$$(scripts/find-python.sh)" || exit 1; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$PY_BIN"; "$$PY_BIN" -m venv $(VENV) || exit 1; fi
	@echo "== Installing the pinned dependencies into $(VENV) (a few minutes on a fresh clone) =="
	$(PY) -m pip install --disable-pip-version-check --progress-bar on --upgrade pip
	$(PY) -m pip install --disable-pip-version-check --progress-bar on -r requirements-dev.txt -c constraints.txt
	@echo "== Dependencies installed =="
	@touch $(STAMP)

demo: install
	@mkdir -p var
	@echo "== 1/4 Database tables =="
	$(PY) manage.py migrate --noinput
	@echo "== 2/4 Static files =="
	$(PY) manage.py collectstatic --noinput -v 0
	@echo "== 3/4 Provinces and communes =="
	$(PY) manage.py load_units
	@echo "== 4/4 The Gia Lai demo =="
	$(PY) manage.py seed_demo

run: demo
	@PORT=$(PORT) scripts/serve.sh

lint: install
	@mkdir -p var
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) manage.py makemigrations --check --dry-run

test: lint
	@echo "== kpixa test suite on SQLite =="
	DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 $(PY) -m pytest -n 2 $(PYTEST_ARGS)
	@if $(PY) scripts/pg_reachable.py "$(PG_TEST_URL)"; then \
	  echo "== kpixa test suite on PostgreSQL ($(PG_TEST_URL)) =="; \
	  DATABASE_URL="$(PG_TEST_URL)" $(PY) -m pytest -n 2 $(PYTEST_ARGS) || exit 1; \
	  echo "== ran on: SQLite and PostgreSQL =="; \
	else \
	  echo "== PostgreSQL not reachable at $(PG_TEST_URL): ran on SQLite only =="; \
	fi

test-sqlite: install
	DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 $(PY) -m pytest -n 2 $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL="$(PG_TEST_URL)" $(PY) -m pytest -n 2 $(PYTEST_ARGS)

bench: install
	$(PY) -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt -c constraints.txt
	$(PY) -m bench --profile $(PROFILE)

# Refresh the English catalogue from the marked strings, then compile it (needs gettext's msgfmt).
messages: install
	$(PY) manage.py makemessages -l en --no-obsolete --ignore=var --ignore=bench --ignore=tests
	msgfmt --check -o kpixa/locale/en/LC_MESSAGES/django.mo kpixa/locale/en/LC_MESSAGES/django.po

clean:
	rm -rf $(VENV) var
