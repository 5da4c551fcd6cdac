# `make run` starts the whole system; `make test` runs the whole suite.
# Both create the virtual environment and install the pinned dependencies first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test test-unit test-web clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

run: $(VENV)/.installed
	$(PY) -m deploy.supervisor

# Two pytest processes: everything else under eventlet, then the browser tests without
# it (tests/conftest.py says why). Both always run; either failing fails the target.
test: $(VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS) tests; api=$$?; \
	KLUIS_BROWSER_TESTS=1 $(PY) -m pytest -p no:nameko $(PYTEST_ARGS) tests/web; browser=$$?; \
	[ $$api -eq 0 ] && [ $$browser -eq 0 ]

test-web: $(VENV)/.installed
	KLUIS_BROWSER_TESTS=1 $(PY) -m pytest -p no:nameko $(PYTEST_ARGS) tests/web

test-unit: $(VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS) tests/unit

clean:
	rm -rf var .pytest_cache
