-- Record a loaded batch's reconciliation counts on meta.load_batch and return them; the caller
-- checks n_extracted = n_loaded + n_quarantined. Loaded = staged, not (or no longer)
-- quarantined and carrying its keys (the *_loadable views), whether or not a newer version
-- already in dw outranked it.
with

loadable_rows as (
    select record_no from staging.don_vi_loadable where batch_id = %(batch_id)s
    union all
    select record_no from staging.thu_tuc_loadable where batch_id = %(batch_id)s
    union all
    select record_no from staging.ho_so_loadable where batch_id = %(batch_id)s
    union all
    select record_no from staging.giao_dich_loadable where batch_id = %(batch_id)s
),

quarantined_records as (
    select record_no from quarantine.don_vi where batch_id = %(batch_id)s and released_at is null
    union
    select record_no from quarantine.thu_tuc where batch_id = %(batch_id)s and released_at is null
    union
    select record_no from quarantine.ho_so where batch_id = %(batch_id)s and released_at is null
    union
    select record_no from quarantine.giao_dich where batch_id = %(batch_id)s and released_at is null
)

update meta.load_batch
set
    n_loaded = (select count(*) from loadable_rows),
    n_quarantined = (select count(*) from quarantined_records),
    status = 'loaded',
    finished_at = coalesce(finished_at, now())
where batch_id = %(batch_id)s
returning n_extracted, n_loaded, n_quarantined
