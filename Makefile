# BuilderOps: `make run` starts everything on embedded defaults; `make test` runs the whole suite.
# Both create .venv and install from pyproject.toml pinned by constraints.txt on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM ?= /usr/bin/chromium

.PHONY: run dev test lint format bench install chromium lock

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@rm -f $(VENV)/.installed-*
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	@touch $@

install: $(STAMP)

# `make run` serves like production: gunicorn + whitenoise, DEBUG off (DJANGO_DEBUG=true to ask
# for Django's debug pages). `make dev`: the same processes, with the auto-reloading development
# server and debug pages, for those who edit code.
run: $(STAMP)
	$(BIN)/python manage.py bootstrap
	DJANGO_DEBUG=$${DJANGO_DEBUG:-false} PATH=$(BIN):$$PATH $(BIN)/honcho -f Procfile start

dev: $(STAMP)
	$(BIN)/python manage.py bootstrap
	BUILDEROPS_DEV=1 DJANGO_DEBUG=$${DJANGO_DEBUG:-true} PATH=$(BIN):$$PATH $(BIN)/honcho -f Procfile start

chromium:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# pytest-xdist: TEST_WORKERS processes; a module's tests all go to one of them, so its browser and
# sandboxes start once. Each worker has its own database, broker keys, cache and folders
# (builderops/settings/test.py).
TEST_WORKERS ?= 2

test: $(STAMP) chromium
	PATH=$(BIN):$$PATH $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test,bench]'
	PATH=$(BIN):$$PATH $(BIN)/python -m benchmarks $(BENCH)

# Re-pin constraints.txt from what is installed (run after changing pyproject.toml).
lock:
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt
