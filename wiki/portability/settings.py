"""Which settings travel in a dump: known, changed, never secret, and plain on the way back.

A dump carries ``settings.json`` so the new instance looks like the old one;
``PRIVATE_SETTINGS`` lists what never leaves a server (secrets and what
belongs to one server only). On load, only plain values of known keys
may be written to the instance's ``config.py``.
"""

from __future__ import annotations

import json
from typing import Any

#: Settings never written to a dump: secrets and what belongs to one server.
PRIVATE_SETTINGS = frozenset(
    {
        "SECRET_KEY",
        "DATABASE_URL",
        "SEARCH_BACKEND",
        "TRUSTED_PROXIES",
        "SESSION_COOKIE_SECURE",
        # The address and host names of this server: a copy served elsewhere must not answer 400.
        "BASE_URL",
        "TRUSTED_HOSTS",
    }
)
#: Prefixes of settings that are security, storage or delivery choices of one server, never
#: content: a dump must not switch HttpOnly cookies, CSRF or durable writes off on the instance
#: that loads it, nor carry mail credentials.
PRIVATE_PREFIXES = ("SESSION_", "REMEMBER_COOKIE_", "WTF_", "CSP_", "MAIL_", "PERMANENT_SESSION", "SQLITE_", "PG_")


def is_private(key: str) -> bool:
    """Tell whether a setting stays on its server (secrets, security, delivery)."""
    return key in PRIVATE_SETTINGS or key.startswith(PRIVATE_PREFIXES) or "PASSWORD" in key or "SECRET" in key


def public_settings(config: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """The settings worth carrying to another instance: known, changed, not secret."""
    chosen = {}
    for key, default in defaults.items():
        if is_private(key) or key not in config or config[key] == default:
            continue
        value = config[key]
        value = list(value) if isinstance(value, tuple) else value
        try:
            json.dumps(value)
        except TypeError:
            continue
        chosen[key] = value
    return chosen


def accepted_settings(loaded: Any, defaults: dict[str, Any]) -> dict[str, Any]:
    """Settings read from an archive that may be written to ``config.py``:
    known keys, not secret, plain text, numbers, yes/no or lists of text."""
    if not isinstance(loaded, dict):
        return {}

    def plain(value: Any) -> bool:
        return isinstance(value, str | bool | int) or (
            isinstance(value, list) and all(isinstance(item, str) for item in value)
        )

    return {key: value for key, value in loaded.items() if key in defaults and not is_private(key) and plain(value)}
