-- V022: records as received are compressed with lz4 instead of pglz (issue 18).
-- A third of a day's dossier records pass the ~2 kB at which Postgres compresses a row, so the
-- extract's COPY compressed them with pglz, and every stage that reads raw (staging, the
-- quality gate's checks of the records) decompressed them. With lz4 the dossier batch's extract,
-- stage and validate tasks take 11 % less time at 100k, for the same size on disk
-- (bench/RESULTS.md, "Records as received in lz4"). Only new rows change; the rows already
-- landed stay pglz and read as before.
-- A server built without lz4 keeps pglz: the records are the same, only slower to write.

do $$
declare
    landed regclass;
begin
    for landed in
        select c.oid::regclass
        from pg_class as c
        inner join pg_attribute as a on a.attrelid = c.oid and a.attname = 'record'
        where c.relnamespace in ('raw'::regnamespace, 'quarantine'::regnamespace)
            and c.relkind = 'r'
        order by 1
    loop
        execute format('alter table %s alter column record set compression lz4', landed);
    end loop;
exception when feature_not_supported then
    raise notice 'this server has no lz4 (%): records as received stay pglz-compressed', sqlerrm;
end
$$;
