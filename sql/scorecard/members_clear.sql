-- Clears the members held for a tree's scorecards (V019: mart.scorecard_unit_closure,
-- mart.scorecard_dossier_member, mart.scorecard_procedure_member), all of them or those of one
-- cut-off, and records the Friday whose members are written next (mart.scorecard_member_run),
-- in the transaction that publishes that Friday's scores.
-- Parameters: tree_code, report_date, as_of (NULL: every cut-off of the tree).
with

closure as (
    delete from mart.scorecard_unit_closure
    where tree_code = %(tree_code)s
        and (%(as_of)s::timestamptz is null or as_of = %(as_of)s::timestamptz)
),

procedures as (
    delete from mart.scorecard_procedure_member
    where tree_code = %(tree_code)s
        and (%(as_of)s::timestamptz is null or as_of = %(as_of)s::timestamptz)
),

dossiers as (
    delete from mart.scorecard_dossier_member
    where tree_code = %(tree_code)s
        and (%(as_of)s::timestamptz is null or as_of = %(as_of)s::timestamptz)
)

insert into mart.scorecard_member_run (tree_code, report_date)
values (%(tree_code)s, %(report_date)s)
on conflict (tree_code) do update set report_date = excluded.report_date
