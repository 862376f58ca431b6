"""Scorecards beyond Directive 04 (shared/spec/scorecards.md): the national 766 index and
Quảng Ninh's PAR sub-index, defined as data in config/scorecards/*.yaml, computed over the
dossier state at a cutoff (sql/model/dossier_state.sql, sql/scorecard/measures.sql) and
published as immutable versions (mart.scorecard_version, mart.scorecard_item)."""
