"""What an import reports: each item's outcome, the counts, the refused items and the warnings.

Pure (no database, no Flask): the command line prints an :class:`ImportResult`,
the moderators' screens show it, and the import log (:mod:`importers.jobs`)
keeps it. A big import's report stays small: past :data:`ITEMS_KEPT` items,
only the refused ones are kept one by one, while the counts hold them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import NamedTuple

#: What became of an item, and its French label in reports.
STATUSES = {"created": "créé", "updated": "mis à jour", "unchanged": "inchangé", "refused": "refusé"}


#: The most item outcomes a result keeps beyond the refused ones (counts are always exact).
ITEMS_KEPT = 2_000


class RowError(NamedTuple):
    """One refused item (event, feature, line…): which one, and why, in French."""

    ref: str
    message: str


@dataclass
class ItemReport:
    """The outcome of one item: its ref, remote id, status (see :data:`STATUSES`) and message."""

    ref: str
    status: str
    message: str = ""
    remote_id: str | None = None
    record_id: int | None = None

    def describe(self) -> str:
        """One French line: « ref : créé » or « ref : refusé — why »."""
        label = STATUSES[self.status]
        return f"{self.ref} : {label} — {self.message}" if self.message else f"{self.ref} : {label}"


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
    items: list[ItemReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the source was read (some rows may still be refused)."""
        return self.error is None

    def add(self, item: ItemReport) -> None:
        """Record one item's outcome: count it, and list it among the errors when refused.

        Past :data:`ITEMS_KEPT` items, only the refused ones are kept one by one (a big import's
        memory stays flat); the counts always hold them all.
        """
        if item.status == "refused" or len(self.items) < ITEMS_KEPT:
            self.items.append(item)
        if item.status == "refused":
            self.errors.append(RowError(item.ref, item.message))
        else:
            setattr(self, item.status, getattr(self, item.status) + 1)

    def refuse(self, ref: str, message: str, remote_id: str | None = None) -> None:
        """Record a refused item."""
        self.add(ItemReport(ref, "refused", message, remote_id))

    def summary(self) -> str:
        """One French line for the command line and the flash message."""
        if self.error:
            return f"Import refusé : {self.error}"
        verb = "seraient" if self.dry_run else "ont été"
        return (f"{self.created} créé(s), {self.updated} mis à jour, {self.unchanged} inchangé(s) {verb} traités ; "
                f"{len(self.errors)} refusé(s).")  # fmt: skip
