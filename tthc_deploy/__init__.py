"""One-off deployment steps run by docker compose's init containers (no Airflow import)."""
