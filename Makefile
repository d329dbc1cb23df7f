# Two commands matter: `make run` (set up and serve) and `make test` (install and test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-postgres test-browser lint format check superuser screenshots serve bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,browser]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py demo_content --domain $(HOST):$(PORT)
	@echo ""
	@echo "Site:  http://$(HOST):$(PORT)/"
	@echo "Admin: http://$(HOST):$(PORT)/admin/  (demo logins were printed on the first run;"
	@echo "       'make superuser' creates a login of your own)"
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -m "not browser and not redis and not scale"

test-browser: $(STAMP)
	$(BIN)/python -m pytest -m browser

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

superuser: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py createsuperuser

screenshots: $(STAMP)
	$(BIN)/python -m pytest -m browser tests/test_screenshots.py

# Production: gunicorn (newsroom/gunicorn.conf.py) with DEBUG off. Needs SECRET_KEY,
# ALLOWED_HOSTS and usually DATABASE_URL and REDIS_URL in the environment (README, Production).
serve: $(STAMP)
	@test -n "$$SECRET_KEY" || { echo "SECRET_KEY is not set; see the README, Production."; exit 1; }
	DEBUG= $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DEBUG= BIND="$${BIND:-$(HOST):$(PORT)}" $(BIN)/gunicorn -c newsroom/gunicorn.conf.py

# The benchmark (README, Performance): a dedicated PostgreSQL database and Redis db number.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/newsroom_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/5
bench: $(STAMP)
	@command -v wrk >/dev/null && command -v nginx >/dev/null || \
	  { apt-get update -qq && apt-get install -y -qq wrk nginx >/dev/null; }
	DEBUG= SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(40))')" \
	  ALLOWED_HOSTS=127.0.0.1,localhost CACHE_KEY_PREFIX=bench \
	  DATABASE_URL="$(BENCH_DATABASE_URL)" REDIS_URL="$(BENCH_REDIS_URL)" \
	  $(BIN)/python manage.py bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
