"""The project's one notifier: every alert and report summary is logged, and e-mailed when an
SMTP connection is configured.

The connection ``tthc_smtp`` (e.g. ``AIRFLOW_CONN_TTHC_SMTP='smtp://user:pass@mail.example.vn:587?
from_email=etl%40example.vn&to=office%40example.vn'``) names the server, the sender and, in its
``to`` extra, the comma-separated recipients (a caller may name others, e.g. a unit's head).
Files (the weekly workbook, later its page) go as attachments. Without the connection the
message is only logged, so a local run or a test never needs a mail server. A failing mail
server is logged, never raised: an alert must not turn a successful load into a failed one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SMTP_CONN_ID = "tthc_smtp"


@dataclass(frozen=True)
class Delivery:
    logged: bool
    emailed_to: tuple[str, ...]  # empty when no SMTP connection is configured
    error: str | None = None


def notify(subject: str, body: str, conn_id: str = SMTP_CONN_ID, *,
           attachments: Sequence[Path] = (), to: Sequence[str] | None = None) -> Delivery:
    """Log ``subject`` and ``body``; e-mail them, with ``attachments``, when connection
    ``conn_id`` exists: to ``to`` when given, else to the connection's ``to`` extra."""
    log.warning("%s\n%s%s", subject, body,
                "".join(f"\n[attachment] {path.name}" for path in attachments))
    connection = _connection(conn_id)
    recipients = tuple(to) if to is not None else _recipients(connection)
    if connection is None or not recipients:  # no mail server, or nobody to tell: logged only
        return Delivery(logged=True, emailed_to=())
    try:
        from airflow.providers.smtp.hooks.smtp import SmtpHook

        with SmtpHook(smtp_conn_id=conn_id) as hook:
            hook.send_email_smtp(to=list(recipients), subject=subject,
                                 html_content=f"<pre>{_escape(body)}</pre>",
                                 files=[str(path) for path in attachments] or None)
    except Exception as error:  # an alert that cannot be mailed is still logged above
        log.error("could not e-mail %r to %s through %s: %s", subject, recipients, conn_id, error)
        return Delivery(logged=True, emailed_to=(), error=str(error))
    return Delivery(logged=True, emailed_to=recipients)


def _connection(conn_id: str):
    """The SMTP connection, or None when there is no such connection (or no Airflow)."""
    try:
        from airflow.sdk import Connection

        return Connection.get(conn_id)
    except Exception:  # not configured: AirflowNotFoundException, or no Airflow context at all
        return None


def _recipients(connection) -> tuple[str, ...]:
    """The ``to`` extra of the SMTP connection; nothing without a connection."""
    if connection is None:
        return ()
    to = connection.extra_dejson.get("to", "")
    return tuple(address.strip() for address in to.split(",") if address.strip())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
