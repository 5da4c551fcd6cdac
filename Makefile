# `make run` starts the whole system; `make test` runs the whole suite.
# Both create the virtual environment and install the pinned dependencies first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test test-unit clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

run: $(VENV)/.installed
	$(PY) -m deploy.supervisor

test: $(VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS) tests

test-unit: $(VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS) tests/unit

clean:
	rm -rf var .pytest_cache
