# The two commands a newcomer needs: `make run` and `make test`. Everything else they call.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
GOVUK := node_modules/govuk-frontend/dist/govuk
# Parallel test workers (pytest-xdist); `make test PYTEST_WORKERS=0` runs in one process. One
# more than the cores: a worker waiting on PostgreSQL, the object store or Chromium leaves its
# core to another (on 2 cores, the cores busy 91% -> 98% and the PostgreSQL pass 321 -> 300 s).
# Work stealing: a worker that runs out takes tests from another's queue, so a few long tests
# (browser journeys, the permission matrix) at the end do not leave a core idle.
PYTEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
PYTEST_DIST ?= worksteal
# More pytest arguments, e.g. `make test PYTEST_ARGS="-m 'not browser'"` (what .ci/run's SQLite
# pass does).
PYTEST_ARGS ?=

.PHONY: run test install assets lint lint-quick format clean bench

run: install assets ## Set up everything and serve the portal on http://127.0.0.1:5000
	$(FLASK) dev serve

# Compiled modules are kept (__pycache__, ignored by git) even where the environment says not to
# write them (PYTHONDONTWRITEBYTECODE): otherwise every worker of every run compiles the portal
# again and pytest rewrites every test module's asserts again.
# The type checker runs beside the tests rather than before them: on a fresh checkout it takes
# about 11 s of one core, which the tests' start leaves idle. Either failing fails `make test`.
test: install assets lint-quick ## Run the checks and the whole test suite (PostgreSQL when DATABASE_URL is set, else SQLite)
	$(BIN)/mypy > $(VENV)/mypy.out 2>&1 & mypy=$$!; \
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest -n $(PYTEST_WORKERS) --dist $(PYTEST_DIST) \
		$(PYTEST_ARGS); tests=$$?; \
	wait $$mypy; typed=$$?; cat $(VENV)/mypy.out; \
	[ $$tests -eq 0 ] && [ $$typed -eq 0 ]

install: $(VENV)/.installed

# uv installs the packages: about 3 s of CPU against pip's 25 (pip is kept as the fallback).
# uv does not read pip's configuration, so the constraints file that names is passed on, and
# --native-tls trusts the system's certificates as pip's configured ones do.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv
	constraint=$${PIP_CONSTRAINT:-$$($(BIN)/pip config get global.constraint 2>/dev/null)}; \
	$(BIN)/uv pip install --quiet --native-tls --python $(BIN)/python \
		$${constraint:+--constraint "$$constraint"} -e '.[test,dev]' \
	|| $(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# GOV.UK Frontend's fonts, images and script, and our stylesheet compiled from its Sass.
assets: static/.built

static/.built: node_modules/.installed assets/app.scss assets/app.js
	mkdir -p static
	cp -R $(GOVUK)/assets/. static/
	cp $(GOVUK)/govuk-frontend.min.js assets/app.js static/
	node_modules/.bin/sass --load-path=node_modules --style=compressed --quiet-deps \
		--no-source-map assets/app.scss static/app.css
	touch $@

# The benchmark harness (bench/): PostgreSQL on 127.0.0.1:5432 (BENCH_POSTGRES_URL to change),
# wrk for the load. `make bench` takes about 30 minutes on 2 quiet cores, `make bench QUICK=1` about 10.
bench: install
	command -v wrk >/dev/null || apt-get install -y wrk
	$(BIN)/python -m bench.run $(if $(QUICK),--quick)

# ruff; the import contracts in pyproject.toml (layers, independent domains, no cycles, portal/dev
# only for development); the type checker.
lint: lint-quick
	$(BIN)/mypy

lint-quick: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf static node_modules $(VENV) instance
