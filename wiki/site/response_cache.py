"""Whole anonymous responses, served again without touching the ORM or a template.

An anonymous ``GET`` (no session cookie, no ``Authorization``) is looked up by
its address, its language, its host and the **content version** of the
database (:func:`wiki.db.read_content_version`, one indexed read): every
transaction that changes content bumps the version, so an entry can never
outlive the content it was built from, in any worker or on any node. Entries
also age out after ``RESPONSE_CACHE_SECONDS`` (60 by default), for what moves
with the clock alone ("à venir" lists, the current month); 0 turns the cache off.

Only complete, cookie-free ``200`` answers are kept (no ``Set-Cookie``, not
streamed, not ``no-store`` nor ``private``, at most ``RESPONSE_CACHE_MAX_BYTES``),
so nothing personal can be kept: a logged-in visitor, or an anonymous
contributor whose session holds a key, always gets a fresh answer, and never a
kept one. Bodies are gzip-compressed once when stored, and served compressed to
clients that accept it. Hits still answer ``If-None-Match`` with 304.
"""

from __future__ import annotations

import gzip
import time
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask import Response
from flask import g
from flask import request
from flask import session
from sqlalchemy.exc import SQLAlchemyError

from wiki import db as database
from wiki import i18n
from wiki.caching import AppCache

#: Bodies smaller than this are sent as they are: compression would not pay for its header.
GZIP_MIN_BYTES = 1024
_COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/atom+xml", "application/geo+json",
                 "application/ld+json", "image/svg+xml")  # fmt: skip
_KEY = "lieudit.response_cache_key"


@dataclass(frozen=True)
class Entry:
    """A kept answer: status, headers and body, with its compressed body when worth it."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    gzipped: bytes | None
    expires: float

    def response(self, accepts_gzip: bool) -> Response:
        """Build a new response from this entry (compressed when the client accepts it)."""
        response = Response(self.body, status=self.status, headers=list(self.headers))
        if accepts_gzip and self.gzipped is not None:
            response.set_data(self.gzipped)
            response.headers["Content-Encoding"] = "gzip"
            etag, weak = response.get_etag()
            if etag:  # another body, another validator (RFC 9110 §8.8.3)
                response.set_etag(f"{etag}-gz", weak=bool(weak))
        response.vary.add("Accept-Encoding")
        return response


def _weight(entry: Entry) -> int:
    """The bytes an entry holds: its bodies and headers, plus a little for the objects around them."""
    return len(entry.body) + len(entry.gzipped or b"") + sum(len(n) + len(v) for n, v in entry.headers) + 400


_responses: AppCache[Entry] = AppCache("site.responses", maxsize=1000, weigh=_weight)


def _request_key(app: Flask) -> tuple[Any, ...] | None:
    """The lookup key of an anonymous GET, or None when the request may not share an answer."""
    if request.method not in ("GET", "HEAD") or request.path.startswith("/-/static/"):
        return None
    if app.config["SESSION_COOKIE_NAME"] in request.cookies or "Authorization" in request.headers:
        return None
    # The prefix the site is served under (SCRIPT_NAME) is in every link of the body.
    return (request.host, request.scheme, request.script_root, i18n.select_locale(), request.full_path)


def _accepts_gzip() -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


def _keepable(response: Response, limit: int) -> bool:
    """Tell whether ``response`` is a complete, impersonal 200 that any anonymous visitor may get."""
    if response.status_code != 200 or response.is_streamed or response.direct_passthrough:
        return False
    if "Set-Cookie" in response.headers or "Content-Encoding" in response.headers:
        return False
    if session.modified or session:  # the session cookie is written after this hook: its cause is seen here
        return False
    control = response.cache_control
    if control.no_store or control.private:
        return False
    length = response.content_length
    return length is None or length <= limit


def _entry(response: Response, seconds: int) -> Entry:
    body = response.get_data()
    mimetype = response.mimetype or ""
    gzipped = None
    if len(body) >= GZIP_MIN_BYTES and mimetype.startswith(_COMPRESSIBLE):
        gzipped = gzip.compress(body, compresslevel=6, mtime=0)
    headers = tuple((name, value) for name, value in response.headers.items() if name != "Content-Length")
    return Entry(response.status_code, headers, body, gzipped, time.monotonic() + seconds)


def init_app(app: Flask) -> None:
    """Serve kept answers before any other hook; keep eligible answers after every other hook."""
    seconds = int(app.config["RESPONSE_CACHE_SECONDS"])
    if seconds <= 0:
        return
    limit = int(app.config["RESPONSE_CACHE_MAX_BYTES"])
    _responses.resize(app, int(app.config["RESPONSE_CACHE_ENTRIES"]), int(app.config["RESPONSE_CACHE_MB"]) * 2**20)

    def serve_kept() -> Response | None:
        key = _request_key(app)
        if key is None:
            return None
        try:
            version = database.read_content_version(database.Database.engine(app))
        except SQLAlchemyError:
            return None  # the database is unwell: let the request say so (health, error pages)
        key = (version, *key)
        entry = _responses.get(app, key)
        if entry is not None and entry.expires > time.monotonic():
            response = entry.response(_accepts_gzip())
            response.make_conditional(request)
            return response
        g.setdefault(_KEY, key)
        return None

    def keep(response: Response) -> Response:
        key = g.pop(_KEY, None)
        if key is not None and _keepable(response, limit):
            entry = _entry(response, seconds)
            _responses.put(app, key, entry)
            if _accepts_gzip() and entry.gzipped is not None:
                response = entry.response(True)
                response.make_conditional(request)
        return response

    # First before any other hook (no session, user or database session is touched on a hit),
    # and last after every other one (the kept headers are the final ones).
    app.before_request_funcs.setdefault(None, []).insert(0, serve_kept)
    app.after_request_funcs.setdefault(None, []).insert(0, keep)
