# Everything runs from a local virtual environment that the first target to need
# it creates; nothing has to be installed by hand but Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: serve build test lint format check bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## Preview this repository's site with live reload at http://127.0.0.1:8000
serve: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --livereload

## Build this repository's site into site/
build: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

## Run the whole test suite (and the linter)
test: $(STAMP)
	$(BIN)/ruff check plugins tests benchmarks
	$(BIN)/ruff format --check plugins tests benchmarks
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check plugins tests benchmarks
	$(BIN)/ruff format --check plugins tests benchmarks

format: $(STAMP)
	$(BIN)/ruff check --fix plugins tests benchmarks
	$(BIN)/ruff format plugins tests benchmarks

## Check this repository's own specs
check: $(STAMP)
	$(BIN)/roadmark check

clean:
	rm -rf site $(VENV) .pytest_cache .ruff_cache
