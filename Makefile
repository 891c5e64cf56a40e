# kvalitext: the two commands are `make report` and `make test`; `make help` lists all.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The newest supported Python found (3.13, 3.12 or 3.11), unless PYTHON is given.
PYTHON ?= $(or $(shell for v in 3.13 3.12 3.11; do p=$$(command -v python$$v 2>/dev/null) && $$p -c '' 2>/dev/null && { echo $$p; break; }; done),python3)
VENV ?= .venv
BIN := $(VENV)/bin
CORPUS ?= corpus
OUT ?= build
ENGINE ?= pandas
# CORPUS, OUT, ENGINE and BENCH_CORPUS reach the commands as environment variables, never
# pasted into a shell line, so a path with a quote, `;`, a dollar sign or a backtick in it is
# passed as it is: make does not expand it ($(value ...)) and does not export the originals.
unexport CORPUS OUT ENGINE BENCH_CORPUS CODE PART CODES FILE REVIEWER NAME PER_CODE NEAR_MISS SEED UPGRADE FORCE
help report clean evaluate suggest review review-import reference-import: export KVALITEXT_CORPUS = $(value CORPUS)
help report clean evaluate suggest review review-import: export KVALITEXT_OUT = $(value OUT)
suggest: export KVALITEXT_CODE = $(value CODE)
furniture: export KVALITEXT_PART = $(or $(value PART),check)
evaluate: export KVALITEXT_PART = $(value PART)
help report: export KVALITEXT_ENGINE = $(value ENGINE)
help report: export KVALITEXT_CODES = $(value CODES)
help bench: export KVALITEXT_BENCH_CORPUS = $(value BENCH_CORPUS)
review: export KVALITEXT_PER_CODE = $(value PER_CODE)
review: export KVALITEXT_NEAR_MISS = $(value NEAR_MISS)
review: export KVALITEXT_SEED = $(value SEED)
review-import reference-import: export KVALITEXT_FILE = $(value FILE)
review-import: export KVALITEXT_REVIEWER = $(value REVIEWER)
review-import reference-import: export KVALITEXT_NAME = $(value NAME)
reference-import: export KVALITEXT_CODER = $(value CODER)
lock: export KVALITEXT_UPGRADE = $(value UPGRADE)
CONSTRAINTS := requirements/constraints.txt
PYVER := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
# how uv installs: with bytecode, which uv leaves out unless asked (part of the stamp, so a venv made without is made again)
UV_INSTALL := --quiet --compile-bytecode --constraint $(CONSTRAINTS) --build-constraint $(CONSTRAINTS)
STAMP := $(VENV)/.installed-$(PYVER)-$(shell { cat $(CONSTRAINTS) pyproject.toml; echo '$(UV_INSTALL)'; } 2>/dev/null | cksum | cut -d' ' -f1)

# Keep Jupyter, IPython and matplotlib state inside the project, not in $HOME (CI may
# run with HOME unset or shared).
export MPLCONFIGDIR := $(CURDIR)/$(VENV)/var/matplotlib
export IPYTHONDIR := $(CURDIR)/$(VENV)/var/ipython
export JUPYTER_CONFIG_DIR := $(CURDIR)/$(VENV)/etc/jupyter
export JUPYTER_DATA_DIR := $(CURDIR)/$(VENV)/share/jupyter
export JUPYTER_RUNTIME_DIR := $(CURDIR)/$(VENV)/var/jupyter-runtime
export JUPYTER_PLATFORM_DIRS := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export PYTHONHASHSEED := 0
# Pip applies the constraints to build dependencies too (setuptools).
export PIP_CONSTRAINT := $(CURDIR)/$(CONSTRAINTS)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# The environment is installed by uv (the version pinned in requirements/uv.txt, itself
# installed by pip into .uv/venv the first time): the same exact versions as pip would
# install, in a fraction of the time, and a second or third venv (.ci/run's other
# Pythons) comes from its cache in .uv/cache. Where uv cannot be installed or cannot
# install the environment (uv reads no pip.conf, so not an index set only there), pip does it.
UV_DIR := .uv
UV := $(UV_DIR)/venv/bin/uv
export UV_CACHE_DIR := $(CURDIR)/$(UV_DIR)/cache
export UV_PYTHON_DOWNLOADS := never

.PHONY: help env report test notebooks evaluate suggest furniture review review-import reference-import lock bench lab clean python-version

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'
	@echo "  variables: CORPUS=$$KVALITEXT_CORPUS OUT=$$KVALITEXT_OUT ENGINE=$$KVALITEXT_ENGINE PYTHON=$(PYTHON) BENCH_CORPUS=$$KVALITEXT_BENCH_CORPUS"
	@echo "  and: CODES=auto|corrected (report), CODE= (suggest), PART=check|tune|all ERRORS=1 SITES=1 (furniture), PART=tune|score (evaluate), PER_CODE= NEAR_MISS= SEED= FORCE=1 (review), FILE= REVIEWER= NAME= (review-import), FILE= CODER= NAME= (reference-import), UPGRADE= (lock), DEBUG=1, RECORD=1"

$(STAMP):
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 11) <= v <= (3, 13) else f"Python 3.11, 3.12 or 3.13 is needed, {sys.executable} is {v[0]}.{v[1]}: run make PYTHON=python3.12 ...")'
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	@if [ -x $(UV) ] && grep -qx "uv==$$($(UV) --version | cut -d' ' -f2)" requirements/uv.txt; then :; else \
	  echo "installing uv (requirements/uv.txt) into $(UV_DIR)/venv"; rm -rf $(UV_DIR)/venv; \
	  { $(PYTHON) -m venv $(UV_DIR)/venv && $(UV_DIR)/venv/bin/python -m pip install --quiet -r requirements/uv.txt; } \
	    || { rm -rf $(UV_DIR)/venv; echo "uv could not be installed: pip installs the environment (slower)"; }; fi
	if [ -x $(UV) ] && $(UV) pip install --python $(BIN)/python $(UV_INSTALL) -e '.[dev]'; then :; else \
	  { [ ! -x $(UV) ] || echo "uv could not install the environment (it reads no pip.conf: a mirror set there is not used): pip installs it"; }; \
	  $(BIN)/python -m pip install --quiet -e '.[dev]'; fi
	@mkdir -p $(MPLCONFIGDIR) $(IPYTHONDIR) $(JUPYTER_CONFIG_DIR) $(JUPYTER_RUNTIME_DIR)
	touch $@

python-version: # the Python version make would use (for .ci/run)
	@echo $(PYVER)

env: $(STAMP) ## create the environment in .venv (exact versions of requirements/constraints.txt)

report: $(STAMP) ## execute every notebook on CORPUS (ENGINE=pandas|dask, CODES=auto|corrected) and write OUT/html/index.html (DEBUG=1: tracebacks)
	$(BIN)/python -m helpers.report --corpus="$$KVALITEXT_CORPUS" --out="$$KVALITEXT_OUT" --engine="$$KVALITEXT_ENGINE" --codes="$${KVALITEXT_CODES:-auto}" $(if $(filter-out 0,$(value DEBUG)),--debug)

review: $(STAMP) ## draw a sample of CORPUS's codes to review: OUT/review/review.xlsx and review.qdpx (PER_CODE=20 NEAR_MISS=10 SEED=17); never replaces a filled sheet or other files unless FORCE=1
	$(BIN)/python -m helpers.review sample --corpus="$$KVALITEXT_CORPUS" --out="$$KVALITEXT_OUT" --per-code="$$KVALITEXT_PER_CODE" --near-miss="$$KVALITEXT_NEAR_MISS" --seed="$$KVALITEXT_SEED" $(if $(filter-out 0,$(value FORCE)),--force)

review-import: $(STAMP) ## read a filled review sheet or edited project (FILE=, REVIEWER=, NAME=) into CORPUS/review/NAME.csv
	$(BIN)/python -m helpers.review import "$$KVALITEXT_FILE" --corpus="$$KVALITEXT_CORPUS" --out="$$KVALITEXT_OUT" --reviewer="$$KVALITEXT_REVIEWER" --name="$$KVALITEXT_NAME"

reference-import: $(STAMP) ## read one coder's codings of a QDA project (FILE=, CODER=, NAME=) into CORPUS/reference/NAME.csv
	$(BIN)/python -m helpers.review reference "$$KVALITEXT_FILE" --corpus="$$KVALITEXT_CORPUS" --coder="$$KVALITEXT_CODER" --name="$$KVALITEXT_NAME"

test: $(STAMP) ## unit tests of helpers/ and strict nbval over every notebook's committed outputs, on every core
	$(BIN)/python -m pytest -n auto --dist loadfile

notebooks: $(STAMP) ## re-execute the committed notebooks in place (when a finding changes on purpose)
	$(BIN)/python -m helpers.report --in-place

# evaluate scores CORPUS when one is given (on the command line or in the environment), else the project's own
evaluate: $(STAMP) ## score the auto-coder against the reference codings of CORPUS= (its reference/*.csv), or when no CORPUS is given of every corpus of the project that has them (corpus, corpus-dev, corpus-dev2, corpus-dev3); PART=tune prints and writes only the tune parts (and corpora without a split), for trying rules without seeing the scored parts; RECORD=1 updates docs/evaluation.csv and docs/evaluation-vs-baseline.csv
	$(BIN)/python -m helpers.evaluation --out="$$KVALITEXT_OUT/evaluation" $(if $(filter-out file default undefined,$(origin CORPUS)),--corpus="$$KVALITEXT_CORPUS") $(if $(value PART),--part="$$KVALITEXT_PART") $(if $(filter-out 0,$(value RECORD)),--record)

suggest: $(STAMP) ## candidate words for a code's rules on CORPUS (CODE=R_SUPPORT), to read before adding any
	$(BIN)/python -m helpers.suggest --code="$$KVALITEXT_CODE" --corpus="$$KVALITEXT_CORPUS" --out="$$KVALITEXT_OUT"

furniture: $(STAMP) ## score cleaning's furniture removal on the held-out sites of corpus-furniture/ (PART=tune|all, ERRORS=1 lists misses, SITES=1 the multi-page set by site); RECORD=1, once per round after the rules are frozen, writes docs/furniture-scores.csv
	$(BIN)/python -m helpers.furniture --part="$$KVALITEXT_PART" $(if $(filter-out 0,$(value ERRORS)),--errors) $(if $(filter-out 0,$(value SITES)),--sites) $(if $(filter-out 0,$(value RECORD)),--record)

lock: ## re-pin requirements/constraints.txt for every Python 3.11-3.13 found, keeping the pins that still fit pyproject.toml (UPGRADE=1: re-resolve all; UPGRADE=name,name: those)
	$(PYTHON) tools/lock.py --upgrade="$$KVALITEXT_UPGRADE"

bench: $(STAMP) ## benchmark the stages (synthetic 1×/10×/100×); BENCH_CORPUS=<.jsonl.gz> adds a real corpus and Dask
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/bench.py --profile $(if $(value BENCH_CORPUS),--corpus="$$KVALITEXT_BENCH_CORPUS")

lab: $(STAMP) ## open JupyterLab on the notebooks, with the project's settings
	$(BIN)/jupyter lab notebooks/

clean: ## remove what the runs wrote in OUT (default build/): only the files their records list, while unchanged (a changed one, and one a stopped clean left set aside as .NAME.<hex>.kept, is kept and named; review/ folders stay; a run noting a file there meanwhile is waited for); refuses a folder other than build/ no run recorded; needs no .venv
	@$(PYTHON) -m helpers.outputs clean --out="$$KVALITEXT_OUT" --corpus="$$KVALITEXT_CORPUS"
