"""Developer tools: the embedded Postgres, the local stack, backfill and demo commands."""
