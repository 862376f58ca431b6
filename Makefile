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
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN ?= sqlite:///$(CURDIR)/.airflow/airflow.db
export GX_ANALYTICS_ENABLED              ?= false

.PHONY: install test lint demo backfill simulator clean

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -c 'import site, sys; open(site.getsitepackages()[0] + "/tthc_project.pth", "w").write("\n".join(sys.argv[1:]) + "\n")' $(CURDIR)/include $(CURDIR)
	touch $(STAMP)

# Airflow's metadata DB (SQLite under .airflow/ unless configured); `db migrate` is idempotent.
AIRFLOW_DB := $(AIRFLOW_HOME)/.migrated
$(AIRFLOW_DB): $(STAMP)
	mkdir -p $(AIRFLOW_HOME)
	$(BIN)/airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || (cat $(AIRFLOW_HOME)/db-migrate.log; exit 1)
	touch $@

test: $(STAMP) $(AIRFLOW_DB)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

demo: $(STAMP) $(AIRFLOW_DB)
	$(BIN)/python -m tthc_pipeline.devtools.demo

# Run the daily DAGs for every day of [START, END] (both included), in order, against the
# AIRFLOW_CONN_* connections in the environment, or an embedded Postgres and simulator.
backfill: $(STAMP) $(AIRFLOW_DB)
	@test -n "$(START)" -a -n "$(END)" || (echo "usage: make backfill START=YYYY-MM-DD END=YYYY-MM-DD"; exit 2)
	$(BIN)/python -m tthc_pipeline.devtools.backfill --start $(START) --end $(END)

# Serve a generated province on http://127.0.0.1:8765 until Ctrl-C (token: $$SIMULATOR_TOKEN,
# or a random one it prints).
simulator: $(STAMP)
	$(BIN)/python -m simulator --port 8765

clean:
	rm -rf $(VENV) .airflow .local .pytest_cache .ruff_cache reports
