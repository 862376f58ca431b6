"""Each published version's summary goes out once, whatever retries and clears happen.

The delivery is recorded in ``meta.report_delivery`` in the transaction that sends it, under a
lock per version: a retried or cleared task, or a second run of the same report, finds the row
and sends nothing. A mail server that fails raises ``DeliveryFailed`` before anything is
recorded, so the task's retries send it again. The one gap left is the classic one of any
e-mail: a process killed after the server accepted the message and before the commit sends it
again on retry (at least once, never zero).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

import psycopg

from tthc_pipeline import sources
from tthc_pipeline.notify import Delivery, notify

log = logging.getLogger(__name__)

_LOCK_CLASS = 0x7474_6865  # advisory lock namespace of deliveries; key 2 = tree, date, version


class DeliveryFailed(RuntimeError):
    """The summary could not be sent; nothing is recorded, so a retry sends it."""


def deliver_once(conninfo: str, report_date: date, snapshot_version: int, subject: str,
                 body: str, send: Callable[[str, str], Delivery] = notify,
                 tree_code: str | None = None) -> bool:
    """Send ``subject``/``body`` for this version of a report tree (default: the configured
    default tree) unless it was sent; True when sent now."""
    tree_code = sources.tree_or_default(tree_code)
    with psycopg.connect(conninfo) as conn, conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s, hashtext(%s))",
                     (_LOCK_CLASS, f"{tree_code}/{report_date}/{snapshot_version}"))
        sent = conn.execute(
            "select delivered_at from meta.report_delivery where tree_code = %s"
            " and report_date = %s and snapshot_version = %s and channel = 'summary'",
            (tree_code, report_date, snapshot_version)).fetchone()
        if sent is not None:
            log.info("report %s v%d: summary already sent at %s", report_date,
                     snapshot_version, sent[0].isoformat())
            return False
        delivery = send(subject, body)
        if delivery.error:
            raise DeliveryFailed(f"report {report_date} v{snapshot_version}: the summary could"
                                 f" not be e-mailed ({delivery.error}); a retry sends it")
        conn.execute(
            "insert into meta.report_delivery (tree_code, report_date, snapshot_version,"
            " channel, recipients, subject) values (%s, %s, %s, 'summary', %s, %s)",
            (tree_code, report_date, snapshot_version, list(delivery.emailed_to), subject))
    return True
