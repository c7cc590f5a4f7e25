"""The registry of download formats: every format a dataset is served in, described once.

A :class:`Format` says what a download is (name, media type, file name,
whether it is shown inline or saved, how long caches keep it, whether it takes
``?since=``), which datasets have it (``applies``, given a form's public
fields) and which builder of :mod:`wiki.exports.downloads` makes its
validator and body. The catalog page, the dataset pages, the DCAT catalog and
the Data Package list a dataset's ``distributions`` from here, and the one
download function of :mod:`wiki.exports.views` serves every entry the same
way (validators and 304, ``?since=``, export slots, CORS, ``Cache-Control``,
the anonymous public projection), so a format added here shows and behaves
everywhere. Addresses are a public contract: ``/donnees/<form>.<extension>``
(``/donnees/<form>/datapackage.json`` for the Data Package, ``/donnees/<form>/schema.json`` for its Table Schema,
``/donnees/pages.zip`` for the pages).
"""

from __future__ import annotations

import dataclasses
from collections import abc

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from wiki.exports import downloads
from wiki.exports.downloads import Ask
from wiki.exports.rows import Prepared
from wiki.records.schema import FieldDef

#: Downloads are kept by clients and proxies for a minute, then revalidated with their ETag.
CACHE_CONTROL = "public, max-age=60"
#: Calendar clients poll feeds: five minutes.
FEED_CACHE_CONTROL = "public, max-age=300"


def _always(fields: abc.Sequence[FieldDef]) -> bool:
    return True


def _has(kind: str) -> abc.Callable[[abc.Sequence[FieldDef]], bool]:
    return lambda fields: any(field.type == kind for field in fields)


@dataclasses.dataclass(frozen=True)
class Format:
    """One downloadable format of a dataset (a *distribution* in DCAT's words)."""

    name: str
    label: object
    #: What follows ``/donnees/<key>.`` in the address (``csv``, ``tableur.csv``…).
    extension: str
    media_type: str
    #: Code of the EU "file-type" authority table (DCAT ``dct:format``).
    file_type: str
    description: object
    #: Makes the validator and the body of a download (:mod:`wiki.exports.downloads`).
    build: abc.Callable[[Session, Ask], Prepared]
    #: Which forms have this distribution, given their public fields.
    applies: abc.Callable[[abc.Sequence[FieldDef]], bool] = _always
    #: The file name offered (``{key}``: the dataset), None for none.
    filename: str | None = None
    #: ``attachment`` (saved) or ``inline`` (shown, or subscribed to).
    disposition: str = "attachment"
    cache_control: str = CACHE_CONTROL
    #: Whether ``?since=`` selects what changed since then.
    incremental: bool = True


#: Every download format of a form's dataset, in the order they are listed.
DISTRIBUTIONS: tuple[Format, ...] = (
    Format("csv", "CSV", "csv", "text/csv", "CSV",
           _l("UTF-8, séparateur virgule, en-tête documenté : les données telles quelles, pour les programmes."),
           downloads.build_csv, filename="{key}.csv"),
    Format("csv-tableur", _l("CSV pour tableur"), "tableur.csv", "text/csv", "CSV",
           _l("Séparateur point-virgule et BOM pour Excel et LibreOffice ; les cellules qui ressemblent à une formule sont neutralisées."),
           downloads.build_spreadsheet_csv, filename="{key}-tableur.csv"),
    Format("json", "JSON", "json", "application/json", "JSON",
           _l("Les fiches avec leurs valeurs typées ; avec ?since=, les fiches retirées depuis."), downloads.build_json),
    Format("geojson", "GeoJSON", "geojson", "application/geo+json", "GEOJSON",
           _l("Les fiches localisées, pour les cartes (RFC 7946)."), downloads.build_geojson, _has("geometry"),
           filename="{key}.geojson"),
    Format("ics", "iCalendar", "ics", "text/calendar", "ICS",
           _l("Les événements, pour un agenda (RFC 5545)."), downloads.build_ics, _has("schedule"),
           filename="{key}.ics", disposition="inline", cache_control=FEED_CACHE_CONTROL),
    Format("xlsx", "Excel (XLSX)", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX",
           _l("Classeur Excel."), downloads.build_xlsx, filename="{key}.xlsx"),
    Format("ods", "OpenDocument (ODS)", "ods", "application/vnd.oasis.opendocument.spreadsheet", "ODS",
           _l("Classeur OpenDocument, le format bureautique de référence de l’administration."), downloads.build_ods,
           filename="{key}.ods"),
)  # fmt: skip
#: The one distribution of the pages dataset.
PAGES_ARCHIVE = Format(
    "zip",
    "Markdown (ZIP)",
    "zip",
    "application/zip",
    "ZIP",
    _l("Une archive des pages en Markdown, chacune précédée de ses métadonnées (front matter YAML)."),
    downloads.build_pages_zip,
    filename="pages.zip",
)
#: The description of a form's dataset, served at ``/donnees/<form>/datapackage.json``.
DATAPACKAGE = Format(
    "datapackage",
    "Data Package",
    "datapackage.json",
    "application/json",
    "JSON",
    "",
    downloads.build_datapackage,
    incremental=False,
)
#: The Table Schema of a form's CSV, served at ``/donnees/<form>/schema.json`` (what the DCAT catalog says the CSV
#: conforms to).
TABLE_SCHEMA = Format(
    "schema",
    "Table Schema",
    "schema.json",
    "application/json",
    "JSON",
    "",
    downloads.build_table_schema,
    incremental=False,
)
#: The feed of a dataset's latest public changes (the pages' too).
ATOM = Format(
    "atom",
    "Atom",
    "atom",
    "application/atom+xml",
    "ATOM",
    "",
    downloads.build_atom,
    disposition="inline",
)
#: Every format served, by what follows the dataset in its address.
FORMATS: dict[str, Format] = {f.extension: f for f in (*DISTRIBUTIONS, PAGES_ARCHIVE, DATAPACKAGE, TABLE_SCHEMA, ATOM)}


def distributions_for(fields: abc.Sequence[FieldDef]) -> list[Format]:
    """Return the distributions of a form, given its public fields."""
    return [dist for dist in DISTRIBUTIONS if dist.applies(fields)]


def find_format(extension: str) -> Format | None:
    """Return the format served under ``extension``, if any."""
    return FORMATS.get(extension)
