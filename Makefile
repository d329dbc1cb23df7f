# Two commands matter: `make run` (set up and serve) and `make test` (install and test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PROD_STAMP := $(VENV)/.installed-prod
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install install-prod run test test-browser fault-test backup restore lint format superuser screenshots serve bench clean bench-search bench-wordpress

help:  ## this list
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 24

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,browser]"
	touch $(STAMP)

install: $(STAMP)  ## virtualenv with the test and browser tools (make test does it)

# Production: the virtualenv with what the site runs on only (no test or browser tools).
$(PROD_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $(PROD_STAMP)

install-prod: $(PROD_STAMP)  ## virtualenv with only what the site runs on (production)

# Development settings for every `manage.py` command in this checkout (git-ignored); a
# process that has SECRET_KEY in its environment (production) never reads it.
.env: | $(BIN)/python
	@printf 'DEBUG=1\nSECRET_KEY=%s\n' "$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "Wrote .env (DEBUG=1 and a generated SECRET_KEY) for manage.py in this checkout."

run: $(STAMP) .env  ## set up everything (venv, migrations, demo content, .env) and serve on SQLite
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py demo_content --domain $(HOST):$(PORT)
	@echo ""
	@echo "Site:  http://$(HOST):$(PORT)/"
	@echo "Admin: http://$(HOST):$(PORT)/admin/  (demo logins were printed on the first run;"
	@echo "       'make superuser' creates a login of your own)"
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP)  ## install, then ruff and the test suite on SQLite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -m "not browser and not redis and not fault and not scale"

# Starts private PostgreSQL, Redis and gunicorn processes on 127.0.0.1 (ports 5440-5441,
# 6390, 8301), kills and restarts them under load, and prints what the readers got.
fault-test: $(STAMP)  ## kill Redis and restart PostgreSQL under load; restore a backup
	$(BIN)/python -m pytest -m fault

# Backups of the DATABASE_URL database and the uploads: MEDIA_ROOT, or the S3 bucket when
# AWS_STORAGE_BUCKET_NAME is set (README "Backups"; resume a cut copy with BACKUP_ARGS=
# "--resume var/backups/<folder>").
backup: $(STAMP)  ## back up the DATABASE_URL database and the uploads (MEDIA_ROOT or the S3 bucket)
	$(BIN)/python manage.py backup $(BACKUP_ARGS)

restore: $(STAMP)  ## restore a backup: make restore FROM=var/backups/<folder> INTO=<new db>
	@if [ -z "$(FROM)" ] || [ -z "$(INTO)" ]; then \
	  echo "Usage: make restore FROM=var/backups/<folder> INTO=<new database name>"; exit 2; fi
	$(BIN)/python manage.py restore "$(FROM)" --database "$(INTO)"

# Checkers the browser suite injects or runs (axe-core, the Nu HTML Checker), kept out of git.
NODE_TOOLS := var/node-tools
$(NODE_TOOLS)/.installed:
	mkdir -p $(NODE_TOOLS)
	npm install --prefix $(NODE_TOOLS) --no-audit --no-fund --silent axe-core@4 vnu-jar@26
	touch $@

test-browser: $(STAMP) $(NODE_TOOLS)/.installed  ## the browser suite (Playwright driving Debian's chromium)
	$(BIN)/python -m pytest -m browser

lint: $(STAMP)  ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)  ## ruff fix and format
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

superuser: $(STAMP)  ## create an admin login of your own (asks for its name and password)
	@test -t 0 || { echo "make superuser asks for a name and a password: run it in a terminal. Without one:"; \
		echo "  DJANGO_SUPERUSER_PASSWORD=... .venv/bin/python manage.py createsuperuser --noinput --username NAME --email ADDRESS"; exit 2; }
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py createsuperuser

screenshots: $(STAMP)  ## the browser suite, leaving PNGs in var/screenshots/
	$(BIN)/python -m pytest -m browser tests/test_browser_site.py
	@echo "Screenshots are in var/screenshots/"

# Times search at 10,000 and 100,000 generated articles on the database DATABASE_URL names
# (a SQLite file of its own by default); the first run spends a few minutes writing them.
# The code is in tests/bench/ (never shipped); it refuses a database without "bench" in its
# name unless BENCH_SEARCH_ARGS has --yes-destroy. BENCH_SEARCH_ARGS="--sizes 10000" etc.;
# "--cold-pages 2" then loads each query's search page for 2 s (gunicorn, wrk, and Redis at
# REDIS_URL, by default the one make bench uses).
BENCH_SEARCH_DATABASE_URL ?= sqlite:///var/bench-search.sqlite3
bench-search: $(STAMP)  ## time search at 10,000 and 100,000 articles
	@case "$(BENCH_SEARCH_ARGS)" in *--cold-pages*) command -v wrk >/dev/null || \
	  { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } ;; esac
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_SEARCH_DATABASE_URL)} DEBUG=1 \
	  $(BIN)/python -m tests.bench.search $(BENCH_SEARCH_ARGS)

# Peak memory of `manage.py import_wordpress` on generated exports of 2,000 and 20,000 posts
# (README, Moving from WordPress), each into a fresh SQLite file in a temporary folder; the
# code is in tests/bench/wordpress.py. BENCH_WORDPRESS_ARGS="--sizes 500,5000" etc.
bench-wordpress: $(STAMP)  ## peak memory of the WordPress import, 2,000 and 20,000 posts
	DEBUG=1 $(BIN)/python -m tests.bench.wordpress $(BENCH_WORDPRESS_ARGS)

# Production: gunicorn (newsroom/gunicorn.conf.py) with DEBUG off. Needs SECRET_KEY,
# ALLOWED_HOSTS, DATABASE_URL and REDIS_URL in the environment (README, Running in production);
# without REDIS_URL, gunicorn refuses more than one worker. A development install will do.
serve: $(if $(wildcard $(STAMP)),$(STAMP),$(PROD_STAMP))  ## production: translations, collectstatic, then gunicorn with DEBUG off
	@test -n "$$SECRET_KEY" || { echo "SECRET_KEY is not set; see the README, Production."; exit 1; }
	@if ls locale/*/LC_MESSAGES/django.po >/dev/null 2>&1; then \
		DEBUG= $(BIN)/python manage.py compilemessages --ignore .venv --verbosity 0; fi
	DEBUG= $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DEBUG= BIND="$${BIND:-$(HOST):$(PORT)}" $(BIN)/gunicorn -c newsroom/gunicorn.conf.py

# The benchmark (README, Performance): a dedicated PostgreSQL database and Redis db number.
# The code is in tests/bench/ (never shipped); it refuses a database without "bench" in its
# name unless BENCH_ARGS has --yes-destroy. BENCH_ARGS="--only pages" or "--only working" runs
# one scenario: each page type cold and warm, or the newsroom at work (readers while editors,
# a moderator and a reporter change the site).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/newsroom_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/5
bench: $(STAMP)  ## pages under load, also while the newsroom works (PostgreSQL, Redis, gunicorn, nginx, Varnish, wrk)
	@command -v wrk >/dev/null && command -v nginx >/dev/null && command -v varnishd >/dev/null \
	  && dpkg -s varnish-modules >/dev/null 2>&1 || \
	  { apt-get update -qq && apt-get install -y -qq wrk nginx varnish varnish-modules >/dev/null; }
	DEBUG= SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(40))')" \
	  ALLOWED_HOSTS=127.0.0.1,localhost CACHE_KEY_PREFIX=bench \
	  DATABASE_URL="$(BENCH_DATABASE_URL)" REDIS_URL="$(BENCH_REDIS_URL)" \
	  $(BIN)/python -m tests.bench.load $(BENCH_ARGS)

clean:  ## remove the virtualenv and var/
	rm -rf $(VENV) var
