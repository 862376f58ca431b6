-- V023: the per-record part of a dossier batch's load, computed before the load's transaction
-- (issue 18, item 3 of "What to build").
-- Most of fact_dossier.sql's work is per record and reads nothing but the batch's staged rows:
-- the applicant's keyed hash and the content hash over the record and its lists of steps,
-- rounds, fees and letters (6 of its 12 s at 300,000 dossiers). The load computes them first,
-- on two connections at once (one Postgres backend per core), into these tables; its one
-- transaction joins them instead of computing them (transform/prepare.py). They are scratch:
-- unlogged (no WAL; a crash empties them, and a load whose rows are missing computes them inside
-- its transaction), cleared with the batch's staging rows.

create unlogged table staging.ho_so_applicant_hash (
    batch_id bigint not null,
    id_number text not null,                   -- SoGiayToChuHoSo, as staged
    applicant_hash bytea not null              -- HMAC-SHA256 with the load's secret key
);

comment on table staging.ho_so_applicant_hash is
    'Mã băm người nộp của lô đang nạp / the keyed hashes of a loading dossier batch''s applicant '
    'identity numbers, computed by the load (the key never reaches the server); scratch, '
    'cleared with the batch';

create unlogged table staging.ho_so_prepared (
    batch_id bigint not null,
    record_no integer not null,
    applicant_hash bytea,                      -- from staging.ho_so_applicant_hash
    content_hash text not null                 -- md5 of the version, as dw.fact_dossier holds it
);

comment on table staging.ho_so_prepared is
    'Phần tính trước của việc nạp hồ sơ / per loadable staged dossier record, what its load '
    'computes before its transaction: the applicant hash and the content hash; scratch, cleared '
    'with the batch';
