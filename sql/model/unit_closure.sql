-- Every (ancestor, unit) pair of the tree in model_units, a unit being its own ancestor, into
-- the temporary table model_unit_closure: how each subtree row (the report's, a measure's, a
-- drill-down's, a compliance count's) gathers its units. Only units in the tree have
-- ancestors, one row per unit code (dw.unit_tree_at).
create temporary table model_unit_closure on commit drop as
select
    ancestor.code as ancestor_code,
    u.unit_code
from model_units as u
cross join lateral unnest(u.ancestor_codes) as ancestor (code)
where u.ancestor_codes is not null;
