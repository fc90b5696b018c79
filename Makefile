# Everyday tasks. On a fresh clone `make run` and `make test` need only Python ≥ 3.11:
# uv comes from PyPI, PostgreSQL from a wheel (embedded) unless DATABASE_URL is set.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The links `demo` prints and the app builds point at the address `run` serves on, unless
# IMMERSIO_PUBLIC_BASE_URL says otherwise.
PUBLIC_URL := $${IMMERSIO_PUBLIC_BASE_URL:-http://$(HOST):$(PORT)}
# localstripe, the fake Stripe that `run` pays against (dev/demo_stripe.py).
STRIPE_PORT ?= 8420

.PHONY: install vendor run stop test test-fast test-any-date screenshots lint fmt bench clean

install: $(VENV)/.synced vendor

# htmx for the dashboard, pinned from the npm registry (version, integrity and sha256 checked),
# into web/static/vendor/ (not in git). Without npm the dashboard works without it.
vendor:
	@dev/vendor_htmx.sh

# Re-syncs only when the lock file or pyproject.toml changed (or .venv is gone). uv is the one
# on PATH, else the copy `pip install uv` provides (`python3 -m uv`), installed if missing.
$(VENV)/.synced: uv.lock pyproject.toml
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv \
		|| python3 -m pip install --quiet --user --break-system-packages uv
	@if command -v uv >/dev/null 2>&1; then uv sync --frozen --extra dev; \
		else python3 -m uv sync --frozen --extra dev; fi
	@touch $@

# Starts the embedded PostgreSQL (migrated) if needed, loads the demo school, starts localstripe
# and connects the school's Stripe account to it, prints where to go and the demo API key, then
# serves the API, the pages and the job worker. Ctrl-C stops the service; the database and
# localstripe keep running until `make stop`.
# The demo school's Immersio is the simulator on 127.0.0.1:8100, a loopback address the safe
# HTTP client refuses unless told otherwise (development only).
run: install
	@export IMMERSIO_PUBLIC_BASE_URL="$(PUBLIC_URL)"; \
		export IMMERSIO_STRIPE_API_BASE="http://127.0.0.1:$(STRIPE_PORT)"; \
		export IMMERSIO_STRIPE_JS_URL="http://127.0.0.1:$(STRIPE_PORT)/js.stripe.com/v3/"; \
		export IMMERSIO_ALLOW_PRIVATE_NETWORK_TARGETS="$${IMMERSIO_ALLOW_PRIVATE_NETWORK_TARGETS:-true}"; \
		export IMMERSIO_ZOOM_API_BASE="$${IMMERSIO_ZOOM_API_BASE:-http://127.0.0.1:8200}"; \
		export IMMERSIO_ZOOM_OAUTH_BASE="$${IMMERSIO_ZOOM_OAUTH_BASE:-http://127.0.0.1:8200}"; \
		$(BIN)/immersio-booking demo && \
		$(BIN)/python dev/demo_stripe.py $(STRIPE_PORT) "$$IMMERSIO_PUBLIC_BASE_URL" && \
		echo && echo "Serving on http://$(HOST):$(PORT) — Ctrl-C to stop." && \
		exec $(BIN)/immersio-booking serve --host $(HOST) --port $(PORT)

# Stops what `run` leaves running: localstripe and the embedded database.
stop:
	@if [ -f .data/localstripe.pid ]; then kill "$$(cat .data/localstripe.pid)" 2>/dev/null || true; \
		rm -f .data/localstripe.pid; fi
	@if [ -x $(BIN)/immersio-booking ]; then $(BIN)/immersio-booking db stop; fi

# The tests choose their database: embedded unless DATABASE_URL is set. They run on
# TEST_WORKERS processes (pytest-xdist), each with its own data dir, database (its own embedded
# server, or its own scratch database on DATABASE_URL's server), mail server and localstripe;
# `--dist loadgroup` keeps an xdist_group's tests on one process, in order. TEST_WORKERS=0 runs
# them in this process alone.
TEST_WORKERS ?= 2
XDIST := -n $(TEST_WORKERS) --dist loadgroup
test: install
	$(BIN)/pytest -q $(XDIST)

# The edit loop: everything but the browser tests (e2e) and the tests that race many connections
# (race), the slowest and the ones a change rarely breaks; `make test` still runs them all.
test-fast: install
	$(BIN)/pytest -q $(XDIST) -m "not e2e and not race"

# The whole suite on another day: the machine's clock moved to DATE for every process the tests
# start (libfaketime, `apt-get install faketime`), e.g. make test-any-date DATE='2027-12-31 23:30:00'.
# The clock keeps ticking from DATE. It needs the embedded PostgreSQL, which runs under the moved
# clock too: a server outside it (DATABASE_URL) keeps the real time, and the jobs compare their
# schedule with the database's now().
DATE ?= 2028-02-29 10:00:00
test-any-date: install
	@command -v faketime >/dev/null || { echo "faketime is missing: apt-get install faketime"; exit 1; }
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "test-any-date runs on the embedded PostgreSQL: unset DATABASE_URL (its server would keep the real clock)"; \
		exit 1; fi
	faketime '$(DATE)' $(BIN)/pytest -q $(XDIST)

# The screens docs/pages.md shows, taken again by the browser journeys (tests/e2e/journeys),
# with the hash of the page sources they show (docs/screens/manifest.json): a test fails when
# the pages change after them. Needs pngquant (apt-get install pngquant). Look at each image.
screenshots: install
	$(BIN)/python dev/screenshots.py

lint: install
	$(BIN)/ruff check src tests bench dev
	$(BIN)/ruff format --check src tests bench dev
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

fmt: install
	$(BIN)/ruff format src tests bench dev
	$(BIN)/ruff check --fix src tests bench dev

# Every bench/<name>.py (files starting with `_` are shared helpers).
bench: install
	@shopt -s nullglob; scripts=(bench/[!_]*.py); \
	if (( $${#scripts[@]} == 0 )); then echo "No benchmarks yet (bench/README.md)."; exit 0; fi; \
	for script in "$${scripts[@]}"; do \
		echo "== $$script"; $(BIN)/python "$$script" || exit 1; \
	done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
