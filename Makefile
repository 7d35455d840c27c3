# Everything installs from scratch into .venv: `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# openapi-python-client, for tests/test_generated_client.py, in a venv of its own: it pins
# httpx below 0.29 and typer, which would downgrade the project's httpx (and change pycanon's
# conflicts) in .venv. It is a generator run on the committed document, never imported.
CLIENT_GENERATOR := openapi-python-client==0.29.1
CLIENT_VENV := $(VENV)/openapi-client
CLIENT_STAMP := $(CLIENT_VENV)/.installed
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test

CHROMIUM := /usr/bin/chromium

.PHONY: install run test lint typecheck unit openapi openapi-check migrate bench scaleout-demo clean browser pdf-libs pdf-tools messages oidc-provider

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# pycanon checks k-anonymity in the tests; its metadata pins exact versions of pandas,
	# numpy, typing-extensions and more, which would downgrade pydantic's own needs; its
	# checks import pandas and numpy only.
	$(BIN)/pip install --quiet --no-deps 'pycanon==1.3.6'
	touch $(STAMP)

$(CLIENT_STAMP): Makefile
	$(PYTHON) -m venv $(CLIENT_VENV)
	$(CLIENT_VENV)/bin/pip install --quiet '$(CLIENT_GENERATOR)'
	touch $(CLIENT_STAMP)

install: $(STAMP) $(CLIENT_STAMP) oidc-provider

run: $(STAMP)
	$(BIN)/gtpptppo serve

migrate: $(STAMP)
	$(BIN)/gtpptppo migrate

lint: $(STAMP)
	$(BIN)/ruff check src tests migrations workers bench
	$(BIN)/ruff format --check src tests migrations workers bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

openapi: $(STAMP)
	$(BIN)/gtpptppo openapi

openapi-check: $(STAMP)
	$(BIN)/gtpptppo openapi --check

# Debian's chromium for the public pages' browser test (tests/publishing/test_browser.py);
# installed only when missing, quietly (needs root, as on CI).
browser:
	@test -x $(CHROMIUM) || { \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

# HarfBuzz's subsetter: WeasyPrint embeds the PDF fonts with it (the Dockerfile has it too);
# without it WeasyPrint falls back to a much slower subsetter in Python. Installed only when
# missing, quietly (needs root, as on CI).
pdf-libs:
	@ldconfig -p | grep -q libharfbuzz-subset || { \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libharfbuzz-subset0 >/dev/null; }

# poppler's pdftoppm: the report layout test (tests/reports/test_layout.py) renders the
# report pages to PNG into tests/artifacts/ for a person to look at. Installed only when
# missing, quietly (needs root, as on CI).
pdf-tools:
	@command -v pdftoppm >/dev/null || { \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends poppler-utils >/dev/null; }

# The words of the report documents: new message ids of the templates and labels added to
# both catalogues (src/gtpptppo_api/locale); translate the new Indonesian ones by hand.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output --omit-header -o $(VENV)/messages.pot .
	$(BIN)/pybabel update -i $(VENV)/messages.pot -d src/gtpptppo_api/locale --no-fuzzy-matching --ignore-obsolete -w 96

# The OpenID Provider the sign-in tests start (tests/oidc/provider.js): the `oidc-provider`
# package from the npm registry, at the version of tests/oidc/package-lock.json, under the
# machine's Node.js; installed only when missing, into tests/oidc/node_modules (not committed).
oidc-provider:
	@test -d tests/oidc/node_modules/oidc-provider || \
		npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error >/dev/null

# The suite runs on SQLite and on PostgreSQL (GTPPTPPO_TEST_DATABASE_URL).
unit: $(STAMP) $(CLIENT_STAMP) browser pdf-libs pdf-tools oidc-provider
	GTPPTPPO_TEST_DATABASE_URL=$${GTPPTPPO_TEST_DATABASE_URL:-$(PG_TEST_URL)} $(BIN)/pytest

test: lint typecheck openapi-check unit

# Figures as ratios to raw database work measured in the same run (BENCH_BACKENDS,
# BENCH_CASES, BENCH_STATS_ROWS, BENCH_IMPORT_ROWS scale it down); bench_reads: scoped reads'
# CPU, of a `gtpptppo serve` process (RabbitMQ as its broker) and in-process, against the same
# queries run raw (BENCH_READS_CASES, _ROUNDS, _REQUESTS). bench_load: 200 clients for 60 s
# against two API and two worker processes on PostgreSQL and RabbitMQ (BENCH_LOAD_SECONDS
# shortens it).
bench: $(STAMP) pdf-libs
	GTPPTPPO_TEST_DATABASE_URL=$${GTPPTPPO_TEST_DATABASE_URL:-$(PG_TEST_URL)} $(BIN)/python -m bench.bench_cases
	GTPPTPPO_TEST_DATABASE_URL=$${GTPPTPPO_TEST_DATABASE_URL:-$(PG_TEST_URL)} $(BIN)/python -m bench.bench_reports
	GTPPTPPO_TEST_DATABASE_URL=$${GTPPTPPO_TEST_DATABASE_URL:-$(PG_TEST_URL)} $(BIN)/python -m bench.bench_public
	GTPPTPPO_TEST_DATABASE_URL=$${GTPPTPPO_TEST_DATABASE_URL:-$(PG_TEST_URL)} $(BIN)/python -m bench.bench_reads
	GTPPTPPO_TEST_DATABASE_URL=$${GTPPTPPO_TEST_DATABASE_URL:-$(PG_TEST_URL)} $(BIN)/python -m bench.bench_season
	GTPPTPPO_TEST_DATABASE_URL=$${GTPPTPPO_TEST_DATABASE_URL:-$(PG_TEST_URL)} $(BIN)/python -m bench.bench_imports
	GTPPTPPO_TEST_DATABASE_URL=$${GTPPTPPO_TEST_DATABASE_URL:-$(PG_TEST_URL)} $(BIN)/python -m bench.bench_load

# Two API and two worker processes on PostgreSQL and RabbitMQ; DEMO_JOBS report jobs (100)
# through both APIs, each done once. Bounded; stops its processes, drops its database.
scaleout-demo: $(STAMP)
	GTPPTPPO_TEST_DATABASE_URL=$${GTPPTPPO_TEST_DATABASE_URL:-$(PG_TEST_URL)} $(BIN)/python -m bench.scaleout

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
