"""Step 3 of a batch: the data-quality gate (Great Expectations suites over the staged batch).

``gate.validate_batch`` runs the entity's suite, quarantines every failing row with its rule and
records the results in ``meta``. Rows parked only for a missing reference are loaded by the load
that brings it (``transform.release``). Nothing here imports GX at module level.
"""
