# Synovia: `make run` serves the app on SQLite with the evidence loaded; `make test` runs the
# whole suite against a real PostgreSQL (the one on 127.0.0.1:5432, or a throwaway cluster).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
SYNOVIA := $(VENV)/bin/synovia
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install test-deps run test bench eval lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

install: $(VENV)/.installed

$(VENV)/.test-installed: $(VENV)/.installed
	$(PIP) install -q -e '.[test]'
	touch $@

test-deps: $(VENV)/.test-installed
	@scripts/test-deps.sh

run: install
	$(SYNOVIA) db upgrade
	$(SYNOVIA) evidence load
	$(SYNOVIA) directory import data/directory/sample_listings.csv --update
	$(SYNOVIA) users ensure-admin
	$(SYNOVIA) serve --host $(HOST) --port $(PORT)

test: test-deps
	SYNOVIA_TEST_STRICT=1 scripts/with-postgres.sh $(PY) -m pytest -q $(PYTEST_ARGS)

bench: install
	$(PY) bench/run_all.py

# The development sets: ask (questions) and check (labelled articles), and the held-out sets
# the rules were not tuned on first. Prints one scorecard each.
eval: $(VENV)/.test-installed
	$(PY) eval/score_ask.py
	$(PY) eval/score_ask.py eval/ask/holdout.yaml
	$(PY) eval/score_ask.py eval/ask/holdout2.yaml
	$(PY) eval/score_ask.py eval/ask/holdout3.yaml
	$(PY) eval/score_ask.py eval/ask/holdout4.yaml
	$(PY) eval/score_ask.py eval/ask/holdout5.yaml
	$(PY) eval/score_check.py
	$(PY) eval/score_check.py --labels eval/check/labels-holdout.yaml
	$(PY) eval/score_check.py --labels eval/check/labels-holdout2.yaml
	$(PY) eval/score_check.py --labels eval/check/labels-holdout3.yaml

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check src tests bench eval

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
