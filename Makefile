# The two commands of the README, plus helpers. Everything runs from a fresh clone:
# the first target that needs the virtual environment creates it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: demo test lint types unit spark browser docs docs-build schemas bench mutation clean

DEMO_STAMP := $(VENV)/.installed

# the package alone: what `make demo` needs
$(DEMO_STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "earlyhelp_core needs Python 3.11 or newer; set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $(DEMO_STAMP)

# and the development extra: what every other target needs
$(STAMP): pyproject.toml $(DEMO_STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

## demo: assess an example family under Bromley's and Bedford's thresholds, side by side
demo: $(DEMO_STAMP)
	@$(BIN)/earlyhelp assess examples/assessment-multi-agency.yaml --authority bromley
	@echo; echo "================================================================"; echo
	@$(BIN)/earlyhelp assess examples/assessment-multi-agency.yaml --authority bedford

## test: everything CI checks
test: lint types unit docs-build

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

types: $(STAMP)
	$(BIN)/mypy --strict src

unit: $(STAMP)
	$(BIN)/pytest

# the spark extra as well: pyspark is large and needs Java, so only `make spark` installs it
SPARK_STAMP := $(VENV)/.installed-spark
$(SPARK_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,spark]'
	touch $(SPARK_STAMP)

## spark: the Spark step in local mode over a large cohort (needs Java 17 or newer)
spark: $(SPARK_STAMP)
	@test -n "$${JAVA_HOME:-}" || command -v java >/dev/null || \
	  { echo "make spark needs Java 17 or newer: java on PATH or JAVA_HOME"; exit 1; }
	PYSPARK_PYTHON=$(CURDIR)/$(BIN)/python $(BIN)/pytest -m spark

# the service and browser extras as well: Playwright drives Debian's chromium, never a
# browser it downloads, so only `make browser` installs it
BROWSER_STAMP := $(VENV)/.installed-browser
$(BROWSER_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,service,browser]'
	touch $(BROWSER_STAMP)

## browser: the practitioners' page in headless Chromium, and the service under load (needs /usr/bin/chromium)
browser: $(BROWSER_STAMP)
	@test -x /usr/bin/chromium || \
	  { echo "make browser needs Debian's chromium at /usr/bin/chromium: apt-get install chromium"; exit 1; }
	$(BIN)/pytest -m "browser or load"

## docs: serve the documentation site locally (http://127.0.0.1:8000)
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

docs-build: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir site

schemas: $(STAMP)
	for name in assessment authority plan referral vocabulary; do \
	  $(BIN)/earlyhelp schema $$name > schemas/$$name.schema.json; \
	done
	$(BIN)/earlyhelp serve --openapi > schemas/openapi.json

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

## mutation: how many small bugs in the engine the tests catch (kill rate and survivors)
mutation: $(STAMP)
	$(BIN)/python tools/mutation.py --json .mutation/results.json

clean:
	rm -rf $(VENV) site build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis .mutation test-artifacts
