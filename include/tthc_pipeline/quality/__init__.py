"""Step 3 of a batch: the data-quality gate (Great Expectations suites over the staged batch).

``gate.validate_batch`` runs the entity's suite, quarantines every failing row with its rule and
records the results in ``meta``; ``gate.release_parked`` re-lands rows that were parked only
for a reference that has arrived since. Nothing here imports GX at module level.
"""
