-- V022: dw.fact_dossier and dw.fact_payment keep one unique index each (issue 18).
-- Each had two on the same identity: the primary key, a hash of (source_code, code), and the
-- natural key (source_code, code) that V014 made unique. Every new dossier wrote an entry into
-- both, each at a random leaf, and the text key's grew the most with the table: a day's load into
-- a warehouse of 1M dossiers spent about a third of its inserts' time on it
-- (bench/RESULTS.md, "One key per fact").
-- The natural key stays unique without its index: the primary key is unique, and a check makes
-- the key the hash of exactly that natural key, so two rows with one (source_code, code) would
-- have one key. The loads upsert on the primary key; what the natural-key index did besides,
-- failing loudly when two codes hash to one key, dw.key_collision does in their conflict clauses.

alter table dw.fact_dossier
    drop constraint fact_dossier_source_code_key,
    add constraint fact_dossier_key_is_source_key
    check (dossier_key = dw.source_key(source_code, dossier_code));

alter table dw.fact_payment
    drop constraint fact_payment_source_ref_key,
    add constraint fact_payment_key_is_source_key
    check (payment_key = dw.source_key(source_code, payment_ref));

-- Called by a load's ON CONFLICT ... WHERE when the row under a key names another record: two
-- natural keys with one 63-bit hash. Nothing is overwritten; the load fails with both codes.
create function dw.key_collision(
    fact_table text, surrogate_key bigint, stored_code text, incoming_code text
) returns boolean
language plpgsql as $$
begin
    raise exception '%: % and % hash to the same key %', fact_table, stored_code, incoming_code,
        surrogate_key
        using errcode = 'unique_violation',
            hint = 'a collision of dw.hash_key: the record cannot be loaded under this key';
end
$$;

comment on function dw.key_collision(text, bigint, text, text) is
    'Báo trùng khoá băm / raises: two natural keys hash to one surrogate key (never returns)';

comment on function dw.hash_key(text) is
    'Khoá thay thế 63 bit từ khoá tự nhiên / a 63-bit surrogate key hashed from a natural key '
    '(never -1; a collision fails the load loudly: the dimensions'' unique natural keys, the '
    'facts'' dw.key_collision)';

comment on constraint fact_dossier_key_is_source_key on dw.fact_dossier is
    'Khoá là hash của nguồn/MaHoSo, nên MaHoSo là duy nhất trong một nguồn / the key hashes '
    'source/MaHoSo, so the primary key keeps (source_code, dossier_code) unique';
comment on constraint fact_payment_key_is_source_key on dw.fact_payment is
    'Khoá là hash của nguồn/MaThamChieu / the key hashes source/MaThamChieu, so the primary key '
    'keeps (source_code, payment_ref) unique';
