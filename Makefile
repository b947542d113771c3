# BuilderOps: `make run` starts everything on embedded defaults; `make test` runs the whole suite.
# Both create .venv and install from pyproject.toml pinned by constraints.txt on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint format bench install chromium lock

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@rm -f $(VENV)/.installed-*
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	@touch $@

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py bootstrap
	PATH=$(BIN):$$PATH $(BIN)/honcho -f Procfile start

chromium:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: $(STAMP) chromium
	PATH=$(BIN):$$PATH $(BIN)/python -m pytest $(PYTEST_ARGS)

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
