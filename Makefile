# Two entry points: `make serve` and `make test`. Both build .venv from nothing when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

NIMBOSTACK_HOST ?= 127.0.0.1
NIMBOSTACK_PORT ?= 8080
NIMBOSTACK_DATA_DIR ?= ./data
export NIMBOSTACK_HOST NIMBOSTACK_PORT NIMBOSTACK_DATA_DIR

.PHONY: serve test lint typecheck bench coverage-doc clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/nimbostack serve

# The suite runs on SQLite, then again on PostgreSQL and MariaDB (each test server gets a fresh database).
TEST_PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
TEST_MARIADB_URL ?= mysql://root@127.0.0.1:3306/test

test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q
	NIMBOSTACK_DB_URL=$(TEST_PG_URL) $(BIN)/pytest -q -m "not sqlite_only"
	NIMBOSTACK_DB_URL=$(TEST_MARIADB_URL) $(BIN)/pytest -q -m "not sqlite_only"

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/api.py

coverage-doc: $(STAMP)
	$(BIN)/nimbostack api-coverage --catalogue ../shared/reference/api-catalogue.json --output docs/api-coverage.md

clean:
	rm -rf $(VENV) build src/*.egg-info
