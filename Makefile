# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
MARIADB_URL ?= mysql://root@127.0.0.1:3306/mailadmin
HOST ?= 127.0.0.1
# Test workers (pytest-xdist): one per core. The mail-stack tests share one worker, since
# Courier reads compiled-in paths (tests/conftest.py groups them).
TEST_WORKERS ?= auto
PYTEST := -m pytest -p no:cacheprovider -n $(TEST_WORKERS) --dist loadgroup
PORT ?= 8000

.PHONY: run test test-sqlite test-mariadb lint install clean screenshots messages compilemessages

$(VENV)/.installed: pyproject.toml
	scripts/install-system-deps.sh build
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed compilemessages

# The French and German catalogues: locale/*/LC_MESSAGES/django.po are committed, the .mo
# files are built from them (gettext's msgfmt) and never committed.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
compilemessages: $(MO_FILES)
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(VENV)/.installed
	$(PY) manage.py compilemessages --locale=$* -v0

# After adding or changing a string: refresh the catalogues, then translate the new entries.
messages: $(VENV)/.installed
	$(PY) manage.py makemessages --locale=fr --locale=de --no-obsolete \
	  --ignore=node_modules --ignore=var --ignore=bench --ignore=tests --ignore=docs \
	  --ignore=build --ignore='*.egg-info'

# The browser tests' own files (axe-core), pinned in package-lock.json, from the npm registry.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

run: $(VENV)/.installed compilemessages
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_demo
	$(PY) manage.py collectstatic --no-input -v0
	@echo "Serving Mailadmin on http://$(HOST):$(PORT)/"
	$(VENV)/bin/gunicorn mailadmin.wsgi --config gunicorn.conf.py --bind $(HOST):$(PORT) --access-logfile -

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(PY) scripts/check-messages.py

# Every test on SQLite, then every test again on MariaDB (the production engine), which adds
# the MariaDB-only schema tests and the real mail-stack layer.
test: $(VENV)/.installed
	scripts/install-system-deps.sh test
	$(MAKE) --no-print-directory node_modules/.installed
	scripts/ensure-mariadb.sh
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-mariadb

test-sqlite: $(VENV)/.installed compilemessages
	env -u DATABASE_URL $(PY) $(PYTEST) -m "not mariadb and not mailstack"

test-mariadb: $(VENV)/.installed compilemessages
	DATABASE_URL=$(MARIADB_URL) MAILADMIN_TEST_ENGINE=mysql $(PY) $(PYTEST)

# Screenshots of the panel's main pages (headless Chromium), for the docs.
screenshots: $(VENV)/.installed node_modules/.installed compilemessages
	env -u DATABASE_URL MAILADMIN_SCREENSHOTS=docs/screenshots $(PY) -m pytest tests/browser/test_postmaster_browser.py tests/browser/test_languages_browser.py -m browser -p no:cacheprovider -q

clean:
	rm -rf $(VENV) var *.egg-info
