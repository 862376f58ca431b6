-- V009: less work per row in staging and in the daily upsert (issue 6, bench/RESULTS.md).
-- Same warehouse contents; only how a batch's identical copies are found and what is indexed.

-- Identical copies of a record (a paging quirk) are found by the hash of the jsonb value
-- itself, jsonb_hash_extended, the function behind jsonb's hash operator class: equal values
-- hash alike, and hashing the binary value skips printing every record as text for md5 (the
-- costliest step of staging a batch's dossiers after the field parses). Records that share a
-- hash are still compared in full. The hash also settles two different records with the same
-- code and NgayCapNhat (sql/load/fact_dossier.sql, fact_payment.sql) without depending on order.
--
-- The loadable views (V002) select s.*, so they go and come back around the type change.
drop view staging.don_vi_loadable, staging.thu_tuc_loadable, staging.ho_so_loadable,
    staging.giao_dich_loadable;

alter table staging.don_vi
    alter column record_hash type bigint using ('x' || left(record_hash, 16))::bit(64)::bigint;
alter table staging.thu_tuc
    alter column record_hash type bigint using ('x' || left(record_hash, 16))::bit(64)::bigint;
alter table staging.ho_so
    alter column record_hash type bigint using ('x' || left(record_hash, 16))::bit(64)::bigint;
alter table staging.giao_dich
    alter column record_hash type bigint using ('x' || left(record_hash, 16))::bit(64)::bigint;

create view staging.don_vi_loadable as
select s.*
from staging.don_vi as s
where s.unit_code is not null
    and s.source_updated_at is not null
    and not exists (
        select from quarantine.don_vi as q
        where q.batch_id = s.batch_id and q.record_no = s.record_no
    );

create view staging.thu_tuc_loadable as
select s.*
from staging.thu_tuc as s
where s.procedure_code is not null
    and s.source_updated_at is not null
    and not exists (
        select from quarantine.thu_tuc as q
        where q.batch_id = s.batch_id and q.record_no = s.record_no
    );

create view staging.ho_so_loadable as
select s.*
from staging.ho_so as s
where s.dossier_code is not null
    and s.source_updated_at is not null
    and not exists (
        select from quarantine.ho_so as q
        where q.batch_id = s.batch_id and q.record_no = s.record_no
    );

create view staging.giao_dich_loadable as
select s.*
from staging.giao_dich as s
where s.payment_ref is not null
    and s.source_updated_at is not null
    and not exists (
        select from quarantine.giao_dich as q
        where q.batch_id = s.batch_id and q.record_no = s.record_no
    );

comment on view staging.don_vi_loadable is 'Đơn vị được nạp / staged units that passed the gate and can be loaded';
comment on view staging.thu_tuc_loadable is 'Thủ tục được nạp / staged procedures that passed the gate and can be loaded';
comment on view staging.ho_so_loadable is 'Hồ sơ được nạp / staged dossiers that passed the gate and can be loaded';
comment on view staging.giao_dich_loadable is 'Giao dịch được nạp / staged payments that passed the gate and can be loaded';

comment on column staging.don_vi.record_hash is
    'jsonb_hash_extended(record, 0): identical copies share it (compared in full when they do)';
comment on column staging.thu_tuc.record_hash is
    'jsonb_hash_extended(record, 0): identical copies share it (compared in full when they do)';
comment on column staging.ho_so.record_hash is
    'jsonb_hash_extended(record, 0): identical copies share it (compared in full when they do)';
comment on column staging.giao_dich.record_hash is
    'jsonb_hash_extended(record, 0): identical copies share it (compared in full when they do)';

-- The Friday report probes a candidate dossier's few status steps by dossier_key: the primary
-- key (dossier_key, step_no) serves that probe as well as (dossier_key, status_at) did, so that
-- index only cost a third index write per status step in every daily load.
drop index dw.fact_dossier_status_at_idx;
