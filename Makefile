# The two commands a newcomer needs: `make run` and `make test`. See README.md.
# Production is `make serve` (docs/deployment.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The tests run against this machine's real PostgreSQL and Redis unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/innohealth
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1

.PHONY: run serve worker test lint format bench messages services chromium clean backup restore

$(VENV)/.run-installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.run-installed requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(VENV)/.run-installed
	mkdir -p var
	./scripts/run.sh

# Production: refuses to start without DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and a PostgreSQL
# DATABASE_URL; migrates, collects static files, runs gunicorn on 127.0.0.1:$(PORT).
serve: $(VENV)/.run-installed
	./scripts/serve.sh

worker: $(VENV)/.run-installed
	@test -n "$(REDIS_URL)" || (echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run a worker." >&2; exit 2)
	$(VENV)/bin/celery -A innohealth worker --beat --loglevel INFO

services:
	./scripts/ensure-services.sh

# The PostgreSQL database in DATABASE_URL: `make backup` [BACKUP_DIR=var/backups]
# [BACKUP_KEEP_DAYS=n], `make restore BACKUP_FILE=…`. See docs/operations.md.
backup:
	./scripts/backup.sh

restore:
	./scripts/restore.sh

# Debian packages the tests use: Chromium for the browser tests, a CJK font so Chinese pages are
# legible in their screenshots, gettext for the translation-catalog test.
chromium:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v xgettext >/dev/null || missing="$$missing gettext"; \
	dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing="$$missing fonts-wqy-microhei"; \
	if [ -n "$$missing" ]; then apt-get update -q && apt-get install -y -q $$missing; fi

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: $(VENV)/.dev-installed services chromium lint
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.dev-installed services
	$(PY) bench/scheduling.py
	$(PY) bench/notifications.py --pool prefork --concurrency 2
	$(PY) bench/load.py
	$(PY) bench/pages.py
	$(PY) bench/organiser.py
	$(PY) bench/answers.py
	$(PY) bench/health.py

messages: $(VENV)/.dev-installed
	$(PY) manage.py makemessages --all --ignore=.venv --ignore=bench --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
