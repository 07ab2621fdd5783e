# The two commands of the README: `make demo` (install, ingest the bundled sample plans,
# list and show them) and `make test` (lint, type-check and the whole test suite).
VENV ?= .venv
PY := $(VENV)/bin/python
LUODI := $(VENV)/bin/luodi

.PHONY: demo test lint typecheck pytest bench clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(VENV)/.installed
	$(LUODI) ingest --samples
	$(LUODI) list
	$(LUODI) show 1

test: lint typecheck pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests benchmarks

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

pytest: $(VENV)/.installed
	$(VENV)/bin/pytest

bench: $(VENV)/.installed
	$(PY) benchmarks/bench_ingest.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
