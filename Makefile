# Jintan Reader: set-up, translation cycle, serving and tests. `make help` lists targets.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PYBABEL := PYTHONPATH=. $(BIN)/pybabel
CHROMIUM ?= /usr/bin/chromium
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help run test install install-dev extract update compile translations check-catalogs qa-report \
        browser unit clean screenshots bench icons export zh-hant

help:
	@echo "make run          venv + install + compile catalogs + gunicorn on 127.0.0.1:8000"
	@echo "make test         everything: unit tests and browser tests (installs Chromium if root)"
	@echo "make translations extract -> update -> zh-hant -> compile, both domains"
	@echo "make zh-hant      refresh the Traditional Chinese catalogs from the Simplified source (OpenCC)"
	@echo "make check-catalogs  coverage + translation QA of every catalog (python -m webapp.qa)"
	@echo "make qa-report    the desk's per-article table: blocks, translated, fuzzy, QA warnings"
	@echo "make icons        render the PNG app icons from static/icons/icon.svg"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

# --- translations (the pybabel cycle; see README "Translating") ---------------------------
extract: install
	$(PYBABEL) extract -F babel.cfg --no-wrap --sort-by-file -c TRANSLATORS: \
	  --project="Jintan Reader" --copyright-holder="Jintan Reader" \
	  -o translations/article.pot content
	$(PYBABEL) extract -F babel.cfg --no-wrap --sort-by-file -c TRANSLATORS: -k lazy_gettext \
	  --project="Jintan Reader" --copyright-holder="Jintan Reader" \
	  -o translations/messages.pot webapp templates

update: extract
	PYTHONPATH=. $(BIN)/python -m webapp.catalogs update --no-wrap --previous --ignore-pot-creation-date -D article -i translations/article.pot -d translations -l en
	PYTHONPATH=. $(BIN)/python -m webapp.catalogs update --no-wrap --previous --ignore-pot-creation-date -D messages -i translations/messages.pot -d translations -l zh

# zh_Hant/LC_MESSAGES/{article,messages}.po from the Simplified source with OpenCC (s2twp);
# entries corrected by hand are kept (rule: webapp/hant.py). Needs the .pot files: after update.
zh-hant: update
	$(BIN)/python -m webapp.hant translations

compile: install
	@# every catalog must read cleanly first (BOM, bad syntax, duplicates: file:line errors),
	@# so compiling and `make check-catalogs` agree on what is an error (webapp/catalogs.py)
	$(BIN)/python -m webapp.qa --syntax
	@# every locale folder holding the domain's .po (en, zh, zh_Hant ...) is compiled.
	@# fuzzy entries are left out (no -f): a changed source paragraph shows its Chinese until reviewed
	$(PYBABEL) compile -D article -d translations
	$(PYBABEL) compile -D messages -d translations

translations: zh-hant
	@$(MAKE) --no-print-directory compile

# Coverage (fuzzy, empty, missing, obsolete, placeholders) and translation QA (numbers,
# glossary, scripts, quotes, spacing, markup, length): webapp/qa.py, file:line per problem.
check-catalogs: install-dev
	$(BIN)/python -m webapp.qa

qa-report: install-dev
	$(BIN)/python -m webapp.qa --report

# --- serving ----------------------------------------------------------------------------------
run: compile
	$(BIN)/gunicorn -c gunicorn.conf.py

# --- tests ------------------------------------------------------------------------------------
browser:
	@# Debian's Chromium for the browser tests, and CJK fonts so Chinese renders (not tofu)
	@missing=""; [ -x $(CHROMIUM) ] || missing="chromium"; \
	  fc-list :lang=zh 2>/dev/null | grep -q . || missing="$$missing fonts-noto-cjk"; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
	    else echo "missing Debian packages:$$missing (install them, or run as root)" >&2; fi; fi

unit: install-dev compile
	$(BIN)/python -m pytest -m "not browser" -q

test: install-dev compile browser
	$(BIN)/python -m pytest -q

clean:
	rm -rf build translations/*.pot translations/*/LC_MESSAGES/*.mo .pytest_cache

screenshots: install-dev compile browser
	$(BIN)/python scripts/screenshots.py

# cairosvg needs the cairo library (Debian's chromium pulls it in; else apt-get install libcairo2)
icons: install-dev
	$(BIN)/python scripts/make_icons.py

bench: install-dev compile browser
	@command -v wrk >/dev/null && command -v nginx >/dev/null || \
	  { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk nginx-light; }
	@[ -x bench/node_modules/.bin/lighthouse ] || (cd bench && npm i -E --ignore-scripts --no-audit --no-fund)
	@# Observatory's install script would download a list from the internet: give it an empty one
	@f=bench/node_modules/@mdn/mdn-http-observatory/conf/hsts-preload.json; [ -s $$f ] || echo '{}' > $$f
	$(BIN)/python scripts/bench.py

# Static export for a CDN (see README "Scaling out"): the whole site as files in build/site.
export: compile
	$(BIN)/python -m webapp.export build/site
