# The two Quickstart commands: `make demo` and `make test`. Each creates .venv on a fresh machine.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DEMO_OUT ?= demo-output

.PHONY: demo test lint install install-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files so a second `make` does not reinstall; they depend on pyproject.toml.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: $(VENV)/.installed
	$(BIN)/python -m causalscope.cli._demo --out $(DEMO_OUT)

# The browser test of the HTML report needs Debian's chromium (driven by Playwright from the
# test extra); install it when missing and possible, else that one test is skipped.
test: $(VENV)/.installed-test
	@command -v chromium >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 \
	  || (apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1) \
	  || echo "note: Debian's chromium could not be installed; the browser test will be skipped"
	mkdir -p test-artifacts
	CAUSALSCOPE_ARTIFACTS=test-artifacts $(BIN)/python -m pytest -q

# Static checks (ruff, configured in pyproject.toml); not part of `make test`.
lint: $(VENV)/.installed-test
	$(BIN)/python -m ruff check src tests benchmarks

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench_ci.py

clean:
	rm -rf $(VENV) $(DEMO_OUT) .pytest_cache test-artifacts
