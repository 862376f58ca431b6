-- V021: dw.date_key computes the same keys with date_part (issue 18).
-- extract() returns numeric since Postgres 14, so the key was three numeric extractions, two
-- numeric products and a sum per call; date_part() returns double precision, exact for every
-- integer below 2^53, so the key is the same for every date and NULL is still -1. The loads call
-- it about seven times a dossier (five dates, then one per status step, supplement round and
-- payment): 23 to 26 per cent less time a call (bench/expressions.py).
-- The timestamptz overload, which calls this one, is unchanged.

create or replace function dw.date_key(calendar_day date) returns integer
language sql immutable parallel safe
return coalesce(
    (date_part('year', calendar_day) * 10000
        + date_part('month', calendar_day) * 100
        + date_part('day', calendar_day))::integer,
    -1
);
