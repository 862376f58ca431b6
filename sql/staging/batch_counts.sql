-- Record a staged batch's counts: distinct records (n_extracted) and identical copies dropped;
-- the batch is staged.
update meta.load_batch
set
    status = 'staged',
    n_extracted = %(n_staged)s,
    n_duplicates = n_received - %(n_staged)s
where batch_id = %(batch_id)s
returning n_received, n_duplicates, n_extracted
