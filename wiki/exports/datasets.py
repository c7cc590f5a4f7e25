"""What the catalog says about a dataset, and the registry of its distributions.

A ``Distribution`` describes one download format once (name, media type, file
extension, which forms it applies to); the catalog page, the dataset page, the
DCAT catalog and the Data Package all list ``Dataset.distributions``, so a
format added here shows everywhere. ``geojson`` and ``ics`` are served by the
geodata and agenda modules at the same stable addresses
(``/donnees/<form>.geojson``, ``/donnees/<form>.ics``).
"""

from __future__ import annotations

import dataclasses
from collections import abc
from datetime import datetime

from flask_babel import lazy_gettext as _l

from wiki.exports.columns import Column
from wiki.exports.constants import License
from wiki.records.schema import FieldDef


@dataclasses.dataclass(frozen=True)
class Distribution:
    """One downloadable format of a dataset."""

    name: str
    label: object
    #: What follows ``/donnees/<key>.`` in the address (``csv``, ``tableur.csv``…).
    extension: str
    media_type: str
    #: Code of the EU "file-type" authority table (DCAT ``dct:format``).
    file_type: str
    description: object
    #: Which forms have this distribution, given their public fields.
    applies: abc.Callable[[abc.Sequence[FieldDef]], bool] = lambda fields: True


def _has(kind: str) -> abc.Callable[[abc.Sequence[FieldDef]], bool]:
    return lambda fields: any(field.type == kind for field in fields)


#: Every download format of a form's dataset, in the order they are listed.
DISTRIBUTIONS: tuple[Distribution, ...] = (
    Distribution("csv", "CSV", "csv", "text/csv", "CSV",
                 _l("UTF-8, séparateur virgule, en-tête documenté : les données telles quelles, pour les programmes.")),
    Distribution("csv-tableur", _l("CSV pour tableur"), "tableur.csv", "text/csv", "CSV",
                 _l("Séparateur point-virgule et BOM pour Excel et LibreOffice ; les cellules qui ressemblent à une formule sont neutralisées.")),
    Distribution("json", "JSON", "json", "application/json", "JSON",
                 _l("Les fiches avec leurs valeurs typées ; avec ?since=, les fiches retirées depuis.")),
    Distribution("geojson", "GeoJSON", "geojson", "application/geo+json", "GEOJSON",
                 _l("Les fiches localisées, pour les cartes (RFC 7946)."), _has("geometry")),
    Distribution("ics", "iCalendar", "ics", "text/calendar", "ICS",
                 _l("Les événements, pour un agenda (RFC 5545)."), _has("schedule")),
    Distribution("xlsx", "Excel (XLSX)", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX",
                 _l("Classeur Excel.")),
    Distribution("ods", "OpenDocument (ODS)", "ods", "application/vnd.oasis.opendocument.spreadsheet", "ODS",
                 _l("Classeur OpenDocument, le format bureautique de référence de l’administration.")),
)  # fmt: skip
#: The one distribution of the pages dataset.
PAGES_ARCHIVE = Distribution(
    "zip",
    "Markdown (ZIP)",
    "zip",
    "application/zip",
    "ZIP",
    _l("Une archive des pages en Markdown, chacune précédée de ses métadonnées (front matter YAML)."),
)


def distributions_for(fields: abc.Sequence[FieldDef]) -> list[Distribution]:
    """Return the distributions of a form, given its public fields."""
    return [dist for dist in DISTRIBUTIONS if dist.applies(fields)]


def find_distribution(extension: str) -> Distribution | None:
    """Return the form distribution served under ``extension``, if any."""
    return next((dist for dist in DISTRIBUTIONS if dist.extension == extension), None)


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
    #: INSEE codes of the zones the records cover.
    spatial: list[str]
    record_count: int
    issued: datetime | None
    modified: datetime | None
    columns: list[Column]
    distributions: list[Distribution]
    #: ``https://…/donnees``: downloads live under it.
    base_url: str
    #: ``https://…/``: the site, for record and page addresses.
    site_url: str
    is_pages: bool = False
    #: Revision of the metadata (0 when never edited).
    meta_revision: int = 0
    custom_title: str = ""
    custom_description: str = ""

    @property
    def landing_url(self) -> str:
        """The dataset's HTML page."""
        return f"{self.base_url}/{self.key}"

    def download_url(self, dist: Distribution) -> str:
        """The stable address of one download."""
        return f"{self.base_url}/{self.key}.{dist.extension}"

    @property
    def datapackage_url(self) -> str:
        """The Data Package descriptor (forms only)."""
        return f"{self.base_url}/{self.key}/datapackage.json"

    @property
    def feed_url(self) -> str:
        """The Atom feed of the dataset's changes."""
        return f"{self.base_url}/{self.key}.atom"
