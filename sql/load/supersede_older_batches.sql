-- A newer extraction of a window replaces the older batches of the same source, entity and window:
-- they become superseded, so that nothing loads them, and their parked records stop waiting
-- (this batch carries the window's records as the source now has them).
-- Grain: one row per batch superseded now.
update meta.load_batch as older
set
    status = 'superseded',
    superseded_by = newer.batch_id
from meta.load_batch as newer
where newer.batch_id = %(batch_id)s
    and older.source_code = newer.source_code
    and older.entity = newer.entity
    and older.window_start = newer.window_start
    and older.window_end = newer.window_end
    and older.batch_id < newer.batch_id
    and older.status <> 'superseded'
returning older.batch_id
