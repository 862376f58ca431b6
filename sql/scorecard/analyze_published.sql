-- Fresh statistics for the published scorecards: the summary reads them moments after they are
-- written, before autovacuum has looked, and without statistics its plan over a province's
-- rows ran for minutes instead of a second.
analyze mart.scorecard_version, mart.scorecard_item
