# Relais — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := app

.PHONY: run test install lint migrate demo worker e2e bench-quick clean

$(STAMP): setup.cfg pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	# py-zammad-cti (the CTI client the tests drive) pins an older requests; its code runs on ours.
	$(BIN)/pip install --quiet --no-deps -c constraints.txt py-zammad-cti classmods
	touch $(STAMP)

install: $(STAMP)

## Serve the back-office on http://127.0.0.1:5000 with a worker (Ctrl-C stops everything).
run: $(STAMP)
	bash scripts/run.sh

## The whole suite (SQLite by default; TEST_DATABASE_URL=postgresql://... for PostgreSQL).
test: $(STAMP)
	bash scripts/test.sh

## Only the end-to-end tests in Chromium (E2E_UPDATE_SCREENSHOTS=1 refreshes docs/screenshots/).
e2e: $(STAMP)
	bash scripts/test.sh tests/e2e

lint: $(STAMP)
	$(BIN)/ruff check .

migrate: $(STAMP)
	$(BIN)/flask db upgrade

demo: $(STAMP)
	$(BIN)/flask demo load

worker: $(STAMP)
	$(BIN)/flask worker

clean:
	rm -rf $(VENV) instance/relais.sqlite3 test-results
