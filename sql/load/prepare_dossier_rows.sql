-- The per-record part of a dossier batch's load, into staging.ho_so_prepared: each loadable
-- record's applicant hash and content hash (transform/prepare.py runs it before the load's
-- transaction, one share of the records per connection; fact_dossier.sql joins the result).
-- Grain: one row per loadable staged record of the batch whose record_no falls in the share.
-- Parameters: batch_id; shards, shard: the records with record_no mod shards = shard.
-- The content hash is what a version of a dossier says, children included: when two versions
-- carry the same NgayCapNhat (a correction that kept its time, or a source defect inside one
-- batch) the greater hash wins, in fact_dossier.sql and against dw, so the outcome never depends
-- on load order. Times go in as epochs: the text of a timestamptz depends on the session's time
-- zone. Changing what goes in changes every hash: the versions already in dw would then lose or
-- win their ties against the same content.
insert into staging.ho_so_prepared (batch_id, record_no, applicant_hash, content_hash)

with

loadable_dossiers as (
    select *
    from staging.ho_so_loadable
    where batch_id = %(batch_id)s and mod(record_no, %(shards)s) = %(shard)s
),

applicant_hashes as (
    select id_number, applicant_hash
    from staging.ho_so_applicant_hash
    where batch_id = %(batch_id)s
),

step_contents as (
    select record_no, jsonb_agg(jsonb_build_array(
        ordinal, status_code, extract(epoch from processed_at), room_name, officer_code
    ) order by ordinal) as steps
    from staging.ho_so_tien_do
    where batch_id = %(batch_id)s and mod(record_no, %(shards)s) = %(shard)s
    group by record_no
),

round_contents as (
    select record_no, jsonb_agg(jsonb_build_array(
        ordinal, extract(epoch from requested_at), extract(epoch from received_at),
        extract(epoch from previous_due_at), extract(epoch from new_due_at)
    ) order by ordinal) as rounds
    from staging.ho_so_bo_sung
    where batch_id = %(batch_id)s and mod(record_no, %(shards)s) = %(shard)s
    group by record_no
),

letter_contents as (
    select record_no, jsonb_agg(jsonb_build_array(
        ordinal, extract(epoch from apologised_at), extract(epoch from new_due_at), reason
    ) order by ordinal) as letters
    from staging.ho_so_xin_loi
    where batch_id = %(batch_id)s and mod(record_no, %(shards)s) = %(shard)s
    group by record_no
),

fee_contents as (
    select record_no, jsonb_agg(jsonb_build_array(
        ordinal, fee_code, fee_name, fee_type_code, amount
    ) order by ordinal) as fees
    from staging.ho_so_le_phi
    where batch_id = %(batch_id)s and mod(record_no, %(shards)s) = %(shard)s
    group by record_no
)

select
    d.batch_id,
    d.record_no,
    h.applicant_hash,
    md5(jsonb_build_array(
        d.unit_code, d.procedure_code, d.channel_code, d.applicant_type_code,
        d.status_code, encode(h.applicant_hash, 'hex'), extract(epoch from d.submitted_at),
        extract(epoch from d.received_at), extract(epoch from d.due_at),
        extract(epoch from d.finished_at), extract(epoch from d.returned_at),
        d.online_payment_code, d.has_digitised_components, st.steps, rc.rounds, fc.fees,
        coalesce(d.has_electronic_result, false), coalesce(d.is_vneid_verified, false),
        lc.letters
    )::text) as content_hash
from loadable_dossiers as d
left join applicant_hashes as h on d.applicant_id_number = h.id_number
left join step_contents as st on d.record_no = st.record_no
left join round_contents as rc on d.record_no = rc.record_no
left join fee_contents as fc on d.record_no = fc.record_no
left join letter_contents as lc on d.record_no = lc.record_no
