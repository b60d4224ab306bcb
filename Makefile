# Rapport: `make run` sets up and starts the app; `make test` sets up and runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# Tests run on every core; PYTEST_ARGS adds to them (e.g. PYTEST_ARGS="-n 0 -k kudos").
PYTEST := $(BIN)/pytest -n auto --dist worksteal

.PHONY: setup run test test-fast lint fmt bench clean soak

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Rapport needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

run: setup
	@$(BIN)/rapport run $(ARGS)

test: lint
	$(PYTEST) $(PYTEST_ARGS)

# Everything but the long simulated scenarios (marked `slow`).
test-fast: lint
	$(PYTEST) -m "not slow" $(PYTEST_ARGS)

# Style, types, and the import contracts (pyproject.toml, [tool.importlinter]).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

fmt: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup
	$(BIN)/python -m bench $(ARGS)
	$(BIN)/python -m bench.plan_day --keep .bench-cache $(PLAN_ARGS)
	$(BIN)/python -m bench.ingest --keep .bench-cache $(INGEST_ARGS)

# Issue 15's delivery soak: 2 sender processes on the PostgreSQL at 127.0.0.1:5432, a faulty fake
# Slack with a 10/s workspace limit, 5 senders SIGKILLed; prints its figures, fails on a loss,
# a duplicate, a post outside the working window or a 429 the fake did not inject.
soak: setup
	$(BIN)/python -m tests.support.soak --recipients 1000 --limit 10 --senders 2 --kills 5 $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache

# The container image (Dockerfile) built with buildah, no Docker daemon needed: needs root,
# buildah and debootstrap (apt-get install -y buildah debootstrap). docs/container.md.
.PHONY: image image-test
image:
	scripts/image-build.sh

# Build it, then run it against the PostgreSQL on 127.0.0.1:5432 until /readyz answers; PASS or FAIL.
image-test:
	scripts/image-test.sh
