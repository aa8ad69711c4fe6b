# The README's two commands are `make run` and `make test`; both create .venv and install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TRACKER_ADDR ?= 127.0.0.1:8000
# Where the service tests find PostgreSQL and Redis (CI has both on these addresses).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tracker
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15

export TRACKER_ADDR

.PHONY: run test test-fast test-services lint bench loadtest install install-dev clean vendor

# Every package comes through pip's own configuration (PIP_INDEX_URL, pip.conf: a government
# network's mirror); no index address is written here. When the system Python's venv has no
# ensurepip (Debian without python3-venv), the system's pip downloads pip's wheel, again through
# its configuration, and that wheel installs pip into the venv.
PIP_MISSING := 需要 python3-venv 或 python3-pip（Debian：apt-get install python3-venv）/ \
  the system Python has neither ensurepip nor pip: install python3-venv (or python3-pip)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "需要 Python 3.11 或更高版本 / Python 3.11+ is required"; exit 1; }
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv has no ensurepip here; fetching pip through the system pip's configuration"; \
	  rm -rf $(VENV) && $(PYTHON) -m venv --without-pip $(VENV) && \
	  $(PYTHON) -m pip --version >/dev/null 2>&1 || { echo "$(PIP_MISSING)"; rm -rf $(VENV); exit 1; }; \
	  tmp=$$(mktemp -d) && $(PYTHON) -m pip download --quiet --no-deps --only-binary=:all: -d $$tmp pip && \
	  wheel=$$(ls $$tmp/pip-*.whl) && $(BIN)/python $$wheel/pip install --quiet $$wheel && rm -rf $$tmp; }
	@$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: install, migrate, load the demo into an empty database, start web + worker + beat.
run: export DJANGO_DEBUG ?= true
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py load_demo --if-empty
	@echo "启动网站、Celery worker 和 beat（Ctrl-C 结束）：http://$(TRACKER_ADDR)/"
	PATH="$(CURDIR)/$(BIN):$$PATH" exec $(BIN)/honcho -f Procfile start

## make test: lint and types, the suite on SQLite, then the whole suite again on PostgreSQL + Redis
## (the `services` tests, a real Celery worker among them, run only in that second pass).
test: install-dev lint test-fast test-services

# mypy is strict on tracker (pyproject's [tool.mypy]); extraction keeps its own settings until
# its branch lands.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy tracker extraction

test-fast: install-dev
	$(BIN)/python -m pytest -m "not services"

# The browser tests ran in the SQLite pass; the service pass is about the databases and brokers.
test-services: install-dev
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
	  $(BIN)/python -m pytest -m "not browser"

bench: install-dev
	@for script in bench/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var

## make vendor: refresh the browser libraries in tracker/static/vendor/ from the npm registry.
## They are committed, so neither `make run` nor a production server needs npm or a CDN; this
## target is how they got there, with each file checked against the sha256 recorded here.
ECHARTS_VERSION := 6.1.0
ECHARTS_SHA256 := 61f13280aba3161f77fc801bf5f9c786f55f10432153a0683fc5cc0700b013d5
HTMX_VERSION := 2.0.11
HTMX_SHA256 := d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717
vendor:
	@tmp=$$(mktemp -d) && cd $$tmp && \
	  npm pack --silent echarts@$(ECHARTS_VERSION) htmx.org@$(HTMX_VERSION) >/dev/null && \
	  mkdir e h && tar xzf echarts-$(ECHARTS_VERSION).tgz -C e && tar xzf htmx.org-$(HTMX_VERSION).tgz -C h && \
	  echo "$(ECHARTS_SHA256)  e/package/dist/echarts.common.min.js" | sha256sum -c - && \
	  echo "$(HTMX_SHA256)  h/package/dist/htmx.min.js" | sha256sum -c - && \
	  cp e/package/dist/echarts.common.min.js e/package/LICENSE $(CURDIR)/tracker/static/vendor/echarts/ && \
	  cp h/package/dist/htmx.min.js h/package/LICENSE $(CURDIR)/tracker/static/vendor/htmx/ && \
	  rm -rf $$tmp

## make loadtest: the deadline's load (issue 19): gunicorn (2 workers, production settings) on a
## PostgreSQL database of its own + Redis + a Celery worker, Locust for at most 3 minutes, then
## the database check. Not part of `make test`.
LOADTEST_DATABASE_URL ?= $(TEST_DATABASE_URL)
LOADTEST_BROKER_URL ?= $(TEST_BROKER_URL)
loadtest: install-dev
	LOADTEST_DATABASE_URL=$(LOADTEST_DATABASE_URL) LOADTEST_BROKER_URL=$(LOADTEST_BROKER_URL) \
	  $(BIN)/python bench/loadtest/run.py
