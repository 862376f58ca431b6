-- Before recording config/sources.yaml: every source and tree is marked not configured; those
-- still listed are marked again. Removed ones keep their rows: batches, dw rows and published
-- reports still name them.
update meta.report_tree set is_configured = false;
update meta.source set is_configured = false;
