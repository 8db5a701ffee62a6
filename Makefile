# The two commands a newcomer needs: `make chat` and `make test`. Everything installs itself first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install chat test test-all lint bench bench-load bench-report validate eval serve clean

install: $(STAMP)

# Reinstall only when the project's metadata changes; the package itself is installed editable.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,redis,report]'
	@touch $(STAMP)

# What you type is kept in data/rolebot.db (rolebot report shows it): make chat ARGS=--no-log keeps nothing
chat: install
	@$(BIN)/rolebot chat $(ARGS)

# `make test` is the quick loop (well under 90 s on 2 cores): everything but the tests marked
# slow. `make test-all` runs every test, as CI does (.ci/run).
test: install lint
	@$(BIN)/python -m pytest -q -m "not slow"

test-all: install lint
	@$(BIN)/python -m pytest -q

# Content, formatting, lint and types: what both test targets check first.
lint: install
	@$(BIN)/rolebot validate $(if $(wildcard ../shared/seeds),--sources-dir ../shared/seeds)
	@$(BIN)/ruff format --check --quiet .
	@$(BIN)/ruff check --quiet .
	@$(BIN)/mypy

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

# `rolebot report --html` on a generated log of 5,000 questions: build, render, and load in chromium.
# `make bench-report ARGS="--sample docs"` rewrites docs/sample-report.html and its screenshot.
bench-report: install
	@$(BIN)/python -m benchmarks.reportbench $(ARGS)

serve: install
	@$(BIN)/rolebot serve

clean:
	rm -rf $(VENV) data .pytest_cache
