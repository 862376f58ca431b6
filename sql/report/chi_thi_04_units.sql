-- The unit tree of one report tree at one report's cutoff C,
-- into the temporary table report_units: one row per
-- unit code dw knows, with the unit in force whose row counts its dossiers (report_unit_code)
-- and, for units in the tree, their parent, depth and ancestors at C. The rules are
-- dw.unit_tree_at's (V013; shared/spec/domain.md, "Reorganisation").
-- Parameters: cutoff (R 00:00), tree_code (the report tree: a province, a merged province,
-- toan_quoc).
create temporary table report_units on commit drop as
select *
from dw.unit_tree_at(%(cutoff)s, %(tree_code)s);
