-- The keyed hashes of this load's applicant identity numbers, filled by COPY from the load
-- (transform/load.py computes the HMAC). A transaction can load several dossier batches (a
-- batch, then the parked records its load releases): each starts with an empty table.
drop table if exists pg_temp.applicant_hash;
create temporary table applicant_hash (
    id_number text primary key,
    applicant_hash bytea not null
) on commit drop
