"""Send the outbox over SMTP, after commit and outside any transaction.

A unit of work that queued mail starts, once it commits, a short-lived
sender thread for the app (one at a time per process). The sender claims due
messages in a brief transaction (each claim is a conditional UPDATE that sets
a lease, so several processes never send the same message twice; on
PostgreSQL the rows are read ``FOR UPDATE SKIP LOCKED``, so senders of
several workers or app nodes claim different messages at once instead of
waiting for each other), sends them
with ``smtplib`` with no transaction open, then records the outcome in
another brief transaction. A failed message is retried with a growing delay
(1, 2, 4… minutes) up to ``MAIL_MAX_ATTEMPTS`` tries, then given up and kept;
a recipient the server refuses for good (5xx) is given up at once. Retries
happen when mail is next queued, or from cron with ``lieudit mail send``.
Sent messages are purged after ``SENT_RETENTION`` (recipients' addresses are
personal data).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr
from email.utils import formatdate
from email.utils import make_msgid
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from wiki.db import Database
from wiki.db import utcnow
from wiki.mail.models import OutgoingMail

EXTENSION = "lieudit.mail"
#: How long a sender owns the messages it claimed before another may try them.
LEASE = timedelta(minutes=5)
#: Sent messages are deleted after this long.
SENT_RETENTION = timedelta(days=7)
#: Messages one sender pass claims at most.
BATCH = 100
#: Seconds to wait for the SMTP server at each step.
SMTP_TIMEOUT = 10
_PENDING_FLAG = "lieudit.mail.pending"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the SMTP server, read from the configuration."""

    server: str
    port: int = 25
    use_tls: bool = False
    use_ssl: bool = False
    username: str = ""
    password: str = ""
    sender: str = ""
    max_attempts: int = 5

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings:
        """Read the ``MAIL_*`` settings; the sender defaults to ``noreply@`` the public host, named after the site."""
        sender = str(config.get("MAIL_SENDER") or "")
        if not sender:
            host = urlsplit(str(config.get("BASE_URL") or "")).hostname or "localhost"
            sender = f"noreply@{host}"
        name, address = parseaddr(sender)
        return cls(
            server=str(config.get("MAIL_SERVER") or ""),
            port=int(config.get("MAIL_PORT") or 25),
            use_tls=bool(config.get("MAIL_USE_TLS")),
            use_ssl=bool(config.get("MAIL_USE_SSL")),
            username=str(config.get("MAIL_USERNAME") or ""),
            password=str(config.get("MAIL_PASSWORD") or ""),
            sender=formataddr((name or str(config.get("SITE_NAME") or ""), address or sender)),
            max_attempts=max(1, int(config.get("MAIL_MAX_ATTEMPTS") or 1)),
        )


@dataclass
class Report:
    """What one pass of the sender did."""

    sent: int = 0
    failed: int = 0
    given_up: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class _SenderState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    thread: threading.Thread | None = None
    wanted: bool = False


def install(app: Flask) -> None:
    """Give ``app`` its sender state (one sender thread at a time)."""
    app.extensions[EXTENSION] = _SenderState()


def send_after_commit(db: Session, app: Flask) -> None:
    """Start the sender once ``db``'s current transaction commits (queued mail is then visible)."""
    if db.info.get(_PENDING_FLAG):
        return
    db.info[_PENDING_FLAG] = True

    def _committed(session: Session) -> None:
        session.info.pop(_PENDING_FLAG, None)
        start_sender(app)

    from sqlalchemy import event

    event.listen(db, "after_commit", _committed, once=True)


def start_sender(app: Flask) -> None:
    """Run a sender pass in a background thread (or ask the running one for another pass)."""
    state: _SenderState = app.extensions[EXTENSION]
    with state.lock:
        state.wanted = True
        if state.thread is not None and state.thread.is_alive():
            return
        # Not a daemon: a command that queued mail waits for it to leave before the process exits.
        state.thread = threading.Thread(target=_sender_loop, args=(app, state), name="lieudit-mail")
        state.thread.start()


def _sender_loop(app: Flask, state: _SenderState) -> None:
    while True:
        with state.lock:
            if not state.wanted:
                state.thread = None
                return
            state.wanted = False
        try:
            report = send_pending(app)
            for error in report.errors:
                log.warning("mail not sent: %s", error)
        except Exception:  # noqa: BLE001 - a background sender must never die loudly; rows stay queued
            log.exception("mail sender pass failed")


def wait_for_sender(app: Flask, timeout: float = 30.0) -> None:
    """Wait until the app's sender thread, if any, has finished (commands and tests)."""
    state: _SenderState = app.extensions[EXTENSION]
    with state.lock:
        thread = state.thread
    if thread is not None:
        thread.join(timeout)


def _claim(db: Session, now: datetime) -> list[int]:
    """Claim due messages (a lease on each) and purge old sent ones; the caller commits."""
    db.execute(delete(OutgoingMail).where(OutgoingMail.sent_at < now - SENT_RETENTION))
    # On PostgreSQL the rows another sender (another worker, another node) is claiming right now are
    # skipped, never waited for; SQLite has no row locks (its writers take turns) and ignores the clause.
    due = db.scalars(
        select(OutgoingMail.id)
        .where(OutgoingMail.sent_at.is_(None), OutgoingMail.given_up_at.is_(None), OutgoingMail.not_before <= now)
        .order_by(OutgoingMail.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    claimed = []
    for mail_id in due:
        result = db.execute(
            update(OutgoingMail)
            .where(
                OutgoingMail.id == mail_id,
                OutgoingMail.sent_at.is_(None),
                OutgoingMail.given_up_at.is_(None),
                OutgoingMail.not_before <= now,
            )
            .values(not_before=now + LEASE, attempts=OutgoingMail.attempts + 1)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(mail_id)
    return claimed


def build_message(mail: OutgoingMail, settings: SmtpSettings) -> EmailMessage:
    """Return the plain-text UTF-8 message for an outbox row."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    for name, value in (mail.headers or {}).items():
        if name in ("List-Unsubscribe", "List-Unsubscribe-Post"):  # checked again: a row is no header relay
            message[name] = " ".join(str(value).split())
    message.set_content(mail.body, charset="utf-8")
    return message


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    """Open an SMTP connection as configured (SSL, STARTTLS, login)."""
    context = ssl.create_default_context()
    if settings.use_ssl:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.server, settings.port, timeout=SMTP_TIMEOUT, context=context)
    else:
        smtp = smtplib.SMTP(settings.server, settings.port, timeout=SMTP_TIMEOUT)
    try:
        if settings.use_tls and not settings.use_ssl:
            smtp.starttls(context=context)
        if settings.username:
            smtp.login(settings.username, settings.password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _permanent(error: Exception) -> bool:
    """Whether the server refused this message for good (5xx to its recipient or its content).

    A refused login or sender is the configuration's fault, not the message's:
    those are retried, and leave once an administrator fixes the settings.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


def _send_all(messages: list[OutgoingMail], settings: SmtpSettings) -> dict[int, Exception | None]:
    """Send the messages over one connection; return each one's error (None: sent)."""
    outcome: dict[int, Exception | None] = {}
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as err:
        return {m.id: err for m in messages}
    try:
        for mail in messages:
            try:
                smtp.send_message(build_message(mail, settings))
                outcome[mail.id] = None
            except (OSError, smtplib.SMTPException) as err:
                outcome[mail.id] = err
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return outcome


def send_pending(app: Flask, *, now: datetime | None = None) -> Report:
    """Send every due message of the outbox once; return what happened.

    Three steps, each brief: claim (a transaction), send (no transaction), record (a transaction).
    """
    settings = SmtpSettings.from_config(app.config)
    report = Report()
    if not settings.server:
        return report
    now = now or utcnow()
    db = Database.new_session(app)
    try:
        claimed = _claim(db, now)
        db.commit()
        messages = list(db.scalars(select(OutgoingMail).where(OutgoingMail.id.in_(claimed)))) if claimed else []
        db.commit()
    finally:
        db.close()
    if not messages:
        return report
    outcome = _send_all(messages, settings)
    finished = utcnow()
    db = Database.new_session(app)
    try:
        for mail in messages:
            error = outcome.get(mail.id)
            if error is None:
                values: dict[str, Any] = {"sent_at": finished, "last_error": None}
                report.sent += 1
            elif mail.attempts >= settings.max_attempts or _permanent(error):
                values = {"given_up_at": finished, "last_error": str(error)[:500]}
                report.given_up += 1
            else:
                retry = timedelta(minutes=2 ** (mail.attempts - 1))
                values = {"not_before": finished + retry, "last_error": str(error)[:500]}
                report.failed += 1
            if error is not None:
                report.errors.append(f"message {mail.id}: {error}")
            db.execute(update(OutgoingMail).where(OutgoingMail.id == mail.id).values(**values))
        db.commit()
    finally:
        db.close()
    return report


def last_outcome(db: Session, recipient: str) -> str | None:
    """Return the error of the latest message to ``recipient`` if it is not sent yet ("" when not tried), else None."""
    mail = db.scalar(
        select(OutgoingMail).where(OutgoingMail.recipient == recipient.strip()).order_by(OutgoingMail.id.desc())
    )
    db.rollback()
    if mail is None or mail.sent_at is not None:
        return None
    return mail.last_error or ""
