"""The dump archive: its layout, its format version, and what every step reports.

Layout of the zip (``FORMAT_VERSION`` 1)::

    manifest.json          format, versions, migration, created_at, counts
    settings.json          non-secret settings that differ from the defaults
    tables/<table>.jsonl   one JSON object per row, tables in foreign-key order
    uploads/<path>         the files of the instance's ``uploads`` folder

This module holds only the contract shared by the steps, each in its sibling
module: ``rows`` (table order and value encoding), ``settings`` (which
settings travel), ``dumping`` (writing an archive), ``safety`` (reading an
untrusted archive defensively) and ``loading`` (reading it back into an
empty instance).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

FORMAT = "lieudit-dump"
FORMAT_VERSION = 1


class ArchiveError(Exception):
    """The archive cannot be written or loaded; the message says why, in French."""


@dataclass
class Summary:
    """What a dump or a load did: rows per table and files."""

    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    settings: dict[str, Any] = field(default_factory=dict)
    migration: str = ""
    #: Tables left out of a public dump.
    excluded: list[str] = field(default_factory=list)
