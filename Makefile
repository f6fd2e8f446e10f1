# The README's commands. Each creates .venv on first use and installs the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SCENARIO ?= scenarios/retail_bank.yaml
# The browser test (tests/test_dashboard_browser.py) drives Debian's Chromium at this path.
CHROMIUM := /usr/bin/chromium
CHROMIUM_INSTALL := apt-get update -qq && apt-get install -y -qq chromium
CHROMIUM_HINT := apt-get update && apt-get install -y chromium

.PHONY: run test lint typecheck pytest chromium bench dashboard schema clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps re-install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/teamsim validate $(SCENARIO) --summary
	$(BIN)/teamsim plan $(SCENARIO) --verify

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check sim optimizer calibrate teamsim dashboard

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test chromium
	$(BIN)/python -m pytest -n 2 --dist loadgroup --durations=25

# Installs Chromium when it is missing and can be: apt-get, as root or with sudo that asks
# no password. Otherwise it says what to run and goes on, so the other tests still run
# (the browser test then fails and says why); apt-get's own failures (no network,
# no such package) are reported the same way.
chromium:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	    echo "make: $(CHROMIUM) is missing and there is no apt-get to install it;" \
	        "the browser test needs Debian's chromium there" >&2; \
	    exit 0; \
	fi; \
	if [ "$$(id -u)" -eq 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	else \
	    echo "make: $(CHROMIUM) is missing and cannot be installed without a password;" \
	        "the browser test needs it; as root, run: $(CHROMIUM_HINT)" >&2; \
	    exit 0; \
	fi; \
	echo "make: installing Debian's chromium for the browser test ($(CHROMIUM_INSTALL))"; \
	if ! $$sudo env DEBIAN_FRONTEND=noninteractive sh -c '$(CHROMIUM_INSTALL) >/dev/null'; then \
	    echo "make: could not install chromium (above); the browser test needs it:" \
	        "as root, run: $(CHROMIUM_HINT)" >&2; \
	fi

test: lint typecheck pytest

bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks

dashboard: $(VENV)/.installed
	$(BIN)/teamsim dashboard

schema: $(VENV)/.installed
	$(BIN)/python scripts/gen_schema.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
