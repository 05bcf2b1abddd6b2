# Two commands set everything up: `make run` and `make test`. Both create .venv/ on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test app bench eval clean record-llm

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/backlogsmith --workspace .backlogsmith run examples/

test: $(STAMP)
	$(BIN)/python -m pytest -q

app: $(STAMP)
	$(BIN)/backlogsmith app

bench: $(STAMP)
	$(BIN)/backlogsmith bench --quick

eval: $(STAMP)
	$(BIN)/backlogsmith eval --out eval-report

clean:
	rm -rf .backlogsmith eval-report

# Re-record the LLM cassettes from a real llama.cpp server (compiles llama.cpp: slow; see tests/llm/record/README.md).
record-llm: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[record-llm]'
	$(BIN)/python tests/llm/record/record.py
