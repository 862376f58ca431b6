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

.PHONY: install test lint demo simulator clean

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -c 'import site, sys; open(site.getsitepackages()[0] + "/tthc_project.pth", "w").write("\n".join(sys.argv[1:]) + "\n")' $(CURDIR)/include $(CURDIR)
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

demo: $(STAMP)
	$(BIN)/python -m tthc_pipeline.devtools.demo

# Serve a generated province on http://127.0.0.1:8765 (token: demo-token) until Ctrl-C.
simulator: $(STAMP)
	$(BIN)/python -m simulator --port 8765 --token demo-token

clean:
	rm -rf $(VENV) .airflow .local .pytest_cache .ruff_cache reports
