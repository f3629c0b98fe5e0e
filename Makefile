# kam-xl: `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench template clean mutation addin-types

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,postgres,spark]"
	# Test data only: the CDNOW sample ships in the lifetimes package (not imported).
	$(BIN)/python -m pip install --quiet --no-deps "lifetimes==0.11.3"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/kam-xl demo --out demo

test: $(STAMP)
	$(BIN)/python -m pytest

# Mutation testing (not part of `make test`; docs/TESTING.md): mutmut 3 on 1 core, in two scratch
# copies under build/mutation: the domain modules with the fast oracle tests (setup_domain.cfg) and
# kam_xl/models with the model tests (setup_models.cfg). The domain stats (which tests call which
# function) are collected with per-test fixtures (KAM_XL_FRESH_FIXTURES=1) on the first module; the
# later modules reuse them and run with the faster module-scoped fixtures (same verdicts: the mutant
# is active for the whole pytest session). MUTATION_MODULES picks the domain modules to run.
MUTATION_DIR := build/mutation
MUTATION_MODULES ?= relationship risk strategy frames profitability classification potential summary receivables \
                    trend targets review coverage currency
MUTMUT := $(abspath $(BIN))/mutmut
mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet "mutmut==3.8.1"
	rm -rf $(MUTATION_DIR) && mkdir -p $(MUTATION_DIR)/domain $(MUTATION_DIR)/models
	for run in domain models; do \
	  cp -r kam_xl tests docs $(MUTATION_DIR)/$$run/ && cp tests/mutation/setup_$$run.cfg $(MUTATION_DIR)/$$run/setup.cfg; \
	done
	cd $(MUTATION_DIR)/models && KAM_XL_FRESH_FIXTURES=1 $(MUTMUT) run --max-children 1 "kam_xl.domain.models*" || true
	cd $(MUTATION_DIR)/domain && first=1 && for m in $(MUTATION_MODULES); do \
	  if [ $$first = 1 ]; then KAM_XL_FRESH_FIXTURES=1 $(MUTMUT) run --max-children 1 "kam_xl.domain.$$m*" || true; \
	  else $(MUTMUT) run --max-children 1 "kam_xl.domain.$$m*" || true; fi; first=0; \
	done
	for run in domain models; do \
	  (cd $(MUTATION_DIR)/$$run && PATH="$(abspath $(BIN)):$$PATH" $(abspath $(BIN))/python \
	    $(abspath tests/mutation/score.py) $(abspath tests/mutation/equivalent.txt)); \
	done

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet "rustpy-xlsxwriter>=0.8"   # the write floor (pyproject's [bench] extra)
	$(BIN)/python bench/run.py

template: $(STAMP)
	$(BIN)/python workbook/build_template.py

# The LibreOffice add-in's UNO types, after the KAM_ functions' arguments change (needs Debian's libreoffice-dev).
addin-types: $(STAMP)
	$(BIN)/python -c "import kam_calc_build; kam_calc_build.compile_type_library()"

clean:
	rm -rf $(VENV) demo .pytest_cache
