# doanvien: `make run` sets everything up and serves the app; `make test` runs the whole suite.
VENV      := .venv
BIN       := $(VENV)/bin
PYTHON    := $(BIN)/python
MANAGE    := $(PYTHON) manage.py
HTMX      := src/doanvien/static/vendor/htmx.min.js
HTMX_VER  := 2.0.11
# The QR decoder of the check-in page's camera (where the browser has no BarcodeDetector):
# jsqr's dist/jsQR.js at this version, refused unless its SHA-256 is this one.
JSQR      := src/doanvien/static/vendor/jsQR.js
JSQR_VER  := 1.4.0
JSQR_SHA  := bc40c8a15196236b2314db0856f72ca0b49980cd5413b8c852a7349f5fee0859
# Accessibility checks of the browser tests (tests/e2e/test_accessibility.py) only: never in a
# page. axe-core's axe.min.js at this version, refused unless its SHA-256 is this one.
AXE       := src/doanvien/static/vendor/axe.min.js
AXE_VER   := 4.14.1
AXE_SHA   := 29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c
MO        := src/doanvien/locale/vi/LC_MESSAGES/django.mo
export DJANGO_SETTINGS_MODULE := doanvien.settings

.PHONY: setup run test test-postgres bench faults lint format messages clean serve

$(VENV)/.installed: pyproject.toml
	@PY=$$(scripts/find-python) || exit 1; \
	  [ -x $(PYTHON) ] || { echo "Creating $(VENV) with $$PY"; $$PY -m venv $(VENV); }
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[dev]'
	@touch $@

$(HTMX):
	@mkdir -p $(dir $@)
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent htmx.org@$(HTMX_VER) >/dev/null \
	  && tar -xzf htmx.org-$(HTMX_VER).tgz package/dist/htmx.min.js && cd - >/dev/null \
	  && cp $$tmp/package/dist/htmx.min.js $@ && rm -rf $$tmp \
	  || { echo "Could not fetch htmx $(HTMX_VER) with npm: pages still work, without live updates."; rm -rf $$tmp; }

$(JSQR):
	@mkdir -p $(dir $@)
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent jsqr@$(JSQR_VER) >/dev/null \
	  && tar -xzf jsqr-$(JSQR_VER).tgz package/dist/jsQR.js \
	  && echo "$(JSQR_SHA)  package/dist/jsQR.js" | sha256sum --check --quiet && cd - >/dev/null \
	  && cp $$tmp/package/dist/jsQR.js $@ && rm -rf $$tmp \
	  || { echo "Could not fetch jsqr $(JSQR_VER) with npm (or its checksum differs): check-in scans by camera only where the browser reads QR codes itself; typing still works."; rm -rf $$tmp; }

$(AXE):
	@mkdir -p $(dir $@)
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent axe-core@$(AXE_VER) >/dev/null \
	  && tar -xzf axe-core-$(AXE_VER).tgz package/axe.min.js \
	  && echo "$(AXE_SHA)  package/axe.min.js" | sha256sum --check --quiet && cd - >/dev/null \
	  && cp $$tmp/package/axe.min.js $@ && rm -rf $$tmp \
	  || { echo "Could not fetch axe-core $(AXE_VER) with npm (or its checksum differs): the app works; the browser tests' accessibility checks fail until it is here."; rm -rf $$tmp; }

$(MO): src/doanvien/locale/vi/LC_MESSAGES/django.po $(VENV)/.installed
	$(MANAGE) compile_catalogues

setup: $(VENV)/.installed $(HTMX) $(JSQR) $(AXE) $(MO)

run: setup
	@mkdir -p var
	DEMO_MODE=1 $(MANAGE) migrate --no-input
	DEMO_MODE=1 $(MANAGE) load_demo
	DEMO_MODE=1 scripts/serve

# Production: gunicorn (deploy/gunicorn.conf.py) and the job worker on the PostgreSQL database
# named by DATABASE_URL, migrated first; GUNICORN_BIND (default 127.0.0.1:8000), GUNICORN_WORKERS…
serve: setup
	scripts/serve-production

# The suite runs on TEST_WORKERS processes (default: one per core; TEST_WORKERS=0 for one).
TEST_WORKERS ?= auto

test: setup
	$(BIN)/pytest -q -n $(TEST_WORKERS)

test-postgres: setup
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/doanvien} $(BIN)/pytest -q -n $(TEST_WORKERS)

# Benchmarks: every bench/*.py except the helpers (_*.py); BENCH_DATABASE_URL, BENCH_MEMBERS…
# (see bench/_common.py) pass through, e.g. `make bench BENCH_MEMBERS=6000000`.
# bench/deadline_rush.py drives the server with wrk (Debian: apt-get install wrk); without it,
# that one is skipped and said so.
bench: setup
	@command -v wrk >/dev/null || echo "bench/deadline_rush.py needs wrk: apt-get install wrk (skipped)."
	@for f in bench/[!_]*.py; do \
	  if [ "$$f" = bench/deadline_rush.py ] && ! command -v wrk >/dev/null; then continue; fi; \
	  echo "== $$f"; $(PYTHON) $$f || exit 1; done

# Faults under load (scripts/faults.py): kill -9 of the job worker during an import and an
# export, of a gunicorn worker during submits, and a PostgreSQL restart, each followed by its
# checks; on a private cluster on loopback ports (scripts/pg-replica), never the machine's own.
faults: setup
	$(PYTHON) scripts/faults.py

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: $(VENV)/.installed
	cd src/doanvien && ../../$(PYTHON) ../../manage.py makemessages -l vi --no-obsolete --no-location

clean:
	rm -rf $(VENV) var src/doanvien/static/vendor $(MO)
