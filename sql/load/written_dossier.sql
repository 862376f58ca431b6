-- The dossiers this load writes to dw.fact_dossier, with the staged record that won: the status
-- and supplement loads replace the children of exactly these dossiers.
create temporary table written_dossier (
    dossier_key bigint primary key,
    record_no integer not null
) on commit drop
