-- V012: corrections that keep their NgayCapNhat. Each fact row carries the hash of the version
-- it holds, so that between two versions with the same NgayCapNhat the greater hash wins
-- whichever is loaded first (sql/load/fact_dossier.sql, fact_payment.sql). Rows loaded before
-- V012 have none: the next version with their NgayCapNhat settles them.

alter table dw.fact_dossier add column content_hash text;
alter table dw.fact_payment add column content_hash text;

comment on column dw.fact_dossier.content_hash is
    'Mã băm nội dung phiên bản / md5 of the version held (status history, supplement rounds and '
    'fees included): on an NgayCapNhat tie the greater one wins, whatever the load order';
comment on column dw.fact_payment.content_hash is
    'Mã băm nội dung phiên bản / md5 of the version held: on an NgayCapNhat tie the greater one '
    'wins, whatever the load order';
