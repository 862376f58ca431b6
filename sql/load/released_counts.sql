-- Released records of a loaded batch move from its quarantined count to its loaded count, so
-- that n_extracted = n_loaded + n_quarantined still holds.
update meta.load_batch
set
    n_loaded = n_loaded + %(n_released)s,
    n_quarantined = n_quarantined - %(n_released)s
where batch_id = %(batch_id)s
returning n_extracted, n_loaded, n_quarantined
