# Headway: `make run` serves the app with demo data; `make test` runs the whole suite.
# Both set up what they need first and skip steps already done.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
INSTANCE_PATH ?= $(CURDIR)/instance
export INSTANCE_PATH PORT
FLASK := $(BIN)/flask --app app:create_app
LANGS := fr sw
# The shell's catalogue is app/translations; an area with its own keeps it in app/<area>/translations.
AREA_CATALOGS := $(wildcard app/*/translations)
AREAS_WITH_CATALOGS := $(patsubst app/%/translations,%,$(AREA_CATALOGS))
PO_FILES := $(wildcard app/translations/*/LC_MESSAGES/messages.po app/*/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test setup test-setup tools browser front-server translations messages db demo lint lock clean

run: setup db demo
	@echo "Headway is at http://127.0.0.1:$(PORT)  (data in $(INSTANCE_PATH); Ctrl-C stops it)"
	HEADWAY_SESSION_COOKIE_SECURE=$${HEADWAY_SESSION_COOKIE_SECURE:-false} \
	HEADWAY_REMEMBER_COOKIE_SECURE=$${HEADWAY_REMEMBER_COOKIE_SECURE:-false} \
	HEADWAY_DEFAULT_REGION=$${HEADWAY_DEFAULT_REGION:-KE} \
	HEADWAY_INPROCESS_WORKER=1 \
	$(BIN)/gunicorn --config app/gunicorn.conf.py --bind 127.0.0.1:$(PORT) --workers 1 \
		--timeout 120 --access-logfile - wsgi:app

# pytest-xdist: one worker per core, a file's tests on one worker (tests/conftest.py says
# why); TEST_WORKERS=0 runs them in this one process.
TEST_WORKERS ?= auto
test: test-setup
	CI=$${CI:-} $(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

setup: $(VENV)/.installed tools translations
test-setup: setup $(VENV)/.test-installed browser front-server

# Exact versions, with their hashes, from the lock files: a fresh machine gets what CI tested.
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed requirements-test.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-test.lock
	touch $@

# Resolve pyproject.toml's ranges afresh into the lock files (after changing a dependency, or
# to take updates); pip-tools runs in a throwaway venv, so it is no dependency of Headway's.
lock:
	rm -rf $(VENV)-lock && $(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/python -m pip install --quiet --upgrade pip pip-tools
	$(VENV)-lock/bin/pip-compile --quiet --upgrade --strip-extras --generate-hashes \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(VENV)-lock/bin/pip-compile --quiet --upgrade --strip-extras --generate-hashes \
		--no-emit-index-url --no-emit-find-links --extra test -o requirements-test.lock pyproject.toml
	rm -rf $(VENV)-lock

# ffmpeg and ffprobe come from Debian; as root we install them, otherwise we say how.
tools:
	@if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing ffmpeg with apt-get…"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null; \
		else \
			echo "Headway needs ffmpeg and ffprobe. Install them with: sudo apt-get install ffmpeg"; exit 1; \
		fi; \
	fi

browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Chromium with apt-get for the browser tests…"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "The browser tests need Debian's Chromium. Install it with: sudo apt-get install chromium"; exit 1; \
		fi; \
	fi

# nginx, the reference deployment's front server (app/deploy/nginx.conf), for its test.
front-server:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing nginx with apt-get for the scaled-out test…"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; \
		else \
			echo "The scaled-out test needs nginx. Install it with: sudo apt-get install nginx-light"; exit 1; \
		fi; \
	fi

translations: $(VENV)/.installed $(MO_FILES)

%.mo: %.po
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

# Extract new strings into every catalogue (the shell's and each area's own). The shell's also
# holds media_pipeline's messages, marked N_() there and translated when a page shows them.
messages: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F app/babel.cfg -k _l -k N_ -o app/translations/messages.pot \
		$(if $(AREAS_WITH_CATALOGS),--ignore-dirs="$(AREAS_WITH_CATALOGS)") app media_pipeline
	@for area in $(AREAS_WITH_CATALOGS); do \
		$(BIN)/pybabel -q extract -F app/babel.cfg -k _l -k N_ -o app/$$area/translations/messages.pot app/$$area; \
	done
	@for dir in app/translations $(AREA_CATALOGS); do for lang in $(LANGS); do \
		if [ -f $$dir/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel -q update --no-fuzzy-matching -i $$dir/messages.pot -d $$dir -l $$lang; \
		else $(BIN)/pybabel -q init -i $$dir/messages.pot -d $$dir -l $$lang; fi; \
	done; done

db: setup
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo load

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) $(VENV)-lock instance .pytest_cache .ruff_cache
	find app -name '*.mo' -delete
