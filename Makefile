# `make run` serves the site, `make test` proves it; both set up a fresh clone first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
FIXTURES := $(sort $(wildcard fixtures/*.json))

.PHONY: run test serve edge data lint checks pytest clean

run: $(VENV)/.runtime-installed data
	$(MANAGE) runserver $(HOST):$(PORT)

test: $(VENV)/.dev-installed data lint checks pytest

# Production: gunicorn (gunicorn.conf.py) with settings from the environment; see the README.
serve: $(VENV)/.runtime-installed
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput
	$(BIN)/gunicorn skillsite.wsgi

# Production behind Debian's nginx (deploy/): gunicorn on sockets in .edge/, nginx in front on
# PORT (8080 unless given), serving static files and uploads itself; see the README.
edge: export PORT := $(if $(filter file,$(origin PORT)),8080,$(PORT))
edge: export HOST := $(HOST)
edge: $(VENV)/.runtime-installed
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput
	exec $(BIN)/python deploy/edge.py run

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

# Migrate and load the initial content; loading is idempotent, so this runs every time.
data:
	$(MANAGE) migrate --noinput
	$(MANAGE) loaddata $(FIXTURES)

# Templates not yet indented to djhtml's rules; take each off this list as it is indented.
UNINDENTED_TEMPLATES := templates/admin templates/registration templates/400.html templates/404.html templates/500.html

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check $(filter-out $(UNINDENTED_TEMPLATES),$(wildcard templates/*)) editorial/templates

checks:
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

pytest:
	$(BIN)/pytest

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .edge .pytest_cache .ruff_cache
