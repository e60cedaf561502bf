# Two entry points for a fresh machine (Python 3.11+, git, make):
#   make publication   set up, then build the 2017 publication from the bundled sample data
#   make test          set up, then run the whole test suite: tests/, then every notebook on its
#                      defaults under nbval (pytest --nbval-lax notebooks/)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
YEAR   ?= 2017
PYTEST_ARGS ?=

.PHONY: setup publication test test-fast validate bench lab clean

setup: $(STAMP)

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

publication: $(STAMP)
	$(BIN)/sikkerby run --year $(YEAR)

validate: $(STAMP)
	$(BIN)/sikkerby validate

# axe-core for the browser test (package.json, the lock file's version), wherever npm is installed;
# without npm or Debian's chromium that one test is skipped, saying why (CI installs both: .ci/run)
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error || echo "npm ci failed: the browser test will be skipped"; \
	else echo "no npm here: the browser test will be skipped"; fi

test: $(STAMP) $(AXE)
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)
	$(BIN)/python -m pytest --nbval-lax notebooks/

# the fast loop: unit and contract tests, no notebook or whole-run tests (they use a frozen copy of
# the 2014-2017 programme, so editing params/ breaks none of them but the back-test)
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n auto -m "not slow" tests/unit tests/contract $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run_benchmark

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) outputs/*/ outputs/.[!.]* .pytest_cache .bench build dist
