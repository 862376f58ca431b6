-- Record one report tree of config/sources.yaml (tthc_pipeline.sources.record), configured again
-- if it had been removed. Grain: one tree.
insert into meta.report_tree (tree_code, tree_name, parent_tree_code, config_order)
values (%(code)s, %(name)s, %(parent)s, %(position)s)
on conflict (tree_code) do update set
    tree_name = excluded.tree_name,
    parent_tree_code = excluded.parent_tree_code,
    config_order = excluded.config_order,
    is_configured = true
