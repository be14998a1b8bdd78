# The two commands of the README: `make replicate` and `make test`. Each sets up .venv on first use.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
# The stamp changes whenever the lock or the package metadata change, so set-up reruns only then.
STAMP  := $(VENV)/.installed
CORES  ?= all
STUDY_RESULTS = $(shell $(BIN)/python -c "import yaml; print('results/' + yaml.safe_load(open('params.yaml'))['study'])" 2>/dev/null)
# The manuscript (rule `paper`) needs latexmk and TeX Live; without them the rest still runs.
PAPER_TARGET = $(if $(shell command -v latexmk 2>/dev/null),paper,)
TARGETS = all $(PAPER_TARGET)
REFERENCE = paper/reference/$(notdir $(STUDY_RESULTS)).yaml

.PHONY: help setup replicate verify codecheck test test-fast lint report reference docs clean lock

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

$(STAMP): requirements/lock.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "make: $(PYTHON) not found; install Python 3.11 or run 'make PYTHON=/path/to/python3.11 setup'" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-compile -r requirements/lock.txt
	@# pip compiles the byte code of every installed file on one core; compileall uses all of them (a
	@# few test files of installed packages do not compile, as with pip: the status is ignored).
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib > /dev/null || true
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)
	@echo "make: environment ready in $(VENV)"

setup: $(STAMP)  ## Create .venv from requirements/lock.txt (idempotent)

replicate: $(STAMP)  ## Full replication of the default study: runs, figures, tables, report, manuscript
	$(BIN)/snakemake --cores $(CORES) --workflow-profile workflow/profiles/default $(TARGETS)
	$(BIN)/snakemake --report $(STUDY_RESULTS)/report.html $(TARGETS)
	@echo "make: outputs are in $(STUDY_RESULTS)/ (figures/, tables/, metrics/, notebooks/, ...), the report in $(STUDY_RESULTS)/report.html"
	@if [ -n "$(PAPER_TARGET)" ]; then echo "make: manuscript in $(STUDY_RESULTS)/paper.pdf"; else echo "make: latexmk not found, manuscript skipped (Debian: apt-get install latexmk texlive-latex-extra texlive-fonts-recommended lmodern)"; fi
	@echo; $(BIN)/python -m lsm answer $(STUDY_RESULTS); echo
	@$(MAKE) --no-print-directory verify

verify: $(STAMP)  ## Check the finished run against paper/reference/<study>.yaml, item by item (ends replicate)
	@if [ -f $(REFERENCE) ]; then $(BIN)/python -m lsm verify $(STUDY_RESULTS) --reference $(REFERENCE); else echo "make: no $(REFERENCE): nothing published to check this study against ('make reference' writes one)"; fi

codecheck: $(STAMP)  ## Write codecheck.yml for the finished run (its outputs as the manifest) and check CODECHECK's offline rules
	$(BIN)/python -m lsm codecheck $(STUDY_RESULTS)

lint: $(STAMP)  ## ruff, mypy (src/lsm), snakefmt --check and snakemake --lint
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/ruff format --check src tests benchmarks workflow/scripts notebooks
	$(BIN)/snakefmt --check Snakefile workflow/rules
	$(BIN)/snakemake --lint

test-fast: $(STAMP)  ## Unit and contract tests without any workflow run (about 2 min on 2 cores): run while you work
	$(BIN)/python -m pytest -m "not integration" -n auto --dist loadfile --durations=10

test: lint  ## The whole test suite, lint included
	$(BIN)/python -m pytest -n auto --dist loadfile --no-loadscope-reorder --durations=25

report: replicate  ## Snakemake HTML report of the default study: the same as replicate, whose last step it is

reference: $(STAMP)  ## Rewrite paper/reference/<study>.yaml from the finished run, and the README's paragraph from it
	$(BIN)/python -m lsm findings $(STUDY_RESULTS)
	$(BIN)/python -m lsm readme

docs: $(STAMP)  ## Build the documentation site into site/ (strict: a broken link fails), then open every page in Chromium
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then $(BIN)/python -m lsm check-site site; else echo "make: chromium not found: pages not opened (Debian: apt-get install chromium)"; fi
	@echo "make: the site is in site/ (open site/index.html)"

clean:  ## Remove workflow products (results/, .snakemake/); keeps .venv and data/raw
	rm -rf results/*/ .snakemake
	@echo "make: removed results/ products and .snakemake/"

lock: $(STAMP)  ## Re-freeze requirements/lock.txt from the current .venv
	@{ head -2 requirements/lock.txt; $(BIN)/python -m pip freeze --all --exclude pip --exclude-editable | sort -f | sed 's/^torch==\(.*\)+cpu$$/torch==\1/'; } > requirements/lock.txt.new
	@mv requirements/lock.txt.new requirements/lock.txt
