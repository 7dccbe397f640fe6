# Jintan Reader: set-up, translation cycle, releases, serving and tests. `make help` lists targets.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium
N ?= 10 100 1000 5000
export PYTHONDONTWRITEBYTECODE := 1
export PYTHONPATH := $(CURDIR)

.PHONY: help run publish test install install-dev translations check-catalogs qa-report release prune browser \
        unit clean screenshots bench bench-scale icons export lint audit system ops bench-photos \
        test-lane-servers test-lane-browsers browser-chromium browser-webkit \
        browser-gecko engine-screenshots

help:
	@echo "make run            set up, build a release, serve with gunicorn on 127.0.0.1:8000"
	@echo "make test           everything: lint, unit and browser tests (installs Debian packages if root)"
	@echo "make translations   per-article catalog cycle: extract -> msgmerge -> OpenCC zh_Hant"
	@echo "make check-catalogs fail (file:line) on untranslated, fuzzy or suspicious catalog entries"
	@echo "make qa-report      per-article table for the desk: blocks, translated, fuzzy, QA warnings"
	@echo "make release        validate + compile + switch build/releases/current (not yet served)"
	@echo "make publish        release, then HUP the running gunicorn (pidfile checked) and wait"
	@echo "make prune          delete old releases (keeps the current one and the 3 newest others)"
	@echo "make bench          throughput, shared caches, publishing under load, faults, audits"
	@echo "make bench-photos   photo pipeline, bytes to first view, offline size, Lighthouse with photos"
	@echo "make browser-webkit the reader journeys in one engine (also browser-chromium, browser-gecko)"
	@echo "make ops            operations tests only (real gunicorn, nginx, Varnish, systemd unit)"
	@echo "make bench-scale    cost curves at N synthetic articles (N='10 100 1000 5000')"
	@echo "make export         the whole site as static files in build/site"
	@echo "make icons          render the PNG/ICO app icons from static/icons/icon.svg"
	@echo "make lint           ruff, ESLint, Stylelint (configs in pyproject.toml and lint/)"
	@echo "make unit           the unit tier alone (no server, no browser; < 3 min)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime system
install-dev: $(VENV)/.dev system

# Debian packages the cycle and the tests use: GNU gettext (msgmerge), and for tests Chromium with
# CJK fonts, nginx, Varnish and wrk (started on loopback by the tests themselves, never as services),
# systemd-analyze (checks deploy/systemd) and unshare (read-only mount test).
system:
	@command -v msgmerge >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	  apt-get install -y -qq gettext >/dev/null; } || echo "install GNU gettext (msgmerge)" >&2

# --- translations (see README "Translating") ----------------------------------------------------
translations: install
	$(BIN)/python -m webapp.desk.catalogs update

# coverage (missing, empty, fuzzy, obsolete) and translation QA (numbers, glossary, markup ...)
check-catalogs: install-dev
	$(BIN)/python -m webapp.desk.qa

# the desk's table: per article and locale, blocks, translated, fuzzy, QA warnings
qa-report: install-dev
	$(BIN)/python -m webapp.desk.qa --report

# --- releases and serving ------------------------------------------------------------------------
release: install
	$(BIN)/python -m webapp.publish.build

prune: install
	$(BIN)/python -m webapp.publish.build --no-switch --prune

# A broken article in the working tree does not keep the site down: the build's error is printed
# and the last good release is served (`make release` alone still fails with it).
run: install
	@$(BIN)/python -m webapp.publish.build || { b=$${JINTAN_BUILD_DIR:-build}; [ -e $$b/releases/current ] && \
	  echo "make run: not built; serving the last good release, $$(readlink $$b/releases/current)" >&2; }
	GUNICORN_PIDFILE=$${GUNICORN_PIDFILE:-$${JINTAN_BUILD_DIR:-build}/gunicorn.pid} $(BIN)/gunicorn -c gunicorn.conf.py

# Build, then HUP the master `make run` started, once its pidfile is checked to name it.
publish: install
	$(BIN)/python scripts/publish.py

# --- tests --------------------------------------------------------------------------------------
# Browsers: Chromium (Playwright), and for the other engine tiers of tests/engines Firefox ESR
# (WebDriver BiDi), WebKitGTK's WebKitWebDriver and the X server it needs (Xvfb, xauth).
browser:
	@missing=""; [ -x $(CHROMIUM) ] || missing="chromium"; \
	  fc-list :lang=zh 2>/dev/null | grep -q . || missing="$$missing fonts-noto-cjk"; \
	  for tool in nginx:nginx-light varnishd:varnish wrk:wrk systemd-analyze:systemd unshare:util-linux \
	              firefox-esr:firefox-esr WebKitWebDriver:webkit2gtk-driver Xvfb:xvfb xauth:xauth \
	              xvfb-run:xvfb; do \
	    command -v $${tool%%:*} >/dev/null || [ -x /usr/sbin/$${tool%%:*} ] || missing="$$missing $${tool##*:}"; done; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	    else echo "missing Debian packages:$$missing (install them, or run as root)" >&2; fi; fi

# One engine tier of the cross-engine reader journeys (tests/engines), e.g. to run the three in
# parallel: `make -j3 browser-chromium browser-webkit browser-gecko`.
browser-chromium browser-webkit browser-gecko: browser-%: install-dev release browser
	$(BIN)/python -m pytest tests/engines -m $* -q

# ruff: pyflakes, pycodestyle errors, bugbear, mccabe complexity <= 10 (pyproject.toml);
# ESLint (static/js, tests/js: lint/eslint.config.mjs) and Stylelint (static/css:
# lint/.stylelintrc.json), pinned in lint/package.json. LINT_PATHS narrows ruff.
LINT_PATHS ?= webapp scripts tests wsgi.py gunicorn.conf.py serving.py
lint/node_modules/.installed: lint/package.json lint/package-lock.json
	cd lint && npm ci --ignore-scripts --no-audit --no-fund --silent
	touch $@

lint: install-dev lint/node_modules/.installed
	$(BIN)/ruff check $(LINT_PATHS)
	lint/node_modules/.bin/eslint -c lint/eslint.config.mjs static/js tests/js
	lint/node_modules/.bin/stylelint --config lint/.stylelintrc.json "static/css/*.css"

# the unit tier only (Flask's test client, node for the worker's functions): no server, no browser
unit: install-dev release
	$(BIN)/python -m pytest -m unit -q

# Every tier, in two lanes at once on a 2-core machine (docs/contributors.md, "Tests"): the
# unit and ops tiers in one, every browser tier (Chromium, offline, WebKit, Gecko) in the other.
# Each lane has its own pytest temp folder; its output is printed whole when it ends.
# (The temp folders are outside the project: messages name project files by relative path.)
test: install-dev release browser lint
	@tmp=$$(mktemp -d $${TMPDIR:-/tmp}/jintan-tests.XXXXXX); \
	  $(MAKE) --no-print-directory -j2 --output-sync=target TEST_TMP=$$tmp \
	    test-lane-servers test-lane-browsers; rc=$$?; rm -rf $$tmp; exit $$rc

TEST_TMP ?= $(shell mktemp -d $${TMPDIR:-/tmp}/jintan-tests.XXXXXX)
test-lane-servers:
	$(BIN)/python -m pytest -q -m "unit or ops" --basetemp=$(TEST_TMP)/servers

# tests/engines in a process of its own: its Chromium is a Playwright instance of its own, which
# cannot share a process with pytest-playwright's (one sync Playwright per event loop)
test-lane-browsers:
	@rc=0; $(BIN)/python -m pytest -q -m "browser" --ignore=tests/engines \
	  --basetemp=$(TEST_TMP)/browsers || rc=1; \
	  $(BIN)/python -m pytest -q tests/engines --basetemp=$(TEST_TMP)/engines || rc=1; exit $$rc

clean:
	rm -rf build .pytest_cache

screenshots: install-dev release browser
	$(BIN)/python scripts/screenshots.py

# the article and front page in Chromium, WebKitGTK and Firefox ESR, phone and desktop
engine-screenshots: install-dev release browser
	$(BIN)/python scripts/engine_screenshots.py

# cairosvg needs the cairo library (Debian's chromium pulls it in; else apt-get install libcairo2)
icons: install-dev
	$(BIN)/python scripts/make_icons.py

bench: install-dev release browser
	@[ -x bench/node_modules/.bin/lighthouse ] || (cd bench && npm i -E --ignore-scripts --no-audit --no-fund)
	@# Observatory's install script would download a list from the internet: give it an empty one
	@f=bench/node_modules/@mdn/mdn-http-observatory/conf/hsts-preload.json; [ -s $$f ] || echo '{}' > $$f
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_photos.py

# photos (docs/photos.md): processing time, bytes to first view, sizes, offline, Lighthouse
bench-photos: install-dev browser
	@[ -x bench/node_modules/.bin/lighthouse ] || (cd bench && npm i -E --ignore-scripts --no-audit --no-fund)
	$(BIN)/python scripts/bench_photos.py

# Operations tests alone (tests/ops: HUP publishing, caches, deploy/, metrics, faults; ~3 min).
ops: install-dev browser
	$(BIN)/python -m pytest tests/ops -q

bench-scale: install-dev browser
	$(BIN)/python scripts/bench_scale.py $(N)

audit: install-dev
	$(BIN)/python scripts/audit.py

# Static export for a CDN (see README "Scaling out"): the whole site as files in build/site.
export: release
	$(BIN)/python -m webapp.publish.export build/site
