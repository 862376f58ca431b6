-- V025: dw.v_dossier_status_history without window functions, so that a filter on it reaches
-- dw.fact_dossier_status.
-- V007 took each step's next time and whether it is the latest from lead() and max() over the
-- dossier's steps. Postgres cannot push a filter on a dossier's code, a unit or a time below
-- such a window: every query of the view, even the history of one dossier, sorted and windowed
-- every step of the warehouse first (some 50 M steps a year for the nation). The loads number a
-- dossier's steps 1..n without gaps (its TienDo's order; fact_dossier_status.sql deletes the
-- steps beyond n), so the next step is the one numbered step_no + 1, one probe of the primary
-- key, and the latest step is the one without a next. Same columns, same values.

create or replace view dw.v_dossier_status_history as
select
    f.dossier_key,
    d.dossier_code,
    u.unit_code,
    u.unit_name,
    p.procedure_code,
    p.procedure_name,
    f.step_no,
    s.status_code,
    s.status_name_vi,
    s.status_name_en,
    s.status_class,
    f.status_at,
    (f.status_at at time zone 'Asia/Ho_Chi_Minh')::date as status_date,
    next_step.status_at as next_status_at,
    round(extract(epoch from next_step.status_at - f.status_at) / 3600, 2) as hours_in_status,
    next_step.dossier_key is null as is_latest_step,
    f.room_name,
    f.officer_code
from dw.fact_dossier_status as f
left join dw.fact_dossier_status as next_step
    on f.dossier_key = next_step.dossier_key and f.step_no + 1 = next_step.step_no
left join dw.fact_dossier as d on f.dossier_key = d.dossier_key
left join dw.dim_unit as u on d.unit_durable_key = u.unit_durable_key and u.is_current
left join dw.dim_procedure as p
    on d.procedure_durable_key = p.procedure_durable_key and p.is_current
left join dw.dim_status as s on f.status_key = s.status_key;
