# The two set-up commands (see README): `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA_DIR ?= footfall-data

.PHONY: run test install install-test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

## Install Footfall, generate demo data once, and serve it on http://127.0.0.1:8000
run: install
	$(BIN)/footfall demo --data-dir $(DATA_DIR) --if-empty
	$(BIN)/footfall serve --data-dir $(DATA_DIR)

install-test: $(BIN)/python
	scripts/install-test-deps.sh
	$(BIN)/pip install --quiet -e '.[test]' -e ./client

## Install everything the tests need (chromium included) and run the whole suite
test: install-test
	$(BIN)/ruff check src tests bench client
	$(BIN)/pytest tests client/tests

lint: install-test
	$(BIN)/ruff check src tests bench client
	$(BIN)/ruff format --check src tests bench client

## Benchmarks: ingestion throughput, query latency, tracker size (prints figures and ratios)
bench: install-test
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache
