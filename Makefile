# The two commands a newcomer needs: `make chat` and `make test`. Everything installs itself first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install chat test bench bench-load validate eval serve clean

install: $(STAMP)

# Reinstall only when the project's metadata changes; the package itself is installed editable.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,redis]'
	@touch $(STAMP)

chat: install
	@$(BIN)/rolebot chat

test: install
	@$(BIN)/rolebot validate $(if $(wildcard ../shared/seeds),--sources-dir ../shared/seeds)
	@$(BIN)/mypy
	@$(BIN)/python -m pytest -q

validate: install
	@$(BIN)/rolebot validate --lint $(if $(wildcard ../shared/seeds),--sources-dir ../shared/seeds)

eval: install
	@$(BIN)/rolebot eval ../shared/eval/dev_questions.yml

# The benchmarks live outside the package (benchmarks/) and run from here: they read tests/data/
# and the load benchmark uses the Slack stand-in in tests/support/.
bench: install
	@$(BIN)/python -m benchmarks.bench $(ARGS)

# Our server against an idiomatic Bolt app (ack, then respond()/say() a fixed text: the floor), a
# tuned fixed-reply app (the limit) and an acks-only app, under the same signed load with varied
# questions (loopback, a minute or two).
# Options: make bench-load ARGS="--rate 150"
bench-load: install
	@$(BIN)/python -m benchmarks.loadbench $(ARGS)

serve: install
	@$(BIN)/rolebot serve

clean:
	rm -rf $(VENV) data .pytest_cache
