# LDN Forum. `make run` serves the demo; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# make test uses this machine's PostgreSQL unless DATABASE_URL says otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ldnforum

# Django 6.1 needs Python 3.12+; we develop on 3.13. Try each candidate by
# running it and keep the first that really is 3.12 or newer (pyenv shims
# exist but fail unless a version is selected, so existing is not enough).
PYENV_ROOT := $(shell pyenv root 2>/dev/null || echo $$HOME/.pyenv)
PYTHON_CANDIDATES := python3.13 python3.12 \
	$(sort $(wildcard $(PYENV_ROOT)/versions/3.13*/bin/python3)) \
	$(sort $(wildcard $(PYENV_ROOT)/versions/3.12*/bin/python3)) \
	python3.14 $(sort $(wildcard $(PYENV_ROOT)/versions/3.14*/bin/python3)) \
	python3
find_python = $(firstword $(foreach c,$(PYTHON_CANDIDATES),$(shell $(c) -c 'import sys; print(1 if sys.version_info >= (3, 12) else "")' 2>/dev/null | grep -q 1 && echo $(c))))

.PHONY: help run serve test test-fast lint fmt migrations-check install browser clean bench wrk npm java

help:
	@echo "make run               set up .venv, migrate, load the demo, serve on 127.0.0.1:$(PORT)"
	@echo "make serve             production serving: collectstatic, migrate, gunicorn (gunicorn.conf.py)"
	@echo "make test              the whole test suite (PostgreSQL: $(TEST_DATABASE_URL))"
	@echo "make test-fast         the suite without the browser tests (tests/browser)"
	@echo "make browser           install Debian's chromium with apt if it is missing"
	@echo "make lint / make fmt   ruff check and format"
	@echo "make migrations-check  fail if models and migrations disagree"
	@echo "make bench             the figures issue 6 asks for, beside its targets, into var/bench.md"
	@echo "                       (BENCH_QUICK=1: a small smoke run; BENCH_ONLY=pages,posting,queue,"
	@echo "                       throughput,indexes: some parts; BENCH_REDIS_URL: a Redis database"
	@echo "                       it may empty, default $(BENCH_REDIS_URL))"

# The bench: the article page (SQLite and PostgreSQL), posting, the
# moderation queue, throughput (wrk against gunicorn) and the indexes at
# 1,000,000 comments (README: "Benchmarks"). Each part makes, fills and
# drops its own database on the server DATABASE_URL names
# (<name>_bench_<part>) or in a temporary SQLite file; it never touches that
# database itself. It runs with DEBUG off, like production; the secret key
# is only for this process. Fails on errors, never on time.
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/13
bench: install wrk
	DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" \
	BENCH_REDIS_URL="$(BENCH_REDIS_URL)" \
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-bench-only-not-a-secret}" \
	DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_STATIC_MANIFEST=0 DJANGO_EMAIL_BACKEND=locmem \
	$(PY) manage.py bench $(if $(filter-out 0,$(BENCH_QUICK)),--quick) \
		$(if $(BENCH_ONLY),--only $(BENCH_ONLY))

# The throughput bench's load generator, from Debian's packages.
wrk:
	@if ! command -v wrk >/dev/null; then \
		echo "Installing Debian's wrk for the throughput bench"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q wrk; \
	fi

$(VENV)/.installed: requirements.txt requirements-build.txt requirements-dev.txt
	@PY_BIN="$(call find_python)"; \
	if [ -z "$$PY_BIN" ]; then \
		echo "error: LDN Forum needs Python 3.12 or newer; none of these is: $(PYTHON_CANDIDATES)" >&2; \
		exit 1; \
	fi; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
		echo "Creating $(VENV) with $$PY_BIN ($$($$PY_BIN --version))"; \
		rm -rf $(VENV); $$PY_BIN -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-build.txt
	$(PY) -m pip install --quiet --no-build-isolation -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

# Test-only JavaScript (axe-core for the accessibility audits), from the npm
# registry at the exact versions package-lock.json names. Nothing in
# node_modules/ is served.
node_modules/.installed: package.json package-lock.json
	@if ! command -v npm >/dev/null; then \
		echo "Installing Debian's npm for the test tools"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q npm; \
	fi
	npm ci --no-audit --no-fund
	@touch $@

npm: node_modules/.installed

# The HTML validation test runs the Nu Html Checker (vnu.jar) with Java.
java:
	@if ! command -v java >/dev/null; then \
		echo "Installing Debian's Java runtime for the HTML validation test"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q default-jre-headless; \
	fi

run: install
	@mkdir -p var
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production serving: gunicorn with gunicorn.conf.py (workers from the CPU
# count), whitenoise's compressed, hashed static files, and whatever
# DATABASE_URL, REDIS_URL and DJANGO_* say (README: "Running in production").
# DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS are required.
serve: install
	$(PY) manage.py collectstatic --noinput
	$(PY) manage.py migrate --noinput
	$(VENV)/bin/gunicorn -c gunicorn.conf.py

# Browser tests use Debian's Chromium; install it when it is missing. No test
# tool downloads a browser (Playwright's pip package brings none). The
# accessibility audits also need axe-core from npm.
browser: npm
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; \
	fi

test: install npm java browser
	DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" $(PY) -m pytest

test-fast: install java
	DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" $(PY) -m pytest -m "not browser"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
