"""HTTP hardening applied to every response, and safe redirect targets.

- Security headers on every response type (HTML, JSON, files, errors, 304):
  a strict CSP without inline scripts, nosniff, Referrer-Policy,
  frame-ancestors, COOP (HOSTILE_INPUTS B14-123).
- Session cookies get the Secure flag on HTTPS requests, not only when forced.
- ``safe_next`` accepts only same-origin relative paths (B2-19).
- ``X-Forwarded-*`` are trusted only for ``TRUSTED_PROXIES`` hops (B13-114).
- Absolute URLs (API ``api_url``, feeds, catalogs) name ``BASE_URL`` when it
  is set, never the request's ``Host`` header; Flask's ``TRUSTED_HOSTS``
  refuses requests for any other host with 400 (issue 17).
"""

from __future__ import annotations

import re
from urllib.parse import unquote
from urllib.parse import urlsplit

from flask import Flask
from flask import Request
from flask import Response
from flask import has_request_context
from flask import request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import MapAdapter

_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")


def safe_next(target: str | None, default: str = "/") -> str:
    """Return ``target`` if it is a same-origin relative path, else ``default``."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return default
    decoded = unquote(target)
    if _CONTROL.search(target) or _CONTROL.search(decoded):
        return default
    if not target.startswith("/") or target.startswith("//") or decoded.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def content_security_policy(img_sources: tuple[str, ...] = ()) -> str:
    """Build the CSP: no inline script, no plugins, no framing."""
    img = " ".join(("'self'", "data:", *img_sources))
    return (
        "default-src 'self'; "
        "script-src 'self'; "
        "style-src 'self'; "
        f"img-src {img}; "
        "font-src 'self'; "
        "connect-src 'self'; "
        "object-src 'none'; "
        "base-uri 'none'; "
        "form-action 'self'; "
        "frame-ancestors 'none'"
    )


def tile_sources(url: str) -> tuple[str, ...]:
    """The origin of the map tile URL, for ``img-src`` (``{s}`` subdomains become a wildcard)."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ()
    host = re.sub(r"^\{s\}\.", "*.", parts.netloc)
    return (f"{parts.scheme}://{host}",)


def check_base_url(value: str) -> str:
    """Return the public address ``scheme://host[:port]`` without a trailing slash ("" when unset).

    :raises ValueError: not an http(s) address, or one with a path, query or fragment.
    """
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise ValueError(f"BASE_URL must be http(s)://host[:port], not {value!r}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"BASE_URL must be http(s)://host[:port], not {value!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}"


class PublicAddressFlask(Flask):
    """The Flask application: its absolute URLs name ``BASE_URL`` (when set), whatever the request's host."""

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        """Bind URLs as Flask does (``TRUSTED_HOSTS`` checked), then to the public address."""
        adapter = super().create_url_adapter(request)
        base = self.config.get("BASE_URL")
        if not base:
            return adapter
        parts = urlsplit(base)
        if adapter is None:
            return self.url_map.bind(parts.netloc, script_name=self.config["APPLICATION_ROOT"], url_scheme=parts.scheme)
        adapter.server_name = parts.netloc
        adapter.url_scheme = parts.scheme
        return adapter


class _SessionInterface(SecureCookieSessionInterface):
    """Session cookies are Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Force Secure by config or on HTTPS requests."""
        forced = bool(app.config["SESSION_COOKIE_SECURE"])
        return forced or (has_request_context() and request.is_secure)


def init_app(app: Flask) -> None:
    """Install proxy handling, the session interface and the header hook."""
    hops = int(app.config["TRUSTED_PROXIES"])
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.session_interface = _SessionInterface()
    csp = content_security_policy(
        tuple(app.config["CSP_IMG_SOURCES"]) + tile_sources(app.config.get("MAP_TILE_URL", ""))
    )

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", csp)
        headers["X-Content-Type-Options"] = "nosniff"
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers["X-Frame-Options"] = "DENY"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        if request.is_secure:
            headers["Strict-Transport-Security"] = "max-age=31536000"
        headers.pop("Server", None)
        return response
