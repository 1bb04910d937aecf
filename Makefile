# One place for every habit: make install | test | lint | types | demo | serve | bench
PY ?= .venv/bin/python
PIP ?= .venv/bin/pip

.venv:
	python3 -m venv .venv

install: .venv
	$(PIP) install -q -e ".[test]"

test: install
	.venv/bin/pytest -q

lint: install
	$(PIP) install -q ruff
	.venv/bin/ruff check kb ingest tests benchmarks

types: install
	$(PIP) install -q mypy
	.venv/bin/mypy --ignore-missing-imports kb ingest

demo: install
	.venv/bin/kb demo

eval: install
	.venv/bin/kb eval tests/corpus/seed tests/corpus/dev tests/corpus/own

bench: install
	$(PY) benchmarks/extract.py --docs 5000

.PHONY: install test lint types demo eval bench
