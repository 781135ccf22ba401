# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_PARTICIPANTS ?= 20000
PORT ?= 8501
API_PORT ?= 8000

.PHONY: run test install db api dashboard bench browser-deps clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found; install Python 3.11 or run make PYTHON=python3"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip wheel setuptools
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Creates/updates the schema, loads reference data and the demo world once, trains the default model once.
db: $(STAMP)
	$(BIN)/prakerja init --demo --participants $(DEMO_PARTICIPANTS) --skip-existing
	$(BIN)/prakerja train --if-missing
	$(BIN)/prakerja accounts demo --skip-existing

# `make run API=1` also starts the HTTP API on $(API_PORT); Ctrl+C stops both.
run: db
	@echo "dashboard: http://127.0.0.1:$(PORT)"
	@if [ -n "$(API)" ]; then \
	  echo "API: http://127.0.0.1:$(API_PORT)/docs (keys: prakerja apikey create --role ROLE)"; \
	  $(BIN)/prakerja serve --host 127.0.0.1 --port $(API_PORT) & api_pid=$$!; \
	  trap 'kill $$api_pid 2>/dev/null' EXIT; \
	  $(BIN)/prakerja dashboard --port $(PORT); \
	else \
	  $(BIN)/prakerja dashboard --port $(PORT); \
	fi

api: db
	$(BIN)/prakerja serve --host 127.0.0.1 --port $(API_PORT)

# The same set-up as `make run` (tests build their own databases; this proves the set-up works), then the suite
# on $(TEST_WORKERS) pytest-xdist workers: whole files per worker (module worlds built once), in collection order,
# where tests/conftest.py puts the files with slow tests first (longest first keeps the workers busy to the end).
# Three workers on two cores: a fifth of the tests' time is waiting (PostgreSQL, crawls, the browser), which a third
# worker fills (5m50 against 6m04-6m20 with two, December 2026; 4m51-5m42 later). TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 3
# Bytecode caches are written even where the environment turns them off (PYTHONDONTWRITEBYTECODE, set on some
# machines and images): without them every worker compiles the suite and pytest rewrites its asserts again (3 s a
# worker), and every `prakerja` process the tests start compiles the project again. They go to the gitignored
# __pycache__ folders.
test: export PYTHONDONTWRITEBYTECODE =
test: db
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

# Debian chromium for the dashboard's browser test (never `playwright install`).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

bench: $(STAMP)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) data/prakerja.db data/prakerja.db-* data/models test-artifacts
