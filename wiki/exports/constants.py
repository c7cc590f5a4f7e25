"""Vocabularies of the open-data catalog: licences, update frequencies, formats' authorities."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class License:
    """An open licence a dataset may be published under."""

    key: str
    label: str
    url: str
    #: SPDX identifier (Data Package ``licenses[].name``).
    spdx: str


#: Licences selectable per dataset; the first is the default (Licence Ouverte 2.0,
#: the French administration's licence, compatible with CC BY).
LICENSES: dict[str, License] = {
    "etalab-2.0": License(
        "etalab-2.0",
        "Licence Ouverte / Open Licence 2.0",
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        "etalab-2.0",
    ),
    "odbl-1.0": License(
        "odbl-1.0", "Open Database License (ODbL) 1.0", "https://opendatacommons.org/licenses/odbl/1-0/", "ODbL-1.0"
    ),
    "cc-by-sa-4.0": License(
        "cc-by-sa-4.0", "Creative Commons BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/", "CC-BY-SA-4.0"
    ),
}

#: Update frequencies: key -> (French label, code of the EU "frequency" authority table).
FREQUENCIES: dict[str, tuple[object, str]] = {
    "continuous": (_l("en continu"), "CONT"),
    "daily": (_l("quotidienne"), "DAILY"),
    "weekly": (_l("hebdomadaire"), "WEEKLY"),
    "monthly": (_l("mensuelle"), "MONTHLY"),
    "quarterly": (_l("trimestrielle"), "QUARTERLY"),
    "annual": (_l("annuelle"), "ANNUAL"),
    "irregular": (_l("irrégulière"), "IRREG"),
}
FREQUENCY_AUTHORITY = "http://publications.europa.eu/resource/authority/frequency/"
FILE_TYPE_AUTHORITY = "http://publications.europa.eu/resource/authority/file-type/"
MEDIA_TYPE_AUTHORITY = "https://www.iana.org/assignments/media-types/"
#: Key of the dataset of wiki pages (reserved as a form key).
PAGES_KEY = "pages"
#: Rows fetched from the database per query while streaming an export.
BATCH_SIZE = 500
