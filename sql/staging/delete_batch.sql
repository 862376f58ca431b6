-- Remove a batch's staged rows from one staging table of its entity ({table}), so that staging
-- it again starts clean. Every row goes: a batch is staged again only before its load (a
-- loaded one is left alone), and the gate then checks all of it again.
delete from {table} where batch_id = %(batch_id)s
