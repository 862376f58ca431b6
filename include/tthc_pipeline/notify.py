"""The project's one notifier: every alert and report summary is logged, and e-mailed when an
SMTP connection is configured.

The connection ``tthc_smtp`` (e.g. ``AIRFLOW_CONN_TTHC_SMTP='smtp://user:pass@mail.example.vn:587?
from_email=etl%40example.vn&to=office%40example.vn'``) names the server, the sender and, in its
``to`` extra, the comma-separated recipients. Without it the message is only logged, so a local
run or a test never needs a mail server. A failing mail server is logged, never raised: an alert
must not turn a successful load into a failed one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

SMTP_CONN_ID = "tthc_smtp"


@dataclass(frozen=True)
class Delivery:
    logged: bool
    emailed_to: tuple[str, ...]  # empty when no SMTP connection is configured
    error: str | None = None


def notify(subject: str, body: str, conn_id: str = SMTP_CONN_ID) -> Delivery:
    """Log ``subject`` and ``body``; e-mail them when connection ``conn_id`` exists."""
    log.warning("%s\n%s", subject, body)
    recipients = _recipients(conn_id)
    if not recipients:
        return Delivery(logged=True, emailed_to=())
    try:
        from airflow.providers.smtp.hooks.smtp import SmtpHook

        with SmtpHook(smtp_conn_id=conn_id) as hook:
            hook.send_email_smtp(to=list(recipients), subject=subject,
                                 html_content=f"<pre>{_escape(body)}</pre>")
    except Exception as error:  # an alert that cannot be mailed is still logged above
        log.error("could not e-mail %r to %s through %s: %s", subject, recipients, conn_id, error)
        return Delivery(logged=True, emailed_to=(), error=str(error))
    return Delivery(logged=True, emailed_to=recipients)


def _recipients(conn_id: str) -> tuple[str, ...]:
    """The ``to`` extra of the SMTP connection, or nothing when there is no such connection."""
    try:
        from airflow.sdk import Connection

        conn = Connection.get(conn_id)
    except Exception:  # not configured: AirflowNotFoundException, or no Airflow context at all
        return ()
    to = conn.extra_dejson.get("to", "")
    return tuple(address.strip() for address in to.split(",") if address.strip())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
