-- Fresh statistics for the published scorecards, in the transaction that writes them: the
-- workbook and the summary read them moments later, before autovacuum has looked, and BI
-- queries over a province's rows (and the lists of mart.scorecard_shortfall) should not be
-- planned on an empty table's estimates.
analyze mart.scorecard_version, mart.scorecard_item, mart.scorecard_unit_closure,
    mart.scorecard_dossier_member, mart.scorecard_procedure_member
