"""The Airflow layer: turns Airflow connections, variables and run context into the plain
arguments the pipeline functions take. Nothing else in the package imports Airflow."""
