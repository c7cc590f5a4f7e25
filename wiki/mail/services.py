"""Queue e-mail: the one entry point other domains call.

``enqueue`` adds a plain-text French message to the outbox in the caller's
transaction and returns at once; the message leaves after that transaction
commits, from :mod:`wiki.mail.delivery`, so no transaction ever waits on an
SMTP server. With no ``MAIL_SERVER`` configured nothing is stored and
``enqueue`` returns False: callers then tell the user plainly that this wiki
sends no e-mail.

Every subject is prefixed with the site name and every body ends with the
site's name and public address (``BASE_URL``, which ``MAIL_SERVER`` requires:
links in e-mails never follow a request's ``Host`` header, HOSTILE_INPUTS 120).
Callers build absolute links with ``url_for(..., _external=True)``. Never put
an untrusted display name in a subject (HOSTILE_INPUTS 93).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from wiki.mail import delivery
from wiki.mail.models import OutgoingMail

#: A deliverable address: one ``@``, no spaces, quotes, angle brackets, commas or line breaks.
_ADDRESS = re.compile(r"[^@\s<>\"'\\,;()\[\]]{1,64}@[^@\s<>\"'\\,;()\[\]]+\.[^@\s<>\"'\\,;()\[\]]+")
MAX_SUBJECT = 200
MAX_BODY = 100_000


def mail_enabled(config: Mapping[str, Any]) -> bool:
    """Tell whether this wiki sends e-mail (a ``MAIL_SERVER`` is configured)."""
    return bool(config.get("MAIL_SERVER"))


def clean_address(address: str) -> str:
    """Return ``address`` stripped, or raise ``ValueError`` if it cannot be a single recipient."""
    cleaned = (address or "").strip()
    if len(cleaned) > 254 or not _ADDRESS.fullmatch(cleaned):
        raise ValueError(f"not a single e-mail address: {address!r}")
    return cleaned


def enqueue(db: Session, *, to: str, subject: str, body: str, unsubscribe: str | None = None) -> bool:
    """Queue a plain-text message to ``to`` in ``db``'s transaction; it is sent after the commit.

    :param to: one verified address (never one the user has not confirmed).
    :param subject: one line, French; the site name is prepended.
    :param body: plain text, French; the site's name and address are appended.
    :param unsubscribe: an absolute https or http link that unsubscribes in one POST, without
        login (RFC 8058): sent as ``List-Unsubscribe`` with ``List-Unsubscribe-Post``.
    :returns: False, storing nothing, when no ``MAIL_SERVER`` is configured.
    :raises ValueError: ``to`` is not a single e-mail address.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    config = app.config
    if not mail_enabled(config):
        return False
    recipient = clean_address(to)
    # Header injection (HOSTILE_INPUTS 22): a subject is one line, whatever the caller passes.
    line = " ".join((subject or "").split())
    site = " ".join(str(config["SITE_NAME"]).split())
    full_subject = f"[{site}] {line}"[:MAX_SUBJECT]
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").rstrip()[:MAX_BODY]
    footer = f"\n\n-- \n{site}\n{config['BASE_URL']}/\n"
    headers = None
    if unsubscribe and unsubscribe.startswith(("https://", "http://")) and not set(unsubscribe) & set("<> \r\n,"):
        headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    db.add(OutgoingMail(recipient=recipient, subject=full_subject, body=text + footer, headers=headers))
    delivery.send_after_commit(db, app)
    return True
