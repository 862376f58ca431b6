-- A transaction can load several dossier batches (a batch, then the parked records its load
-- releases): each starts with an empty list of written dossiers.
drop table if exists pg_temp.written_dossier
