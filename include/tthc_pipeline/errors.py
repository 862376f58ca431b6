"""The one mark of a failure that no retry can fix.

A rejected batch, a source that refuses a request (a 4xx other than 408 and 429), a broken
contract or counts that do not add up come out the same on every attempt: retrying them only
delays the alert by the whole retry schedule. Their exceptions derive from ``PermanentError``,
and the orchestration turns it into Airflow's ``AirflowFailException`` (no retry). Everything
else (a connection reset, a timeout, a source that stayed down) is left to the retries.
"""


class PermanentError(Exception):
    """A failure that a retry cannot fix: fail the task now and alert."""
