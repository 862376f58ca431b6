"""Each published version's mails go out once, whatever retries and clears happen: the summary
(with the workbook attached) to the ``tthc_smtp`` recipients, and one mail per address of the
Variable ``tthc_report_recipients`` ({unit code: [addresses]}) with a workbook of each of that
address's units (the unit's subtree rows, regressions and drill-down dossiers).

Each delivery is recorded in ``meta.report_delivery`` in the transaction that sends it, under a
lock per version and channel (``summary``, or ``recipient:<address>``): a retried or cleared
task, or a second run of the same report, finds the row and sends nothing. A mail server that
fails raises ``DeliveryFailed`` before anything is recorded, so the task's retries send it
again. The one gap left is the classic one of any e-mail: a process killed after the server
accepted the message and before the commit sends it again on retry (at least once, never zero).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path

import psycopg

from tthc_pipeline import sources
from tthc_pipeline.errors import PermanentError
from tthc_pipeline.notify import Delivery, notify
from tthc_pipeline.report.page import page_name

log = logging.getLogger(__name__)

_LOCK_CLASS = 0x7474_6865  # advisory lock namespace of deliveries; key 2 = tree, date, version
SUMMARY = "summary"
RECIPIENT_CHANNEL = "recipient:"  # + the address: one unit mail per (version, address)


class DeliveryFailed(RuntimeError):
    """A mail could not be sent; nothing is recorded, so a retry sends it."""


class InvalidRecipients(PermanentError, ValueError):
    """The Variable tthc_report_recipients is not a JSON object {unit code: [addresses]}."""


def summary_attachments(workbook: Path) -> list[Path]:
    """The files the summary mail carries: the version's workbook and its page beside it (both
    written by the export step before any mail goes; a missing one fails the send, which a retry
    after the export repairs)."""
    page = Path(page_name(str(workbook)))
    missing = [path.name for path in (workbook, page) if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"report files not written yet: {', '.join(missing)}")
    return [workbook, page]


def deliver_once(conninfo: str, report_date: date, snapshot_version: int, subject: str,
                 body: str, send: Callable[..., Delivery] = notify,
                 tree_code: str | None = None, attachments: Sequence[Path] = (),
                 channel: str = SUMMARY, to: Sequence[str] | None = None) -> bool:
    """Send ``subject``/``body`` with ``attachments`` for this version of a report tree
    (default: the configured default tree) on ``channel`` (to ``to``, else the notifier's
    recipients) unless it was sent; True when sent now."""
    tree_code = sources.tree_or_default(tree_code)
    with psycopg.connect(conninfo) as conn, conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s, hashtext(%s))",
                     (_LOCK_CLASS, f"{tree_code}/{report_date}/{snapshot_version}/{channel}"))
        sent = conn.execute(
            "select delivered_at from meta.report_delivery where tree_code = %s"
            " and report_date = %s and snapshot_version = %s and channel = %s",
            (tree_code, report_date, snapshot_version, channel)).fetchone()
        if sent is not None:
            log.info("report %s v%d: %s already sent at %s", report_date,
                     snapshot_version, channel, sent[0].isoformat())
            return False
        delivery = send(subject, body, attachments=tuple(attachments), to=to)
        if delivery.error:
            raise DeliveryFailed(f"report {report_date} v{snapshot_version}: the {channel} mail"
                                 f" could not be sent ({delivery.error}); a retry sends it")
        conn.execute(
            "insert into meta.report_delivery (tree_code, report_date, snapshot_version,"
            " channel, recipients, subject) values (%s, %s, %s, %s, %s, %s)",
            (tree_code, report_date, snapshot_version, channel, list(delivery.emailed_to),
             subject))
    return True


def parse_recipients(text: str | None) -> dict[str, tuple[str, ...]]:
    """The Variable ``tthc_report_recipients``: {unit code: [addresses]} as JSON; empty when
    unset."""
    if not text:
        return {}
    try:
        value = json.loads(text) if isinstance(text, str) else text
    except ValueError as error:
        raise InvalidRecipients(f"Variable tthc_report_recipients is not JSON: {error}") from error
    if not isinstance(value, dict) or not all(
            isinstance(code, str) and isinstance(addresses, list)
            and all(isinstance(a, str) and "@" in a for a in addresses)
            for code, addresses in value.items()):
        raise InvalidRecipients(
            "Variable tthc_report_recipients must be a JSON object {unit code: [addresses]},"
            ' e.g. {"000.00.31.H49": ["truongphong@example.vn"]}')
    return {code: tuple(a.strip() for a in addresses) for code, addresses in value.items()}


def units_by_address(recipients: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """{address: [unit codes]}: one mail per address and version, whatever units it heads."""
    by_address: dict[str, list[str]] = {}
    for unit_code, addresses in recipients.items():
        for address in addresses:
            by_address.setdefault(address.lower(), []).append(unit_code)
    return {address: sorted(set(codes)) for address, codes in sorted(by_address.items())}


def deliver_unit_reports(conninfo: str, report_date: date, snapshot_version: int,
                         recipients: Mapping[str, Sequence[str]], folder: Path,
                         tree_code: str | None = None,
                         send: Callable[..., Delivery] = notify) -> list[str]:
    """One mail per address of ``recipients`` ({unit code: [addresses]}) and version, with a
    workbook of each of its units (their subtree's rows, regressions and drill-down dossiers)
    attached; units the version does not have are skipped and logged. Returns the addresses
    mailed now (not those mailed before)."""
    from tthc_pipeline.report.summary import unit_summary
    from tthc_pipeline.report.workbook import write_workbooks

    tree_code = sources.tree_or_default(tree_code)
    tree_name = sources.load().tree(tree_code).name
    mails = []  # (address, body, units the version has)
    for address, unit_codes in units_by_address(recipients).items():
        body, known = unit_summary(conninfo, report_date, snapshot_version, unit_codes,
                                   tree_code)
        if unknown := sorted(set(unit_codes) - set(known)):
            log.warning("report %s v%d: no row for unit(s) %s of %s (Variable"
                        " tthc_report_recipients); skipped", report_date, snapshot_version,
                        ", ".join(unknown), address)
        if known:
            mails.append((address, body, known))
    if not mails:
        return []
    # every unit's workbook from one read of the version's figures, then one mail per address
    units = sorted({unit_code for _, _, known in mails for unit_code in known})
    workbooks = dict(zip(units, write_workbooks(conninfo, report_date, snapshot_version, folder,
                                                tree_code, units), strict=True))
    sent_now = []
    for address, body, known in mails:
        subject = (f"[TTHC] Báo cáo Chỉ thị 04 {tree_name} ngày {report_date:%d/%m/%Y}"
                   f" (phiên bản {snapshot_version}): {', '.join(known)}")
        if deliver_once(conninfo, report_date, snapshot_version, subject, body, send,
                        tree_code, [workbooks[unit_code] for unit_code in known],
                        f"{RECIPIENT_CHANNEL}{address}", [address]):
            sent_now.append(address)
    return sent_now
