# Asian-News.net: set-up and everyday commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
FLASK := $(BIN)/flask --app app

.PHONY: run dev user test test-fast lint fuzz bench bench-live lighthouse loadtest soak install install-dev migrate demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo load --if-empty

# HOST and PORT go to the app too: without SITE_URL, its links are built from them.
run: demo  ## migrate, load the demo newsroom if the database is empty, serve with gunicorn
	@echo "Serving Asian-News.net on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	@echo "Newsroom admin: http://$(HOST):$(PORT)/admin/ - create the first account (in another"
	@echo "terminal, in this folder) with: make user EMAIL=you@example.org ROLE=admin"
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) \
		--access-logfile - 'app:create_app()'

dev: demo  ## the debug server with reloading
	HOST=$(HOST) PORT=$(PORT) $(FLASK) run --debug --host $(HOST) --port $(PORT)

user: migrate  ## a newsroom account: make user EMAIL=you@example.org ROLE=admin (prompts for the password)
	@test -n "$(EMAIL)" || { echo "Give the address: make user EMAIL=you@example.org ROLE=admin" >&2; exit 2; }
	$(FLASK) users create '$(EMAIL)' --role '$(or $(ROLE),writer)'

test: install-dev  ## the whole suite (browser tests run when Chromium is installed)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: install-dev
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

LINT_VENV := .venv-lint

$(LINT_VENV)/.installed: requirements-lint.txt
	$(PYTHON) -m venv $(LINT_VENV)
	$(LINT_VENV)/bin/pip install --quiet --upgrade pip
	$(LINT_VENV)/bin/pip install --quiet -r requirements-lint.txt
	touch $@

SEMGREP := $(LINT_VENV)/bin/semgrep scan --metrics=off --disable-version-check --quiet

lint: install-dev $(LINT_VENV)/.installed  ## ruff, bandit, semgrep (project rules) and gixy: zero findings
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit --quiet --recursive . --severity-level medium \
		--exclude ./.venv,./.venv-lint,./tests,./bench,./lint
	$(SEMGREP) --test lint/
	$(SEMGREP) --error --config lint/semgrep.yml \
		--exclude .venv --exclude .venv-lint --exclude tests --exclude bench --exclude fuzz \
		--exclude lint .
	$(BIN)/python lint/nginx_check.py $(LINT_VENV)/bin/gixy

fuzz: install-dev  ## 60 s of coverage-guided fuzzing of the next= validator (atheris)
	$(BIN)/python fuzz/fuzz_safe_next.py -max_total_time=$${FUZZ_SECONDS:-60}

bench: install-dev  ## loopback benchmarks at 10k and 100k stories, 3 interleaved rounds (wrk), then the live page: BENCH_ARGS=--quick
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lighthouse: install-dev  ## Lighthouse at phone size on home, an article and a country front of a running `make run`
	$(BIN)/python bench/lighthouse.py --base http://$(HOST):$(PORT)

bench-live: install-dev  ## the live-page case alone: make bench-live LIVE_ARGS="--seconds 45 --readers 500"
	$(BIN)/python bench/live.py $(LIVE_ARGS)

loadtest: install-dev  ## 60 s of mixed load, then 60 s more with worker kills and reloads; reconciles contact messages
	$(BIN)/python bench/loadtest.py --seconds $${LOAD_SECONDS:-60}

soak: install-dev  ## 10 min of the same load without faults: worker memory and open files stay flat
	$(BIN)/python bench/loadtest.py --soak --seconds $${SOAK_SECONDS:-600}

clean:
	rm -rf $(VENV) $(LINT_VENV) .pytest_cache
