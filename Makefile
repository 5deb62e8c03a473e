# The two Quickstart commands: `make demo` and `make test`. Each creates .venv on a fresh machine.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DEMO_OUT ?= demo-output

.PHONY: demo test lint install install-test bench clean check-plain

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files so a second `make` does not reinstall; they depend on pyproject.toml.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "make demo: installing causalscope and its dependencies into $(VENV) (about a minute on a fresh machine)..."
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: $(VENV)/.installed
	@echo "make demo: running causalscope analyze --example sachs --treatment pkc --outcome erk --out $(DEMO_OUT)"
	$(BIN)/python -m causalscope.cli._demo --out $(DEMO_OUT)

# What a user gets from a plain `pip install` (no extras), in a fresh venv: a missing runtime
# dependency fails here even when a test extra would bring it in. Run by .ci/run after `make test`.
PLAIN := $(or $(TMPDIR),/tmp)/causalscope-plain-venv
check-plain:
	rm -rf $(PLAIN) $(PLAIN)-demo
	$(PYTHON) -m venv $(PLAIN)
	$(PLAIN)/bin/python -m pip install --quiet --upgrade pip
	$(PLAIN)/bin/python -m pip install --quiet .
	$(PLAIN)/bin/causalscope --version
	$(PLAIN)/bin/causalscope analyze --example sachs --out $(PLAIN)-demo
	test -s $(PLAIN)-demo/report.html && test -s $(PLAIN)-demo/analysis.json
	rm -rf $(PLAIN) $(PLAIN)-demo
	@echo "check-plain: a plain install runs causalscope --version and analyze --example sachs"

# The browser test of the HTML report needs Debian's chromium (driven by Playwright from the
# test extra); install it when missing and possible, else that one test is skipped.
test: $(VENV)/.installed-test
	@command -v chromium >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 \
	  || (apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1) \
	  || echo "note: Debian's chromium could not be installed; the browser test will be skipped"
	mkdir -p test-artifacts
	CAUSALSCOPE_ARTIFACTS=test-artifacts $(BIN)/python -m pytest -q

# Static checks (ruff and mypy, configured in pyproject.toml); not part of `make test`.
lint: $(VENV)/.installed-test
	$(BIN)/python -m ruff check src tests benchmarks
	$(BIN)/python -m mypy

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench_ci.py

clean:
	rm -rf $(VENV) $(DEMO_OUT) .pytest_cache test-artifacts
