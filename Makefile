# gknb — two commands on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup site site-zensical serve test test-fast lint clean golden

setup: $(STAMP)

# Pagefind (the search indexer) comes from npm, pinned with its integrity hash in
# build_tools/pagefind/package-lock.json; publish/search.py finds it in $(VENV)/pagefind (or at
# PAGEFIND_BINARY_PATH). benchmarks/search_eval.py compares it with the PyPI build it replaced.
PAGEFIND := $(VENV)/pagefind
# Zensical, Material's successor (it runs no custom plugins), in a venv of its own (its Markdown stack is
# not MkDocs'): `make site-zensical` builds the portal without our plugin (publish/without_plugin.py).
ZENSICAL_VERSION := 0.0.60
ZENSICAL := $(VENV)/zensical/bin/zensical

$(STAMP): pyproject.toml build_tools/pagefind/package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	$(PYTHON) -m venv $(VENV)/zensical
	$(VENV)/zensical/bin/pip install --quiet zensical==$(ZENSICAL_VERSION)
	mkdir -p $(PAGEFIND)
	cp build_tools/pagefind/package.json build_tools/pagefind/package-lock.json $(PAGEFIND)/
	npm ci --prefix $(PAGEFIND) --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/mkdocs build

# The same portal built by Zensical without the gknb plugin, into build/zensical/site (README).
site-zensical: $(STAMP)
	$(BIN)/gknb without-plugin build/zensical --engine $(ZENSICAL)

serve: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/python -m pytest -q

# The unit tests alone: no whole-site builds, no browser, no OCR (minutes less).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not site and not browser and not ocr"

# Regenerate the golden site (tests/golden/seeds/) after a deliberate change to the pages.
golden: $(STAMP)
	rm -rf tests/golden/seeds
	$(BIN)/gknb pages tests/golden/seeds --content content

lint: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf site .gknb-cache
