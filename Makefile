# Frontier Atlas — `make help` lists the targets. Every target creates .venv from requirements.lock on first use.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PYTHONHASHSEED := 0

.PHONY: help install test test-slow test-all test-fast lab reports validate lint notebooks datapackage lock benchmark mutation clean data

help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "} {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "is ignored" || true
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock 2>&1 | grep -v "is ignored" ; test $${PIPESTATUS[0]} -eq 0
	@# the editable build's setuptools chatter goes to a log, shown only if the install fails
	@$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e . > $(VENV)/editable-install.log 2>&1 \
		|| { cat $(VENV)/editable-install.log; exit 1; }
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name frontier-atlas --display-name "Frontier Atlas (.venv)" >/dev/null
	@touch $(STAMP)

install: $(STAMP) ## Create .venv from the lock file and install the package (editable)

test: $(STAMP) ## Run the test suite (all but the `slow` tier: notebook batches, heavy simulations)
	$(BIN)/python -m pytest -q -m "not slow"

test-slow: $(STAMP) ## Run the `slow` tier: every report built on every Epoch export, browsers, big simulations
	$(BIN)/python -m pytest -q -m slow

test-all: $(STAMP) ## Run both tiers in one session (what CI runs, as `make test` then `make test-slow`)
	$(BIN)/python -m pytest -q

test-fast: test ## Same as `make test` (kept for muscle memory)

# Extra options for `jupyter lab`: as root (Docker, cloud machines) `make lab LAB_ARGS=--allow-root`; also e.g.
# LAB_ARGS="--no-browser --port 8890 --ip 0.0.0.0". Running as root without it, Lab would refuse to start.
LAB_ARGS ?=

lab: $(STAMP) ## Open JupyterLab on the project's kernel (start with explore.py; as root: make lab LAB_ARGS=--allow-root)
	@if [ "$$(id -u)" = 0 ] && [[ " $(LAB_ARGS) " != *" --allow-root "* ]]; then \
		echo "make lab: running as root; Jupyter needs --allow-root: make lab LAB_ARGS=--allow-root" >&2; exit 2; fi
	$(BIN)/jupyter lab --config=$(CURDIR)/.jupyter/jupyter_lab_config.py \
		--LabApp.app_settings_dir=$(CURDIR)/.jupyter/lab/settings --notebook-dir=notebooks $(LAB_ARGS)

reports: $(STAMP) ## Build every report from the bundled data into reports/
	$(BIN)/frontier-atlas report --jobs $(JOBS)

validate: $(STAMP) ## Validate the bundled data
	$(BIN)/frontier-atlas validate

notebooks: $(STAMP) ## Re-pair notebooks/*.py (the reviewed source) with their .ipynb (no outputs)
	$(BIN)/jupytext --sync notebooks/*.py

lint: $(STAMP) ## Lint the code (ruff), the import layers (import-linter), declared = imported dependencies (deptry) and check notebooks are stored without outputs
	$(BIN)/ruff check analysis tests benchmarks tools notebooks
	$(BIN)/python tools/check_notebooks.py
	$(BIN)/lint-imports --no-cache
	$(BIN)/deptry .

datapackage: $(STAMP) ## Refresh data/datapackage.json (dictionary + sha256) after editing data/*.csv
	$(BIN)/python tools/build_datapackage.py
	$(BIN)/python -c "from analysis.data import snapshot_package; print('wrote', snapshot_package.write())"

lock: $(STAMP) ## Re-resolve requirements.in into requirements.lock (needs network to PyPI)
	$(BIN)/python -m pip install --quiet uv && $(BIN)/python -m uv pip compile requirements.in --python-version 3.11 --generate-hashes -o requirements.lock

benchmark: $(STAMP) ## Time the report batch against sequential papermill (prints the ratio)
	$(BIN)/python benchmarks/bench_reports.py

mutation: $(STAMP) ## Mutation testing of the core modules (slow; MODULES="overlay upstream ..." for some); scores in benchmarks/mutation/
	nice $(BIN)/python benchmarks/mutation/run.py $(MODULES)

clean: ## Remove caches (keeps .venv and reports/)
	rm -rf .pytest_cache .ruff_cache .hypothesis build *.egg-info

data: $(STAMP) ## Write the merged models table (Epoch snapshot + our overlay) to build/models.csv
	$(BIN)/frontier-atlas data build --out build/models.csv
