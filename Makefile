# `make run` starts the whole system; `make test` runs the whole suite.
# Both create the virtual environment and install the pinned dependencies first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# checkov (the Kubernetes manifest check) in a venv of its own: its pins conflict with ours.
CHECK_VENV ?= .venv-k8s
export CHECKOV := $(abspath $(CHECK_VENV))/bin/checkov

.PHONY: run test test-unit test-web lint k8s-check-venv clean audit-verify

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(CHECK_VENV)/.installed: deploy/k8s/requirements-check.txt
	$(PYTHON) -m venv $(CHECK_VENV)
	$(CHECK_VENV)/bin/pip install --quiet --disable-pip-version-check -r deploy/k8s/requirements-check.txt
	touch $@

k8s-check-venv: $(CHECK_VENV)/.installed

run: $(VENV)/.installed
	$(PY) -m deploy.supervisor

# The lint first (seconds), then the tests in three pytest processes: the end-to-end
# tests beside the unit and integration tests (the e2e tests mostly wait for whole
# systems, leaving a core free; the other run's output follows theirs), all under
# eventlet; then the browser tests without it (tests/conftest.py says why). All always
# run; any failing fails the target. Each prints its slowest tests.
test: $(VENV)/.installed $(CHECK_VENV)/.installed
	$(MAKE) --no-print-directory lint; lint=$$?; \
	mkdir -p var; \
	$(PY) -m pytest --durations=20 $(PYTEST_ARGS) tests/unit tests/integration \
		> var/test-services.log 2>&1 & services=$$!; \
	$(PY) -m pytest --durations=20 $(PYTEST_ARGS) tests/e2e; e2e=$$?; \
	wait $$services; services=$$?; cat var/test-services.log; \
	KLUIS_BROWSER_TESTS=1 $(PY) -m pytest -p no:nameko --durations=10 $(PYTEST_ARGS) tests/web; \
	browser=$$?; \
	[ $$lint -eq 0 ] && [ $$e2e -eq 0 ] && [ $$services -eq 0 ] && [ $$browser -eq 0 ]

# ruff (lint and format, pyproject.toml) over the Python; mypy over the typed contracts
# (the access, events and schemas modules, pyproject.toml [tool.mypy]).
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test-web: $(VENV)/.installed
	KLUIS_BROWSER_TESTS=1 $(PY) -m pytest -p no:nameko $(PYTEST_ARGS) tests/web

test-unit: $(VENV)/.installed $(CHECK_VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS) tests/unit

# Check an exported audit trail offline with only the platform's public key
# (GET /api/v1/audit/public-key): `make audit-verify FILE=export.json KEY=audit-key.pem`.
# Without FILE: the stored streams of this machine's services (docs/privacy.md).
audit-verify: $(VENV)/.installed
	$(PY) -m services.common.audit_verify $(if $(FILE),"$(FILE)",--live) $(if $(KEY),--key "$(KEY)")

clean:
	rm -rf var .pytest_cache
