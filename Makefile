# GridOps: two commands get a newcomer from clone to dashboard (make run) and to a green suite (make test).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test lint format bench stop system lock demo clean-db soak ha

$(STAMP): requirements.lock pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV) || { echo "error: could not create a virtual environment: install python3-venv (apt-get install python3-venv)"; exit 1; }
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .  # the gridops command (editable: the checkout itself)
	@rm -f $(VENV)/.installed-* && touch $@

## run: install, start the embedded PostGIS, migrate, load the demo city, serve on :8050 with the
## push stream (:8051) and the job worker (reminders, escalations, sends) as their own processes
run: $(STAMP)
	$(BIN)/gridops setup
	$(BIN)/gridops run

## ha: a primary, a synchronous standby and automatic failover (pg_auto_failover) on loopback ports
## (GRIDOPS_HA_PORT, default 55440-55442), the app served against them; Ctrl-C stops everything
ha: $(STAMP) system
	$(BIN)/gridops cluster ha

## test: ruff, then pytest against a real PostGIS and headless Chromium
test: $(STAMP) system
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

## system: PostgreSQL+PostGIS, pg_auto_failover, Chromium, chromedriver, a CJK font, wrk and poppler-utils (apt-get as root)
system: $(STAMP)
	$(BIN)/python -m tests.system_deps

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

## bench: docs/performance.md figures at demo scale (SCALE=city for the city scale)
bench: $(STAMP) system
	$(BIN)/python -m bench --scale $(or $(SCALE),demo)

## soak: the wall in headless Chromium for MINUTES (default 30) with 1-s refresh and continuous inserts
soak: $(STAMP) system
	$(BIN)/python -m tests.soak --minutes $(or $(MINUTES),30)

## demo: regenerate the demo city in place
demo: $(STAMP)
	$(BIN)/gridops demo --scale demo --replace

## stop: stop the embedded cluster
stop:
	@if [ -x $(BIN)/gridops ]; then $(BIN)/gridops setup --stop; else echo "nothing to stop"; fi

lock:
	rm -rf /tmp/gridops-lock && $(PYTHON) -m venv /tmp/gridops-lock && /tmp/gridops-lock/bin/pip install -q -r requirements.in \
	  && { echo "# Pinned lock of requirements.in (pip freeze of a clean venv, Python 3.11). Regenerate with 'make lock'."; /tmp/gridops-lock/bin/pip freeze; } > requirements.lock
