-- Record one source of config/sources.yaml (tthc_pipeline.sources.record), configured again if
-- it had been removed. Grain: one source.
insert into meta.source (
    source_code, source_name, tree_code, tthc_connection, payment_connection, config_order
)
values (
    %(code)s, %(name)s, %(tree)s, %(tthc_connection)s, %(payment_connection)s, %(position)s
)
on conflict (source_code) do update set
    source_name = excluded.source_name,
    tree_code = excluded.tree_code,
    tthc_connection = excluded.tthc_connection,
    payment_connection = excluded.payment_connection,
    config_order = excluded.config_order,
    is_configured = true
