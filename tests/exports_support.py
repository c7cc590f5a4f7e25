"""Helpers shared by the open-data tests."""

from __future__ import annotations

from typing import Any

from tests.factories import PASSWORD


def login(client: Any, name: str) -> None:
    """Log ``name`` in through the real form."""
    assert client.post("/-/connexion", data={"name": name, "password": PASSWORD}).status_code == 302
