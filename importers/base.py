"""What every importer returns, and how ``lieudit import`` finds one.

An importer reads bytes of one source format and writes records (or pages)
through the domain services, the same ones the web forms use. It is
idempotent by remote id (re-importing updates instead of duplicating), runs in
one transaction (nothing half-written: the caller commits only a clean run or
rolls back a dry run), and reports per row: what was created, updated or left
alone, and a French message for every refused row.

Register a format in :data:`FORMATS` as ``"name": "module:function"``; the
function has the signature of :class:`ImportFunction` and is imported only
when that format is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Protocol

from sqlalchemy.orm import Session

#: ``lieudit import FORMAT …``: format name -> ``"module:function"``.
FORMATS: dict[str, str] = {
    "ics": "importers.ics:run",
    "geojson": "importers.geo_layers:run_geojson",
    "umap": "importers.geo_layers:run_umap",
    "kml": "importers.geo_layers:run_kml",
    "gpx": "importers.geo_layers:run_gpx",
    "osm": "importers.geo_layers:run_osm",
}


@dataclass
class RowError:
    """One refused row (event, feature, line…): which one, and why, in French."""

    ref: str
    message: str


@dataclass
class ImportResult:
    """The outcome of one import; ``error`` is set when the whole source is refused."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """True when the source was read (some rows may still be refused)."""
        return self.error is None

    def summary(self) -> str:
        """One French line for the command line and the flash message."""
        if self.error:
            return f"Import refusé : {self.error}"
        verb = "seraient" if self.dry_run else "ont été"
        return (f"{self.created} créé(s), {self.updated} mis à jour, {self.unchanged} inchangé(s) {verb} traités ; "
                f"{len(self.errors)} refusé(s).")  # fmt: skip


class ImportFunction(Protocol):
    """``run(db, data, form=…, author=…, dry_run=…)``: import ``data`` (bytes) into the database."""

    def __call__(self, db: Session, data: bytes, *, form: str | None, author: Any, dry_run: bool) -> ImportResult:
        """Import ``data``; never commit (the caller does)."""
        ...


def get_importer(name: str) -> ImportFunction:
    """Return the import function registered for ``name`` (KeyError when unknown)."""
    import importlib

    module, _, function = FORMATS[name].partition(":")
    return getattr(importlib.import_module(module), function)
