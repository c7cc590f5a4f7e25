"""What a YesWiki holds, read from a MySQL dump or from its JSON API: pages with their versions, Bazar forms,
entries and lists.

Pure module. :func:`site_from_bytes` recognises the source (a dump, gzipped
or not; an answer of ``/?api/pages``, ``/?api/forms``, ``/?api/entries``;
or one JSON document gathering them as ``{"pages": …, "forms": …,
"entries": …, "lists": …}``) and sorts the rows of the ``pages`` table:
a page whose body is a Bazar entry (JSON with ``id_typeannonce``, or a
``fiche_bazar`` triple) is an entry, one holding a list (``titre_liste``,
or a ``liste`` triple) is a list, a comment (``comment_on``) is counted, not
kept. Every version of a page or an entry is kept, oldest first (YesWiki
keeps old ones as rows with ``latest='N'``). YesWiki writes local times: they
are read as Europe/Paris and kept as naive UTC. Anything else is refused
with :class:`SourceError`, whose French message names what the file is.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from importers.features import FormatError
from importers.sniff import sniff
from importers.yeswiki_sql import DumpError
from importers.yeswiki_sql import DumpReader
from importers.yeswiki_sql import decode
from importers.yeswiki_sql import table_suffix

#: Where YesWiki sites run: their ``time`` columns are this zone's wall time.
SITE_ZONE = ZoneInfo("Europe/Paris")
#: The date of page versions that have none (``now()`` in a setup file), when the source has no date at all.
UNDATED = datetime(2000, 1, 1)
#: A gzipped dump is inflated up to this size.
MAX_INFLATED = 500_000_000
_SQL_START = re.compile(
    rb"\s*+(?:--|#|/\*|(?:INSERT|REPLACE|CREATE|DROP|SET|LOCK|UNLOCK|USE|ALTER|START|BEGIN|COMMIT)\b)", re.I
)
_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?")
_TYPE_PROPERTIES = ("https://yeswiki.net/_vocabulary/type", "http://outils-reseaux.org/_vocabulary/type")


class SourceError(FormatError):
    """The source is not a YesWiki one, or cannot be read; ``message`` is in French."""


@dataclass
class Version:
    """One version of a page or an entry: its text, who saved it, when (naive UTC, None when unknown)."""

    body: str
    user: str = ""
    time: datetime | None = None


@dataclass
class Page:
    """A wiki page (its tag is its name) and its versions, oldest first."""

    tag: str
    versions: list[Version] = field(default_factory=list)


@dataclass
class BazarForm:
    """A Bazar form (a row of ``nature``): its id, label, description and field template."""

    id: str
    label: str
    description: str = ""
    template: str = ""


@dataclass
class Entry:
    """A Bazar entry (``id_fiche``), the form it belongs to, and its versions' JSON bodies, oldest first."""

    id: str
    form_id: str
    versions: list[Version] = field(default_factory=list)


@dataclass
class ChoiceSource:
    """A Bazar list: its name (page tag), title and items (key → label)."""

    name: str
    title: str
    items: dict[str, str]


@dataclass
class Site:
    """Everything read from one YesWiki; ``kind`` says from what (« dump SQL », « API JSON »)."""

    kind: str
    pages: dict[str, Page] = field(default_factory=dict)
    forms: dict[str, BazarForm] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)
    lists: dict[str, ChoiceSource] = field(default_factory=dict)
    users: int = 0
    comments: int = 0
    tables: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when the source holds no page, form, entry nor list."""
        return not (self.pages or self.forms or self.entries or self.lists)


def read_time(raw: Any) -> datetime | None:
    """A YesWiki date (``2020-02-12 11:10:01``, Paris time) as naive UTC; None when absent or zero."""
    match = _TIME.match(str(raw or "").strip())
    if not match or match.group(1) == "0000":
        return None
    try:
        year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
        local = datetime(year, month, day, hour, minute, second, tzinfo=SITE_ZONE)
    except ValueError:
        return None
    return local.astimezone(UTC).replace(tzinfo=None)


def entry_values(body: str) -> dict[str, Any] | None:
    """The values of a Bazar entry's JSON body, or None when the body is not an entry."""
    if not body.lstrip().startswith("{"):
        return None
    try:
        values = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return values if isinstance(values, dict) else None


def _list_items(values: Mapping[str, Any]) -> dict[str, str] | None:
    labels = values.get("label")
    if isinstance(labels, list):  # PHP encodes an array keyed 0, 1, 2… as a JSON list
        labels = {str(i): label for i, label in enumerate(labels)}
    if not isinstance(labels, dict):
        return None
    return {str(key): str(label) for key, label in labels.items() if str(label).strip()}


# --- the rows of a dump ----------------------------------------------------------------------------


@dataclass
class _Builder:
    """Sort page rows (and triples, forms, users) into a :class:`Site`."""

    site: Site
    types: dict[str, str] = field(default_factory=dict)
    rows: dict[str, list[tuple[Version, bool]]] = field(default_factory=dict)

    def add_page_row(self, values: Mapping[str, Any]) -> None:
        """Keep one row of ``pages`` (a version), or count it when it is a comment."""
        tag = str(values.get("tag") or "").strip()
        if not tag:
            return
        if str(values.get("comment_on") or "").strip():
            self.site.comments += 1
            return
        version = Version(str(values.get("body") or ""), str(values.get("user") or ""), read_time(values.get("time")))
        self.rows.setdefault(tag, []).append((version, str(values.get("latest") or "") == "Y"))

    def add_triple(self, values: Mapping[str, Any]) -> None:
        """Note what a ``type`` triple says a page is (``fiche_bazar``, ``liste``)."""
        if values.get("property") in _TYPE_PROPERTIES:
            self.types[str(values.get("resource"))] = str(values.get("value"))

    def add_form(self, values: Mapping[str, Any]) -> None:
        """Keep one Bazar form (a row of ``nature``)."""
        ident = str(values.get("bn_id_nature") or "").strip()
        if ident:
            self.site.forms[ident] = BazarForm(ident, str(values.get("bn_label_nature") or f"Formulaire {ident}"),
                                               str(values.get("bn_description") or ""),
                                               str(values.get("bn_template") or ""))  # fmt: skip

    def finish(self) -> Site:
        """Sort the versions kept into pages, entries and lists, oldest first; return the site."""
        known = [time for rows in self.rows.values() for version, _latest in rows if (time := version.time)]
        undated = 0
        for rows in self.rows.values():
            for version, _latest in rows:
                if version.time is None:  # a stable date, so that a re-run knows the version again
                    version.time, undated = max(known, default=UNDATED), undated + 1
        if undated:
            self.site.warnings.append(f"{undated} version(s) de page sans date lisible : datée(s) du "
                                      f"{max(known, default=UNDATED):%d/%m/%Y}, la plus récente de la source.")  # fmt: skip
        for tag, rows in self.rows.items():
            # Oldest first; the latest='Y' row last among equal times.
            rows.sort(key=lambda row: (row[0].time or datetime.min, row[1]))
            self._add(tag, [version for version, _latest in rows])
        self.rows.clear()
        missing = sorted(r for r, kind in self.types.items() if kind == "fiche_bazar" and r not in self.site.entries)
        if missing:
            self.site.warnings.append(f"{len(missing)} fiche(s) annoncée(s) (triples fiche_bazar) sans page dans la "
                                      f"source, donc sans contenu : {', '.join(missing[:8])}{'…' * (len(missing) > 8)}.")  # fmt: skip
        return self.site

    def _add(self, tag: str, versions: list[Version]) -> None:
        site, latest = self.site, versions[-1]
        kind = self.types.get(tag, "")
        values = entry_values(latest.body)
        if values is not None and ("id_typeannonce" in values or kind == "fiche_bazar"):
            entry = Entry(str(values.get("id_fiche") or tag), str(values.get("id_typeannonce") or ""))
            entry.versions = [v for v in versions if entry_values(v.body) is not None]
            if len(entry.versions) < len(versions):
                site.warnings.append(f"Fiche {tag} : {len(versions) - len(entry.versions)} version(s) ancienne(s) "
                                     "illisible(s) (pas du JSON), non reprise(s).")  # fmt: skip
            site.entries[entry.id] = entry
        elif values is not None and (kind == "liste" or "titre_liste" in values) and (items := _list_items(values)):
            site.lists[tag] = ChoiceSource(tag, str(values.get("titre_liste") or tag), items)
        else:
            site.pages[tag] = Page(tag, versions)


def site_from_dump(data: bytes) -> Site:
    """Read a MySQL dump of a YesWiki.

    :raises SourceError: the dump is cut or unreadable, or holds several wikis.
    """
    reader = DumpReader(data)
    builder = _Builder(Site("dump SQL"))
    names: dict[str, set[str]] = {}
    try:
        for row in reader.rows():
            names.setdefault(row.table, set()).add(row.name)
            if row.table == "pages":
                builder.add_page_row(row.values)
            elif row.table == "triples":
                builder.add_triple(row.values)
            elif row.table == "nature":
                builder.add_form(row.values)
            elif row.table == "users":
                builder.site.users += 1
    except DumpError as error:
        raise SourceError(error.message) from None
    if len(names.get("pages", ())) > 1:
        tables = ", ".join(sorted(names["pages"]))
        raise SourceError(f"Ce dump contient les pages de plusieurs wikis ({tables}) : exportez-en un seul à la fois.")
    site = builder.finish()
    site.tables = set(names) | {table_suffix(name) for name in reader.columns}
    site.warnings[:0] = reader.warnings
    if reader.legacy_strings:
        site.warnings.append(f"{reader.legacy_strings} texte(s) en ancien encodage (ISO-8859-1 / cp1252) "
                             "convertis en UTF-8.")  # fmt: skip
    return site


# --- the JSON API ------------------------------------------------------------------------------------


def _records(raw: Any) -> Iterable[tuple[str, Mapping[str, Any]]]:
    """The objects of an API answer, keyed (``{id: {…}}``) or listed (``[{…}]``)."""
    if isinstance(raw, Mapping):
        return [(str(key), value) for key, value in raw.items() if isinstance(value, Mapping)]
    if isinstance(raw, list):
        return [(str(i), value) for i, value in enumerate(raw) if isinstance(value, Mapping)]
    return []


def _json_parts(document: Any) -> dict[str, Any]:
    """Split a JSON document into its pages, forms, entries and lists (what it holds of each)."""
    parts = ("pages", "forms", "entries", "lists")
    if isinstance(document, Mapping) and document and set(document) <= set(parts):
        return dict(document)
    found: dict[str, dict[str, Any]] = {part: {} for part in parts}
    for key, value in _records(document):
        if "bn_template" in value or "bn_id_nature" in value:
            found["forms"][key] = value
        elif "id_typeannonce" in value or "id_fiche" in value:
            found["entries"][key] = value
        elif "body" in value and ("tag" in value or "time" in value):
            found["pages"][key] = value
        elif "titre_liste" in value and "label" in value:
            found["lists"][key] = value
        else:
            raise SourceError(f"JSON non reconnu : l'objet « {key[:60]} » n'est ni une page (body, time), ni un "
                              "formulaire (bn_template), ni une fiche (id_typeannonce) de l'API YesWiki.")  # fmt: skip
    return found


def site_from_json(document: Any) -> Site:
    """Read answers of a YesWiki's JSON API (pages, forms, entries, lists, alone or gathered)."""
    builder = _Builder(Site("API JSON"))
    parts = _json_parts(document)
    for tag, page in _records(parts.get("pages")):
        builder.add_page_row({"tag": page.get("tag") or tag, **page, "latest": page.get("latest") or "Y"})
    for ident, form in _records(parts.get("forms")):
        builder.add_form({"bn_id_nature": ident, **form})
    for ident, values in _records(parts.get("entries")):
        ident = str(values.get("id_fiche") or ident)
        version = Version(json.dumps(dict(values), ensure_ascii=False), str(values.get("owner") or ""),
                          read_time(values.get("date_maj_fiche") or values.get("date_creation_fiche")))  # fmt: skip
        builder.site.entries[ident] = Entry(ident, str(values.get("id_typeannonce") or ""), [version])
    for name, values in _records(parts.get("lists")):
        if items := _list_items(values):
            builder.site.lists[name] = ChoiceSource(name, str(values.get("titre_liste") or name), items)
    return builder.finish()


# --- recognising the source --------------------------------------------------------------------------


def _inflate(data: bytes) -> bytes:
    inflater, out = zlib.decompressobj(47), bytearray()
    try:
        out += inflater.decompress(data, MAX_INFLATED + 1)
    except zlib.error:
        raise SourceError("Fichier gzip corrompu : il ne se décompresse pas.") from None
    if len(out) > MAX_INFLATED:
        raise SourceError(f"Dump trop volumineux une fois décompressé ({MAX_INFLATED // 1_000_000} Mo au plus).")
    return bytes(out)


def describe(data: bytes) -> str:
    """Name, in French, what a file that is not a YesWiki source seems to be (:mod:`importers.sniff`)."""
    kind = sniff(data)
    if kind is None:
        return "un texte qui n'est ni un dump SQL ni du JSON"
    if kind.label == "une page HTML":
        return "une page HTML, pas une réponse de l'API : donnez l'adresse de l'API (https://…/?api/pages)"
    return kind.label + (f" (lieudit import {kind.importer})" if kind.importer else "")


def site_from_bytes(data: bytes) -> Site:
    """Read a YesWiki from a dump (plain or gzipped) or from JSON answers of its API.

    :raises SourceError: the bytes are none of these, or cannot be read.
    """
    if data[:2] == b"\x1f\x8b":
        data = _inflate(data)
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise SourceError("Fichier vide : ni dump SQL ni réponse JSON de YesWiki.")
    if stripped[:1] in (b"{", b"[") or stripped.startswith(b"null"):
        try:
            document = json.loads(decode(stripped)[0])
        except (ValueError, RecursionError) as error:
            where = f" (ligne {error.lineno}, colonne {error.colno})" if isinstance(error, json.JSONDecodeError) else ""
            raise SourceError(f"JSON invalide{where} : ce n'est pas une réponse lisible de l'API YesWiki.") from None
        if document is None:
            raise SourceError("La réponse de l'API est vide (null) : aucune page à importer.")
        return site_from_json(document)
    if _SQL_START.match(stripped):
        return site_from_dump(stripped)
    raise SourceError(f"Ce fichier n'est pas un dump SQL ni une réponse JSON de YesWiki : c'est {describe(data)}.")
