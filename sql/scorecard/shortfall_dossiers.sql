-- The dossiers that count against one item for one unit: members of the item's denominator that
-- are not members of its numerator (dossier_members, sql/scorecard/dossier_members.sql), over
-- the unit's subtree. The two measure names are checked identifiers (tthc_pipeline.scorecards.
-- config.DOSSIER_MEASURES), put in by tthc_pipeline.scorecards.drill.
-- Grain: one row per dossier. Parameters: unit_code.
select
    m.dossier_code,
    m.unit_code as counting_unit_code,
    m.status,
    m.received_on,
    m.due_on,
    m.finished_on,
    m.supplement_rounds,
    m.is_online,
    m.is_paid_online
from dossier_members as m
inner join model_units as u on m.unit_code = u.unit_code
where %(unit_code)s = any(u.ancestor_codes)
    and m.{denominator}
    and not m.{numerator}
order by m.dossier_code
