# selfdirect: one entry point for a fresh clone. GNU make; every target is safe to re-run and only
# redoes what changed (stamp files depend on the pins, built assets on their sources).
#   make demo      run the demo council on http://127.0.0.1:8000 (SQLite, seeded data)
#   make test      lint + whole suite against a throwaway PostgreSQL (PYTEST_ARGS=tests/browser to narrow)
#   make lint      ruff check and format check
#   make bench     bench/bench_*.py against a throwaway PostgreSQL
#   make assets    build static/dist/app.css and copy GOV.UK Frontend's fonts, images and JS
#   make clean     remove built assets and caches; make distclean also removes .venv and node_modules

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check --quiet
GOVUK := node_modules/govuk-frontend/dist/govuk
NPM_STAMP := node_modules/.installed
PYTEST_ARGS ?=

.PHONY: help venv venv-test npm-deps assets demo demo-logins test lint bench clean distclean

help:
	@sed -n 's/^#   //p' $(MAKEFILE_LIST)

# --- Python ---------------------------------------------------------------------------------------
# Stamps depend on the requirement files, so changing a pin re-installs; an up-to-date venv costs nothing.
$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-runtime: requirements.txt | $(PY)
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt requirements.txt | $(PY)
	$(PIP) install -r requirements-test.txt
	touch $@

venv: $(VENV)/.installed-runtime
venv-test: $(VENV)/.installed-test

# --- Front end ------------------------------------------------------------------------------------
# npm ci installs exactly package-lock.json. No optional deps (sass's file watcher) and no install
# scripts: the build needs neither, and nothing then runs code at install time.
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --omit=optional --ignore-scripts
	touch $@

npm-deps: $(NPM_STAMP)

# npm keeps the tarballs' fixed 1985 mtimes, so built files depend on the install stamp, not on the
# files inside node_modules.
static/dist/app.css: $(wildcard assets/scss/*.scss) $(NPM_STAMP)
	mkdir -p $(@D)
	node_modules/.bin/sass --load-path=node_modules --quiet-deps --silence-deprecation=import \
		--style=compressed --no-source-map assets/scss/app.scss $@

# Fonts and images at /static/govuk/assets/, where app.scss's $$govuk-assets-path points.
static/govuk/assets/manifest.json: $(NPM_STAMP)
	rm -rf static/govuk/assets
	mkdir -p static/govuk
	cp -R $(GOVUK)/assets static/govuk/assets
	touch $@

static/govuk/govuk-frontend.min.js: $(NPM_STAMP)
	mkdir -p $(@D)
	cp $(GOVUK)/govuk-frontend.min.js $(GOVUK)/govuk-frontend.min.js.map $(@D)/

assets: static/dist/app.css static/govuk/assets/manifest.json static/govuk/govuk-frontend.min.js

# --- Running --------------------------------------------------------------------------------------
# DEBUG=1: the development secret key, and WhiteNoise serving static/ straight from STATICFILES_DIRS.
demo: venv assets
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_council --people 2000 --seed 1
	@echo
	@echo "selfdirect demo: open http://127.0.0.1:8000/ (Ctrl-C stops it; 'make demo-logins' lists the logins)"
	@echo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

demo-logins: venv
	DEBUG=1 $(PY) manage.py demo_logins

test:
	bash scripts/test.sh $(PYTEST_ARGS)

lint: venv-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench:
	bash scripts/bench.sh

# --- Cleaning -------------------------------------------------------------------------------------
clean:
	rm -rf static/dist static/govuk staticfiles .pytest_cache .ruff_cache .hypothesis test-results
	find . -path ./$(VENV) -prune -o -path ./node_modules -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules
