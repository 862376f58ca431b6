"""The Directive 04 weekly report: coverage check, indicator snapshot, workbook and summary."""
