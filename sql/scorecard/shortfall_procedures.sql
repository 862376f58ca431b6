-- The procedures that count against one item for one unit: members of the item's denominator
-- that are not members of its numerator (procedure_members, already per subtree). The two
-- measure names are checked identifiers (tthc_pipeline.scorecards.config.PROCEDURE_MEASURES),
-- put in by tthc_pipeline.scorecards.drill.
-- Grain: one row per procedure. Parameters: unit_code.
select m.procedure_code
from procedure_members as m
where m.unit_code = %(unit_code)s
    and m.{denominator}
    and not m.{numerator}
order by m.procedure_code
