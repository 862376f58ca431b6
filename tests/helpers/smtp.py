"""A local SMTP sink (aiosmtpd) on a free loopback port, standing in for the province's mail
server, and the ``tthc_smtp`` connection that points at it."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from tthc_devtools.local_stack import environment

RECIPIENTS = ("office@example.vn", "it-centre@example.vn")


class Sink:
    """What the SMTP sink received: one parsed message per delivery, with its envelope."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd API)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_uri(port: int) -> str:
    """The tthc_smtp connection as an operator writes it, for a plain (test) mail server."""
    extras = {"from_email": "etl@example.vn", "to": ",".join(RECIPIENTS),
              "disable_ssl": "true", "disable_tls": "true", "timeout": "5", "retry_limit": "0"}
    query = "&".join(f"{key}={quote(value, safe='')}" for key, value in extras.items())
    return f"smtp://127.0.0.1:{port}?{query}"


@contextmanager
def smtp_connection(port: int) -> Iterator[None]:
    with environment({"AIRFLOW_CONN_TTHC_SMTP": smtp_uri(port)}):
        yield


@contextmanager
def running_sink() -> Iterator[Sink]:
    """A running sink, with ``tthc_smtp`` pointing at it meanwhile."""
    from aiosmtpd.controller import Controller

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        with smtp_connection(controller.port):
            yield sink
    finally:
        controller.stop()
