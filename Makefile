# Everyday tasks. `make run` and `make test` work on a fresh clone.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint fmt bench clean

$(UV):
	python3 -m pip install --quiet uv || python3 -m pip install --quiet --user uv

# Re-syncs only when the lock file or pyproject changed.
$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --extra dev --quiet
	touch $@

install: $(VENV)/.synced

run: install
	@$(BIN)/immersio-booking migrate
	@$(BIN)/immersio-booking demo --json > .demo.json
	@$(BIN)/python -c 'import json; d = json.load(open(".demo.json")); \
	print(); \
	print("  Immersio Booking is starting on http://$(HOST):$(PORT)"); \
	print("  Demo school page:  http://$(HOST):$(PORT)/" + d["organization"]["slug"]); \
	print("  API docs:          http://$(HOST):$(PORT)/docs"); \
	print("  Demo API key:      " + d["api_key"]); \
	print("  Try: curl -H \"Authorization: Bearer " + d["api_key"] + "\" http://$(HOST):$(PORT)/v2/me"); \
	print()'
	@rm -f .demo.json
	$(BIN)/immersio-booking serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

fmt: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: install
	@set -e; for script in bench/[a-z]*.py; do \
		echo "== $$script"; $(BIN)/python $$script; \
	done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
