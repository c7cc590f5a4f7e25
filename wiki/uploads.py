"""Where attached files are stored: one folder per wiki, shared by its app nodes."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask import current_app


def uploads_root(app: Flask | None = None) -> Path:
    """The folder of attached files: ``UPLOADS_DIR``, else ``<instance>/uploads``."""
    app = app or current_app
    configured = app.config.get("UPLOADS_DIR") or ""
    return Path(configured) if configured else Path(app.instance_path) / "uploads"
