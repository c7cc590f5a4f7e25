"""What the catalog says about a dataset: metadata, statistics, columns and downloads (pure data).

A ``Dataset`` is built by :mod:`wiki.exports.catalog` and read by the
catalog pages, the DCAT catalog (:mod:`wiki.exports.dcat`) and the Data
Package (:mod:`wiki.exports.tableschema`); its ``distributions`` are entries
of the format registry (:mod:`wiki.exports.formats`).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from datetime import datetime
from typing import TYPE_CHECKING

from wiki.exports.columns import Column
from wiki.exports.constants import License

if TYPE_CHECKING:
    from wiki.exports.formats import Format


@dataclasses.dataclass
class Dataset:
    """A dataset as the catalog shows it: metadata, statistics, columns and downloads."""

    key: str
    title: str
    description: str
    license: License
    frequency: str
    publisher_name: str
    publisher_url: str
    contact_name: str
    contact_email: str
    contact_url: str
    keywords: list[str]
    #: (key, label) of the themes found in the records.
    themes: list[tuple[str, str]]
    #: Keys of the zones the records cover: a commune's INSEE code, ``level:code`` for other levels.
    spatial: list[str]
    record_count: int
    issued: datetime | None
    modified: datetime | None
    columns: list[Column]
    distributions: list[Format]
    #: ``https://…/donnees``: downloads live under it.
    base_url: str
    #: ``https://…/``: the site, for record and page addresses.
    site_url: str
    is_pages: bool = False
    #: Revision of the metadata (0 when never edited).
    meta_revision: int = 0
    custom_title: str = ""
    custom_description: str = ""
    #: First and last day of the events (forms with a schedule field), in the instance's time zone.
    temporal: tuple[date, date] | None = None
    #: Sizes in bytes of the downloads whose size is known without building them, by distribution name.
    byte_sizes: dict[str, int] = dataclasses.field(default_factory=dict)

    @property
    def landing_url(self) -> str:
        """The dataset's HTML page."""
        return f"{self.base_url}/{self.key}"

    def download_url(self, dist: Format) -> str:
        """The stable address of one download."""
        return f"{self.base_url}/{self.key}.{dist.extension}"

    @property
    def datapackage_url(self) -> str:
        """The Data Package descriptor (forms only)."""
        return f"{self.base_url}/{self.key}/datapackage.json"

    @property
    def schema_url(self) -> str:
        """The Table Schema of the CSV (forms only)."""
        return f"{self.base_url}/{self.key}/schema.json"

    @property
    def feed_url(self) -> str:
        """The Atom feed of the dataset's changes."""
        return f"{self.base_url}/{self.key}.atom"
