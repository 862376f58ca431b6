# The two commands a newcomer needs: `make test` and `make demo`. Everything else is optional.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Airflow runs from the project: its home (metadata SQLite DB, logs) is .airflow/, ignored by git.
export AIRFLOW_HOME                      ?= $(CURDIR)/.airflow
export AIRFLOW__CORE__DAGS_FOLDER        ?= $(CURDIR)/dags
export AIRFLOW__CORE__PLUGINS_FOLDER     ?= $(CURDIR)/plugins
export AIRFLOW__CORE__LOAD_EXAMPLES      ?= False
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN ?= sqlite:///$(AIRFLOW_HOME)/airflow.db
export GX_ANALYTICS_ENABLED              ?= false
# Local time for Airflow: naive datetimes, the CLI and the DAGs' default zone (the DAGs themselves
# use aware Asia/Ho_Chi_Minh dates). The UI shows the browser's zone (docs/architecture.md).
export AIRFLOW__CORE__DEFAULT_TIMEZONE   ?= Asia/Ho_Chi_Minh

.PHONY: install test lint demo backfill ui simulator data-dictionary screenshots clean \
        bench bench-quick bench-friday bench-partitioning bench-sources bench-simulator \
        bench-peers bench-report

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -c 'import site, sys; open(site.getsitepackages()[0] + "/tthc_project.pth", "w").write("\n".join(sys.argv[1:]) + "\n")' $(CURDIR)/include $(CURDIR) $(CURDIR)/plugins
	touch $(STAMP)

# Airflow's metadata DB (SQLite under .airflow/ unless configured); `db migrate` is idempotent.
AIRFLOW_DB := $(AIRFLOW_HOME)/.migrated
$(AIRFLOW_DB): $(STAMP)
	mkdir -p $(AIRFLOW_HOME)
	$(BIN)/airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || (cat $(AIRFLOW_HOME)/db-migrate.log; exit 1)
	touch $@

test: $(STAMP) $(AIRFLOW_DB)
	$(BIN)/python -m pytest

# ruff, then sqlfluff over sql/ (config: pyproject.toml, sql/migrations/.sqlfluff).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/sqlfluff lint sql/ --processes 2

demo: $(STAMP) $(AIRFLOW_DB)
	$(BIN)/python -m tthc_devtools.demo

# Airflow's backfill of the daily DAGs for every day of [START, END] (both included), in order,
# and of the weekly report for every Friday R with START < R <= END + 1 day, run in this
# process against the AIRFLOW_CONN_* connections in the environment, or an embedded Postgres
# and simulator (SCALE = dossiers it generates). Airflow's log: .airflow/backfill.log.
backfill: $(STAMP) $(AIRFLOW_DB)
	@test -n "$(START)" -a -n "$(END)" || (echo "usage: make backfill START=YYYY-MM-DD END=YYYY-MM-DD [SCALE=N]"; exit 2)
	@$(BIN)/python -m tthc_devtools.backfill --start $(START) --end $(END) $(if $(SCALE),--scale $(SCALE))

# The Airflow UI over the project's metadata DB (.airflow/), e.g. to look at `make demo`'s runs:
# http://127.0.0.1:8080, no login (local use only: every visitor is admin).
ui: $(STAMP) $(AIRFLOW_DB)
	$(BIN)/airflow dags reserialize > $(AIRFLOW_HOME)/reserialize.log 2>&1 || (cat $(AIRFLOW_HOME)/reserialize.log; exit 1)
	AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS=True $(BIN)/airflow api-server --host 127.0.0.1 --port 8080

# Serve a generated province on http://127.0.0.1:8765 until Ctrl-C (token: $$SIMULATOR_TOKEN,
# or a random one it prints).
simulator: $(STAMP)
	$(BIN)/python -m simulator --port 8765

# Rewrite docs/data-dictionary.md from the COMMENTs in sql/migrations (a throwaway embedded
# Postgres with every migration applied); tests/integration/test_bi_views.py checks it.
data-dictionary: $(STAMP)
	$(BIN)/python -m tthc_devtools.data_dictionary

# PNGs of the Airflow UI and of the newest weekly report page in reports/ (desktop and phone,
# through Playwright) into docs/img/ with headless Chromium (Debian: apt-get install chromium).
# Shows the latest run in .airflow/ (e.g. after `make demo`); DAY=YYYY-MM-DD first runs the
# daily DAGs for that day.
screenshots: $(STAMP) $(AIRFLOW_DB)
	$(BIN)/python docs/screenshots.py $(if $(DAY),--load-day $(DAY))

# Benchmarks (bench/README.md), never part of `make test`. Results go to bench/out/.
# bench: issue 18's "Done when" in one command: the ingest at 100k, 300k and 1M dossiers against
# the limit, dlt and pandas, a province's daily windows through Airflow's scheduler, then P7's
# day into 10M dossiers of history (long: about 2 h on 2 cores; BENCH_ARGS go to the ingest,
# HISTORY_ARGS to the history load);
# bench-quick: 100k once; bench-friday: P5 at 1M, 2.5M and 5M dossiers;
# bench-partitioning: the dossier facts unpartitioned, by source and by month (issue 14);
# bench-sources: two sources' daily runs at once and in turn, 1M dossiers each (issue 14).
BENCH_ARGS ?=
HISTORY_ARGS ?=
bench: $(STAMP)
	$(BIN)/python bench/ingest.py --scales 100000 300000 1000000 --runs 3 3 1 --daily-window 2000 $(BENCH_ARGS)
	$(BIN)/python bench/history_load.py --history 10000000 --scale 100000 --runs 3 --prewarm --statements 12 $(HISTORY_ARGS)

bench-quick: $(STAMP)
	$(BIN)/python bench/ingest.py --scales 100000 --runs 1 $(BENCH_ARGS)

bench-friday: $(STAMP)
	$(BIN)/python bench/friday.py --dossiers 1000000 2500000 5000000 --runs 3

bench-partitioning: $(STAMP)
	$(BIN)/python bench/partitioning.py --dossiers 3000000 --runs 3 $(BENCH_ARGS)

bench-sources: $(STAMP)
	$(BIN)/python bench/sources.py --sources 2 --scale 1000000 $(BENCH_ARGS)

bench-simulator: $(STAMP)
	$(BIN)/python bench/simulator_memory.py

# bench/.venv-peers: dlt for the peer comparison, apart from the project's pins.
bench-peers: $(STAMP)
	$(BIN)/python -c 'import sys; sys.path.insert(0, "bench"); import common; common.ensure_peers_venv()'

# Markdown tables of an ingest run: make bench-report RESULT=bench/out/ingest-<time>.json
bench-report: $(STAMP)
	$(BIN)/python bench/report.py $(or $(RESULT),$(lastword $(sort $(wildcard bench/out/ingest-*.json))))

clean:
	rm -rf $(VENV) .airflow .local .pytest_cache .ruff_cache reports
