-- V020: the dw facts check their source once per statement, not once per row (issue 18).
-- A foreign key checks every inserted row on its own: a lookup in meta.source and a share lock
-- on its row, about 2.6 µs a row on the benchmark machine, four times the insert of a narrow
-- row. A day's load writes its dossiers, their status steps, supplement rounds, apology letters
-- and payments: about 7 rows a dossier, so 7 M checks of one and the same source at 1 M
-- dossiers. The rule stays enforced, over the statement's new rows at once (a transition
-- table): an INSERT naming a source not in meta.source fails with foreign_key_violation (23503)
-- as before, and an UPDATE that changes a row's source is checked row by row (the loads never
-- change it, so that trigger never fires on theirs).
-- What the foreign key also did, refusing to delete or rename a source that facts name, stays
-- done by meta.load_batch's foreign key: facts come only from batches of their source, so a
-- source with facts has batches. Dimensions and raw keep their foreign keys: dimensions are a
-- catalogue's size, and a transition table of raw would copy every landed record again.

create function dw.refuse_unknown_sources() returns trigger
language plpgsql as $$
declare
    unknown_source text;
begin
    select n.source_code into unknown_source
    from (select distinct source_code from new_rows) as n
    where not exists (select from meta.source as s where s.source_code = n.source_code)
    limit 1;
    if found then
        raise foreign_key_violation using
            message = format('insert into %I.%I names source %L, which is not in meta.source',
                             tg_table_schema, tg_table_name, unknown_source);
    end if;
    return null;
end
$$;

create function dw.refuse_unknown_source() returns trigger
language plpgsql as $$
begin
    if not exists (select from meta.source where source_code = new.source_code) then
        raise foreign_key_violation using
            message = format('update of %I.%I names source %L, which is not in meta.source',
                             tg_table_schema, tg_table_name, new.source_code);
    end if;
    return new;
end
$$;

comment on function dw.refuse_unknown_sources() is
    'Statement trigger of the dw facts: their new rows name sources of meta.source (the foreign '
    'key, checked once per statement)';
comment on function dw.refuse_unknown_source() is
    'Row trigger of the dw facts: an update that changes a row''s source names one of meta.source';

do $$
declare
    fact text;
begin
    foreach fact in array array[
        'fact_dossier', 'fact_dossier_status', 'fact_dossier_supplement',
        'fact_dossier_apology', 'fact_payment'
    ] loop
        execute format('alter table dw.%I drop constraint %I', fact, fact || '_source_code_fkey');
        execute format(
            'create trigger %I after insert on dw.%I referencing new table as new_rows'
            ' for each statement execute function dw.refuse_unknown_sources()',
            fact || '_known_sources', fact);
        execute format(
            'create trigger %I before update of source_code on dw.%I for each row'
            ' when (old.source_code is distinct from new.source_code)'
            ' execute function dw.refuse_unknown_source()',
            fact || '_known_source', fact);
    end loop;
end
$$;
