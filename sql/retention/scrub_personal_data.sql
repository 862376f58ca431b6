-- Remove the applicant's clear-text fields (shared/spec/source-api.md: ChuHoSo,
-- SoGiayToChuHoSo, SoDienThoai, Email, DiaChi) from the raw and quarantined dossier records of
-- batches whose window ended by the given moment, keeping the rest of each record for replay;
-- batches of the other entities (no personal data) are marked too, for their staging.
-- Records still parked keep them until they are released (their load hashes the identity
-- number); a batch is marked scrubbed once none of its records is parked.
-- Grain: one row per batch marked scrubbed now, with its status (the caller empties their
-- staging, which also clears batches loaded before staging was emptied by the load).
with

due_batches as (
    select batch_id, status
    from meta.load_batch
    where window_end <= %(older_than)s
        and pii_scrubbed_at is null
        and status in ('loaded', 'rejected', 'superseded')
),

parked as (
    select batch_id, record_no
    from meta.parked_record
    -- one table on each side of in: nothing to qualify
    where batch_id in (select batch_id from due_batches)  -- noqa: RF02
),

scrubbed_raw as (
    update raw.ho_so as r
    set record = r.record - %(personal_fields)s::text[]
    where r.batch_id in (select batch_id from due_batches)
        and r.record ?| %(personal_fields)s::text[]
        and not exists (select from parked as p
                        where p.batch_id = r.batch_id and p.record_no = r.record_no)
),

scrubbed_quarantine as (
    update quarantine.ho_so as q
    set record = q.record - %(personal_fields)s::text[]
    where q.batch_id in (select batch_id from due_batches)
        and q.record ?| %(personal_fields)s::text[]
        and not exists (select from parked as p
                        where p.batch_id = q.batch_id and p.record_no = q.record_no)
)

update meta.load_batch as b
set pii_scrubbed_at = now()
from due_batches
where b.batch_id = due_batches.batch_id
    and not exists (select from parked where parked.batch_id = b.batch_id)
returning b.batch_id, b.status
