"""The static snapshot of the public site (``lieudit snapshot DIR``): see :mod:`wiki.snapshot.crawl`."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register ``lieudit snapshot``."""
    from wiki.snapshot import cli

    app.cli.add_command(cli.snapshot_command)
