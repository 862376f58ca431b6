-- Mark the batch's source and window as loaded into dw, by the newest batch (highest id) that
-- loaded it;
-- re-running a batch, or loading an older extraction of the window, leaves the row as it is.
insert into meta.watermark as w (
    source_code, entity, window_start, window_end, batch_id, loaded_at
)
select source_code, entity, window_start, window_end, batch_id, now() as loaded_at
from meta.load_batch
where batch_id = %(batch_id)s
on conflict (source_code, entity, window_start, window_end) do update set
    batch_id = excluded.batch_id,
    loaded_at = excluded.loaded_at
where w.batch_id < excluded.batch_id
