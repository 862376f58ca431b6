-- The unit tree of one report tree at a cutoff, into the temporary table model_units: one row
-- per unit code dw knows, with the unit in force whose row counts its dossiers
-- (report_unit_code) and, for units in the tree, their parent, depth and ancestors at the
-- cutoff. The rules are dw.unit_tree_at's (V013; shared/spec/domain.md, "Reorganisation").
-- Parameters: cutoff, tree_code.
create temporary table model_units on commit drop as
select *
from dw.unit_tree_at(%(cutoff)s, %(tree_code)s);
