-- Whether a loadable staged record of the batch has no row in staging.ho_so_prepared: then the
-- load computes the batch's rows inside its transaction (a re-staging removed them, or a
-- release loads a parked batch's records). Parameters: batch_id.
-- A count, not exists(): planned for its first row, the anti-join probed the whole prepared
-- table once per record, and found none (minutes at 300,000 dossiers).
select count(*) > 0 as has_unprepared
from staging.ho_so_loadable as d
where d.batch_id = %(batch_id)s
    and not exists (
        select
        from staging.ho_so_prepared as p
        where p.batch_id = d.batch_id and p.record_no = d.record_no
    )
