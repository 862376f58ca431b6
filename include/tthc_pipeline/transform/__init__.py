"""Staging and loading, in set-based SQL: raw batches → typed staging rows → the ``dw`` star."""
