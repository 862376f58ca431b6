-- Mark a batch as not staged while it is being staged again: the quality gate and the load
-- refuse a batch without n_extracted, so none of them runs on half-written staging rows; its
-- state goes back to landed until staging ends.
update meta.load_batch
set status = 'landed', n_extracted = null, n_duplicates = null
where batch_id = %(batch_id)s
