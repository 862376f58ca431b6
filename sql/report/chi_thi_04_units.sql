-- The unit tree of one report tree at one report's cutoff C, into the temporary table
-- report_units: the shared model's tree (model_units, sql/model/unit_tree.sql, from
-- dw.unit_tree_at(C, tree): one row per unit code dw knows, with the unit in force whose row
-- counts its dossiers and, for units in the tree, their parent, depth and ancestors at C; rules
-- of V013, shared/spec/domain.md, "Reorganisation") under the name the report's steps read.
create temporary table report_units on commit drop as
select *
from model_units;
