# Risicoanalyse integriteit — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-test init demo serve e2e bench lint audit-deps migration clean help

help:
	@echo "make run    - installeer, initialiseer instance/ en demo, start op http://$(HOST):$(PORT)"
	@echo "make test   - installeer met testafhankelijkheden en draai de volledige testsuite"
	@echo "make bench  - draai de benchmarks in bench/"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

install: $(STAMP)
install-test: $(TEST_STAMP)

init: install
	$(BIN)/integrity-tool init

demo: init
	$(BIN)/integrity-tool demo

# The local demo serves plain http on the loopback interface, so cookies are not marked Secure there.
run: demo
	@echo "De app draait op http://$(HOST):$(PORT)  (stoppen: Ctrl+C)"
	@echo "Inloggegevens kwijt? '$(BIN)/integrity-tool demo --show' toont ze opnieuw (nieuwe wachtwoorden);"
	@echo "'$(BIN)/integrity-tool user reset-password EMAIL' geeft een eenmalige herstellink."
	INTEGRITY_TOOL_SESSION_COOKIE_SECURE=false INTEGRITY_TOOL_BASE_URL=http://$(HOST):$(PORT) \
	$(BIN)/gunicorn -c gunicorn.conf.py --bind $(HOST):$(PORT) 'integrity_tool:create_app()'

test: install-test
	./scripts/ensure-system-packages
	./scripts/ensure-oidc-provider
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Each script prints its figures and ends with one JSON line holding figures, targets and "ok".
bench: install-test
	@status=0; for script in bench/scoring.py bench/reports.py bench/griffie.py bench/load.py; do \
	  echo "== $$script"; $(BIN)/python $$script || status=1; done; exit $$status

audit-deps: install-test
	$(BIN)/pip-audit --skip-editable --progress-spinner off

migration: install
	INTEGRITY_TOOL_ENV=development $(BIN)/flask --app integrity_tool db migrate -m "$(MSG)"

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
