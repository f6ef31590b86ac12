# The README's quick start: `make site` and `make test` work on a fresh machine with only Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test serve check lint render bench clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Stamps re-run the install when pyproject.toml changes. An editable install compiles nothing: compileall writes
# the package's bytecode as a regular install does, which a machine with PYTHONDONTWRITEBYTECODE never would
# (every command would compile the package again at start: 0.1 s of `dossier check`).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	$(BIN)/python -m compileall -q dossier
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m compileall -q dossier
	touch $@ $(VENV)/.installed

site: $(VENV)/.installed  ## build the bundled dossier into site/
	$(BIN)/mkdocs build --strict

serve: $(VENV)/.installed  ## live preview on http://127.0.0.1:8000, following edits under data/ (in memory where it can)
	$(BIN)/dossier serve

check: $(VENV)/.installed  ## validate data/ and report every problem
	$(BIN)/dossier check

lint: $(VENV)/.installed-test
	$(BIN)/ruff check dossier tests scripts
	$(BIN)/ruff format --check dossier tests scripts
	$(BIN)/mypy dossier

test: $(VENV)/.installed-test lint  ## the whole suite, browser tests included
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed
	$(BIN)/python scripts/bench.py

clean:
	rm -rf site .venv .pytest_cache .mypy_cache .ruff_cache

messages: $(VENV)/.installed  ## extract interface strings into dossier/locale/dossier.pot and update every catalogue
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k NN_:1,2 -k NP_:1c,2 --no-location --sort-output --omit-header \
		-o dossier/locale/dossier.pot .
	$(BIN)/pybabel update -D dossier -i dossier/locale/dossier.pot -d dossier/locale --no-wrap \
		--ignore-obsolete --no-fuzzy-matching
