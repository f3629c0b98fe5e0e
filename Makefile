# kam-xl: `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench template clean

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

bench: $(STAMP)
	$(BIN)/python bench/run.py

template: $(STAMP)
	$(BIN)/python workbook/build_template.py

clean:
	rm -rf $(VENV) demo .pytest_cache
