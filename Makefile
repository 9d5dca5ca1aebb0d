# Space for Change — developer and operator commands. `make help` lists them.
# Needs Python 3.11 and the package registries; everything else goes into .venv.

# python3.11 when there is one, else python3 if that is 3.11 (checked in $(STAMP)).
PYTHON ?= $(shell command -v python3.11 >/dev/null 2>&1 && echo python3.11 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_VENV := bench-venv
BENCH_STAMP := $(BENCH_VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2
TEST_DATABASE_URL := $(or $(SFC_TEST_DATABASE_URL),postgres://postgres@127.0.0.1:5432/test)
DEMO_LOGIN := lead@northbay.example / northbay-demo

.DEFAULT_GOAL := help
.PHONY: help install demo serve test test-postgres e2e lint typecheck bench ci messages clean

help: ## List the commands
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
		|| { echo "Python 3.11 is needed; $(PYTHON) is $$($(PYTHON) -V 2>&1). Try: make PYTHON=/path/to/python3.11 ..."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the application with its test tools

# The worker runs in the background (recomputed results, imports, emails); the trap stops it
# when the server stops, since a non-interactive shell's background job ignores Ctrl+C.
demo: export SFC_SITE_URL ?= http://$(HOST):$(PORT)
demo: install ## Migrate the SQLite database, load the demo, serve it with a worker on http://127.0.0.1:8000
	$(BIN)/sfc migrate
	$(BIN)/sfc seed-demo
	@echo
	@echo "  Space for Change is starting on http://$(HOST):$(PORT)/ with a background worker."
	@echo "  Sign in as $(DEMO_LOGIN) (the other demo logins are listed above). Ctrl+C stops both."
	@echo
	$(BIN)/sfc worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/sfc serve --host $(HOST) --port $(PORT)

serve: install ## Serve the application (no migration, no demo data)
	$(BIN)/sfc serve --host $(HOST) --port $(PORT)

# Browser tests run in their own pass without xdist: Playwright's browser and the live
# server do not share well between workers. Both passes always run; exit status 5 of the
# browser pass means "no tests collected".
test: install ## Run the whole test suite (browser tests included)
	status=0; \
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --ignore=tests/e2e || status=$$?; \
	$(BIN)/pytest -q tests/e2e || { code=$$?; [ $$code -eq 5 ] || status=$$code; }; \
	exit $$status

test-postgres: install ## Run the database tests on PostgreSQL ($$SFC_TEST_DATABASE_URL)
	SFC_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -q -n $(PYTEST_WORKERS) tests/integration tests/web

e2e: install ## Run only the browser tests (headless Chromium)
	$(BIN)/pytest -q tests/e2e

lint: install ## ruff check, ruff format --check, import-linter
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install ## mypy (strict on analytics/, domain.py files and frameworks/schema.py)
	$(BIN)/mypy

# Benchmark peers that are not project dependencies live in their own environment, which
# sees .venv's packages through a .pth file so the product is not installed twice.
$(BENCH_STAMP): $(STAMP) benchmarks/requirements.txt
	test -x $(BENCH_VENV)/bin/python || $(BIN)/python -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -c 'import sysconfig, pathlib; pathlib.Path(sysconfig.get_path("purelib"), "sfc-venv.pth").write_text("import site; site.addsitedir(\"$(abspath $(VENV))/lib/python3.11/site-packages\")\n")'
	$(BENCH_VENV)/bin/python -m pip install --quiet -r benchmarks/requirements.txt
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP) ## Run every benchmark in benchmarks/ (JSON lines on stdout)
	@set -e; for script in benchmarks/*.py; do \
		echo "# $$script" >&2; $(BENCH_VENV)/bin/python $$script; \
	done

messages: install ## Compile translations (.po -> .mo; needs gettext's msgfmt)
	@if ls src/spaceforchange/locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
		cd src/spaceforchange && ../../$(BIN)/sfc manage compilemessages; \
	else echo "No translations to compile."; fi

ci: ## What .ci/run does: tests (SQLite and PostgreSQL), lint, type checks
	.ci/run

clean: ## Remove caches and test output (keeps .venv and the database)
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis test-results
