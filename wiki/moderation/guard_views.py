"""The form guard of every public form: honeypot, minimum fill time, new anonymous sessions per address.

Templates put ``{{ form_guard() }}`` (``moderation/_guard.html``) in each public
form: a honeypot field that people never see (hidden by CSS, labelled « Ne
pas remplir » for screen readers, out of the tab order, no autofill) and a
signed timestamp (itsdangerous, with the secret key). The view calls
:func:`check_form` first thing on a POST that saves; it raises the
``ValidationError``\\ s of :mod:`wiki.moderation.spam`, so the view shows
the form again with what was typed and a French reason:

- the honeypot holds something: refused (the re-shown form's honeypot is empty);
- the form came back faster than ``FORM_MIN_SECONDS`` or without a valid
  timestamp: refused once; the re-shown form carries a timestamp marked
  "already refused", which is never refused for time again, so a person who
  just sends again is through;
- an anonymous visitor's session met for the first time (first contribution
  of a browser, or a client dropping its cookie) is counted against its
  address: refused when the address opened ``NEW_SESSIONS_PER_IP`` sessions
  within ``NEW_SESSIONS_WINDOW_SECONDS``, the only rule that reads an address.

The client's address is ``request.remote_addr``: ``X-Forwarded-For`` counts
only through ``TRUSTED_PROXIES`` hops (:mod:`wiki.security`). It is written
only to the restricted IP log (:mod:`wiki.moderation.iplog`), for every
contribution, in the same transaction; the log (and stale save counters) are
purged at most once an hour on a write, and by ``lieudit privacy purge``. A preview is not a save and is never checked.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask
from flask import current_app
from flask import g
from flask import has_request_context
from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature
from itsdangerous import URLSafeSerializer
from sqlalchemy.orm import Session

from wiki import signals
from wiki.db import get_session
from wiki.moderation import iplog
from wiki.moderation import spam

#: Names of the posted fields (``website`` is also left out of the "réessayez" and CSRF pages).
HONEYPOT = "website"
TOKEN = "_guard"
_SALT = "lieudit.form-guard"
log = logging.getLogger(__name__)
#: Seconds between two purges of the IP log by one process.
PURGE_EVERY = 3600


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt=_SALT)


def _read_token(value: str | None) -> tuple[float, bool] | None:
    """The (start time, already refused) of a posted timestamp, None when missing or forged."""
    if not value or len(value) > 200:
        return None
    try:
        started, again = _serializer().loads(value)
        return float(started), bool(again)
    except (BadSignature, TypeError, ValueError):
        return None


def form_guard_token() -> str:
    """The signed timestamp a form carries (Jinja global).

    A form shown again after a post keeps the first start time; it is marked
    "already refused" when :func:`check_form` refused the post (honeypot or
    speed), so sending it again is never refused for time.
    """
    started, again = time.time(), False
    if has_request_context() and request.method == "POST":
        posted = _read_token(request.form.get(TOKEN))
        if posted is not None:
            started, again = posted
        again = again or bool(g.get("form_guard_refused"))
    return _serializer().dumps([int(started), int(again)])


def client_ip() -> str:
    """The client's address, read through the configured trusted proxies only."""
    return request.remote_addr or "?"


def check_form(*, field: str = "body", action: str = "") -> None:
    """Check the honeypot and the fill time of the posted form; for a contribution (``action``), the session.

    :param field: the form field the reason is shown beside.
    :param action: ``page:edit``, ``record:create``…: a contribution, logged with the address;
        empty for login and registration forms.
    :raises spam.SpamRefused: the honeypot is filled, or the form came back too fast.
    :raises spam.RateLimited: too many new anonymous sessions from this address.
    """
    cfg = current_app.config
    if request.form.get(HONEYPOT):
        g.form_guard_refused = True
        log.info("form guard: honeypot filled on %s", request.path)
        reason = _(
            "Un champ caché, qui sert à repérer les robots, a été rempli (peut-être par le remplissage "
            "automatique de votre navigateur). Votre texte est conservé : enregistrez à nouveau."
        )
        raise spam.SpamRefused(reason, {field: reason})
    minimum = float(cfg["FORM_MIN_SECONDS"])
    if minimum > 0:
        posted = _read_token(request.form.get(TOKEN))
        if posted is None or (not posted[1] and time.time() - posted[0] < minimum):
            g.form_guard_refused = True
            log.info("form guard: %s sent back too fast or unsigned", request.path)
            reason = _(
                "Le formulaire est revenu très vite, comme l’envoient les robots. Votre texte est conservé : "
                "relisez-le puis enregistrez à nouveau."
            )
            raise spam.SpamRefused(reason, {field: reason})
    if action:
        _open_session(field, action)


def _open_session(field: str, action: str) -> None:
    """Log the contribution's address; an anonymous visitor's first one opens a session, if the address may."""
    db, ip = get_session(), client_ip()
    key = _count_session(db, ip, field) if not current_user.is_authenticated else None
    iplog.record(db, ip=ip, action=action, user_id=current_user.id, session_key=key)
    g.ip_logged = True
    _purge_now_and_then(db)


def _count_session(db: Session, ip: str, field: str) -> str | None:
    """Return the anonymous visitor's session key; the first time the log meets it, count it against the address.

    A key is "new" when the IP log has no ``session`` row for it, whatever the
    cookie says: a session minted elsewhere (a revert button) is counted
    all the same on its first save.

    :raises spam.RateLimited: the address opened ``NEW_SESSIONS_PER_IP`` sessions within the window.
    """
    key = current_user.session_key
    if not key or iplog.knows_session(db, key):
        return key
    window = int(current_app.config["NEW_SESSIONS_WINDOW_SECONDS"])
    limit = int(current_app.config["NEW_SESSIONS_PER_IP"])
    if limit > 0 and iplog.new_sessions(db, ip, seconds=window) >= limit:
        log.warning("form guard: one address opened %d new anonymous sessions in %d s", limit, window)
        reason = _(
            "Beaucoup de nouveaux visiteurs anonymes écrivent depuis votre réseau en ce moment. Votre "
            "texte est conservé : réessayez dans quelques minutes, ou connectez-vous."
        )
        raise spam.RateLimited(reason, {field: reason})
    iplog.record(db, ip=ip, action=iplog.NEW_SESSION, session_key=key)
    return key


def _log_saved(db: Session, kind: str, action: str, actor: Any) -> None:
    """Log the address of a save that no guarded form logged (the API, reverts, renames).

    An anonymous visitor's new session is counted here too, and refused past
    the address's limit (the save is then not made).
    """
    if not has_request_context() or g.get("ip_logged"):
        return
    ip = client_ip()
    authenticated = getattr(actor, "is_authenticated", False)
    if not authenticated and current_user.is_authenticated:
        return  # an anonymous author's save made by a moderator (the queue's accept): not this client's session
    key = None if authenticated else _count_session(db, ip, "body")
    iplog.record(db, ip=ip, action=f"{kind}:{action}", user_id=actor.id if authenticated else None, session_key=key)
    g.ip_logged = True
    _purge_now_and_then(db)


def on_page_saved(sender: Any, *, session: Session, action: str, actor: Any, **_kw: Any) -> None:
    """Log the address of a page revision written in a request (in the save's transaction)."""
    _log_saved(session, "page", action, actor)


def on_record_saved(sender: Any, *, session: Session, action: str, actor: Any, **_kw: Any) -> None:
    """Log the address of a record revision written in a request (in the save's transaction)."""
    _log_saved(session, "record", action, actor)


def _purge_now_and_then(db: Session) -> None:
    """Purge the IP log and old save counters, at most once an hour per process, in the current write."""
    state = current_app.extensions.setdefault("lieudit.iplog", {"purged": 0.0})
    if time.monotonic() - state["purged"] < PURGE_EVERY and state["purged"]:
        return
    state["purged"] = time.monotonic()
    iplog.purge(db, days=int(current_app.config["IP_RETENTION_DAYS"]))
    rules = spam.current_rules()
    if rules is not None:
        spam.prune_counters(db, rules)


def init_app(app: Flask) -> None:
    """Expose ``form_guard_token`` to templates and log the addresses of saves."""
    app.jinja_env.globals["form_guard_token"] = form_guard_token
    signals.page_saved.connect(on_page_saved)
    signals.record_saved.connect(on_record_saved)
