# Every target creates .venv on first use, so a fresh clone needs only `make chat` or `make test`.
# The venv installs the exact versions in requirements.lock; `make lock` re-resolves them within the ranges
# of pyproject.toml (run it after changing a dependency, then commit both files).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml $(LOCK)
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

.PHONY: chat run test bench lint check typecheck lock
chat: $(STAMP)
	$(BIN)/python -m bot chat

run: $(STAMP)
	$(BIN)/python -m bot run

test: $(STAMP)
	$(BIN)/python -m bot content check
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m benchmarks

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

check: $(STAMP)
	$(BIN)/python -m bot content check

lock:
	rm -rf .venv-lock
	$(PY) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --upgrade pip
	.venv-lock/bin/pip install --quiet '.[dev]'
	echo "# Exact versions for make; regenerate with 'make lock' (within pyproject.toml's ranges)." > $(LOCK)
	.venv-lock/bin/pip freeze --exclude-editable | grep -v '^tro-ly-papi' >> $(LOCK)
	rm -rf .venv-lock build *.egg-info
