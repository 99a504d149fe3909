# Everything runs from a local virtual environment that the first target to need
# it creates; nothing has to be installed by hand but Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JUNIT  := reports/junit.xml
export NO_MKDOCS_2_WARNING := 1

LOCK   := constraints.txt
UPGRADE_VENV := .venv-upgrade

.PHONY: serve build test lint format check clean upgrade

# Exact versions from the lock, so a dependency's release never changes a run by surprise;
# the build backend comes from the lock too (no isolated build fetching the newest one).
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c $(LOCK) pip setuptools wheel
	$(BIN)/python -m pip install --quiet -c $(LOCK) --no-build-isolation -e '.[test]'
	touch $(STAMP)

## Preview this repository's site with live reload at http://127.0.0.1:8000
serve: $(STAMP)
	$(BIN)/mkdocs serve --livereload

## Build this repository's site into site/, with fresh test evidence for traceability
build: $(STAMP) $(JUNIT)
	$(BIN)/mkdocs build --strict

## Run the whole test suite (with the linter, and mypy as a test); also records the evidence the site shows
test: $(STAMP)
	$(BIN)/ruff check plugins tests benchmarks
	$(BIN)/ruff format --check plugins tests benchmarks
	@mkdir -p reports
	$(BIN)/python -m pytest --junitxml=$(JUNIT)

# The suite's results, rerun when code, tests or specs change. Failing tests (exit 1)
# still publish, so the site shows them as failing; `make test` is the gate. The file
# is written aside and moved, so no build ever reads half of it.
$(JUNIT): $(STAMP) pyproject.toml $(shell find plugins tests product -type f -not -path '*/__pycache__/*')
	@mkdir -p reports
	$(BIN)/python -m pytest -q -p no:cacheprovider --junitxml=$@.tmp || [ $$? -eq 1 ]
	mv $@.tmp $@

lint: $(STAMP)
	$(BIN)/ruff check plugins tests benchmarks
	$(BIN)/ruff format --check plugins tests benchmarks
	$(BIN)/python -m mypy

format: $(STAMP)
	$(BIN)/ruff check --fix plugins tests benchmarks
	$(BIN)/ruff format plugins tests benchmarks

## Check this repository's own specs
check: $(STAMP)
	$(BIN)/roadmark check

## Upgrade the lock to the newest releases pyproject.toml allows, then run the suite on them
upgrade:
	rm -rf $(UPGRADE_VENV)
	$(PYTHON) -m venv $(UPGRADE_VENV)
	$(UPGRADE_VENV)/bin/python -m pip install --quiet --upgrade pip setuptools wheel
	$(UPGRADE_VENV)/bin/python -m pip install --quiet --upgrade -e '.[test]'
	{ echo "# The exact versions the suite last passed with; written by 'make upgrade'."; \
	  $(UPGRADE_VENV)/bin/python -m pip freeze --all --exclude-editable | LC_ALL=C sort -f; } > $(LOCK)
	rm -rf $(UPGRADE_VENV)
	$(MAKE) test

clean:
	rm -rf site reports $(VENV) $(UPGRADE_VENV) .pytest_cache .ruff_cache .mypy_cache
