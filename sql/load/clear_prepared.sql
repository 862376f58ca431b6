-- Remove the given batches' rows from one of the scratch tables of their load ({table}, e.g.
-- staging.ho_so_prepared, V023): every row goes, parked records' too, since a load computes
-- the rows it misses again. transform/stage.unstage runs it beside unstage_table.sql.
delete from {table} where batch_id = any(%(batch_ids)s)
