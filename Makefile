# kam-xl: `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench template clean mutation

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	# Test data only: the CDNOW sample ships in the lifetimes package (not imported).
	$(BIN)/python -m pip install --quiet --no-deps "lifetimes==0.11.3"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/kam-xl demo --out demo

test: $(STAMP)
	$(BIN)/python -m pytest

# Mutation testing (not part of `make test`; docs/TESTING.md): mutmut 3 on 1 core over the domain
# modules and kam_xl/models with the fast oracle subset of tests, in a scratch copy under build/.
MUTATION_DIR := build/mutation
mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet "mutmut==3.8.1"
	rm -rf $(MUTATION_DIR) && mkdir -p $(MUTATION_DIR)
	cp -r kam_xl tests $(MUTATION_DIR)/
	cp tests/mutation/setup.cfg $(MUTATION_DIR)/setup.cfg
	cd $(MUTATION_DIR) && KAM_XL_FRESH_FIXTURES=1 $(abspath $(BIN))/mutmut run --max-children 1 || true
	cd $(MUTATION_DIR) && PATH="$(abspath $(BIN)):$$PATH" $(abspath $(BIN))/python $(abspath tests/mutation/score.py) \
		$(abspath tests/mutation/equivalent.txt)

bench: $(STAMP)
	$(BIN)/python bench/run.py

template: $(STAMP)
	$(BIN)/python workbook/build_template.py

clean:
	rm -rf $(VENV) demo .pytest_cache
