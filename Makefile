# The README's commands. Each creates .venv on first use and installs the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SCENARIO ?= scenarios/retail_bank.yaml

.PHONY: run test lint typecheck pytest bench dashboard schema clean

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
	$(BIN)/ruff format --check sim optimizer teamsim dashboard

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 --dist loadgroup

test: lint typecheck pytest

bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks

dashboard: $(VENV)/.installed
	$(BIN)/teamsim dashboard

schema: $(VENV)/.installed
	$(BIN)/python scripts/gen_schema.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
