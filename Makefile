# gknb — two commands on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup site serve test test-fast lint clean golden

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/mkdocs build

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
