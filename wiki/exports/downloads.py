"""What each download format serves: one builder per format, giving its validator and its streamed body.

A service (STYLE R6): no request globals. The web layer hands a builder an
:class:`Ask` (the dataset, ``?since=``, the URL's other arguments, the
addresses, and what only it has: templates and JSON) and gets back a
:class:`~wiki.exports.rows.Prepared` download: its validator computed now
(:func:`wiki.exports.rows.export_state`), its body streamed later through a
read-only session of its own. Every body is the anonymous public projection,
whoever asks: builders take no actor. The registry of formats
(:mod:`wiki.exports.formats`) names the builder of each.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Callable
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING
from typing import Any

from sqlalchemy.orm import Session

from geodata import services as geodata
from geodata.zones import zones_version
from wiki.agenda import occurrences
from wiki.agenda import projection
from wiki.auth.services import Anonymous
from wiki.exports import calendar
from wiki.exports import columns as cols
from wiki.exports import rows
from wiki.exports import spreadsheets
from wiki.exports import tableschema
from wiki.exports import tabular
from wiki.exports.constants import PAGES_KEY
from wiki.exports.geojson import features_to_geojson
from wiki.exports.geojson import located_record_to_geojson_feature
from wiki.exports.pages_archive import pages_to_zip
from wiki.exports.rows import ExportState
from wiki.exports.rows import Prepared
from wiki.records import access
from wiki.records import form_services
from wiki.records.schema import FieldDef

if TYPE_CHECKING:
    from wiki.exports.datasets import Dataset


@dataclasses.dataclass(frozen=True)
class Ask:
    """What a download is asked for, as the web layer read it."""

    #: The dataset: a form key, or ``pages``.
    key: str
    #: ``?since=`` as given, for the formats that take it (read by :attr:`since`).
    since_arg: str | None
    #: The URL's other arguments (a mapping with ``getlist``): the map's and the agenda's filters.
    args: Any
    #: ``https://…/donnees`` and ``https://…`` (the site).
    base_url: str
    site_url: str
    site_name: str
    #: The address of a record's page.
    record_url: Callable[[int], str]
    #: The dataset's catalog entry (computed when asked).
    dataset: Callable[[], Dataset]
    #: ``render(template, **context)``: a template of the theme, as text.
    render: Callable[..., str]
    #: A document as JSON bytes, the way every JSON response of the wiki is written.
    to_json: Callable[[Any], bytes]

    @functools.cached_property
    def since(self) -> datetime | None:
        """``?since=`` read once, when a builder needs it (after it found the dataset).

        :raises ValidationError: not an ISO date or date and time.
        """
        return rows.parse_since(self.since_arg)


def _variant(ask: Ask, name: str, *more: Any) -> str:
    """What else than the data the bytes depend on: format, ``since``, base address and more."""
    return "|".join(str(part) for part in (name, ask.since, ask.base_url, *more))


def _whole(state: ExportState, body: bytes) -> Prepared:
    """A small document rendered now: its validator is its content (it may depend on the language)."""
    digest = hashlib.sha256(body).hexdigest()[:32]
    return Prepared(ExportState(etag=digest, last_modified=state.last_modified), lambda session: iter([body]))


# --- tables --------------------------------------------------------------------------


def _table(db: Session, ask: Ask, name: str) -> tuple[Any, ExportState, list[cols.Column]]:
    form = form_services.get_form(db, ask.key)
    state = rows.export_state(db, form, variant=_variant(ask, name, zones_version(db)))  # zone names are exported
    return form, state, rows.dataset_columns(db, form)


def _text_rows(session: Session, form: Any, columns: list[cols.Column], since: datetime | None) -> Iterator[list[str]]:
    for row in rows.iter_rows(session, form, since=since):
        yield [cols.cell_text(c, v) for c, v in zip(columns, cols.row_values(columns, row), strict=True)]


def _typed_rows(session: Session, form: Any, columns: list[cols.Column], since: datetime | None) -> Iterator[list[Any]]:
    for row in rows.iter_rows(session, form, since=since):
        values = cols.row_values(columns, row)
        yield [
            v if v is None or isinstance(v, (bool, int, float)) else cols.cell_text(c, v)
            for c, v in zip(columns, values, strict=True)
        ]


def build_csv(db: Session, ask: Ask) -> Prepared:
    """The canonical CSV: UTF-8, comma-separated, values as typed."""
    form, state, columns = _table(db, ask, "csv")
    header = [c.name for c in columns]
    return Prepared(state, lambda s: tabular.rows_to_csv(header, _text_rows(s, form, columns, ask.since)))


def build_spreadsheet_csv(db: Session, ask: Ask) -> Prepared:
    """The CSV for spreadsheets: semicolons, a BOM, formulas neutralized."""
    form, state, columns = _table(db, ask, "tableur.csv")
    header = [c.name for c in columns]
    return Prepared(
        state, lambda s: tabular.rows_to_csv(header, _text_rows(s, form, columns, ask.since), spreadsheet=True)
    )


def build_xlsx(db: Session, ask: Ask) -> Prepared:
    """An Excel workbook of the typed values."""
    form, state, columns = _table(db, ask, "xlsx")
    header = [c.name for c in columns]
    return Prepared(
        state, lambda s: spreadsheets.rows_to_xlsx(form.title, header, _typed_rows(s, form, columns, ask.since))
    )


def build_ods(db: Session, ask: Ask) -> Prepared:
    """An OpenDocument spreadsheet of the typed values."""
    form, state, columns = _table(db, ask, "ods")
    header = [c.name for c in columns]
    return Prepared(
        state, lambda s: spreadsheets.rows_to_ods(form.title, header, _typed_rows(s, form, columns, ask.since))
    )


def _field_meta(field: FieldDef) -> dict[str, object]:
    """A field as the JSON export describes it: a personal one names the box that publishes it (its value is null
    wherever that box is unticked)."""
    meta: dict[str, object] = {"key": field.key, "type": field.type, "label": field.label}
    if field.personal:
        meta |= {"personal": True, "consent_field": field.consent_field}
    return meta


def build_json(db: Session, ask: Ask) -> Prepared:
    """The records with their typed values; with ``since``, the records removed since too."""
    form = form_services.get_form(db, ask.key)
    state = rows.export_state(db, form, variant=_variant(ask, "json", zones_version(db)))
    fields = rows.public_fields(form)
    dataset = ask.dataset()
    since = ask.since
    meta = {"key": form.key, "title": dataset.title, "url": dataset.landing_url, "license": dataset.license.url,
            "since": since.strftime("%Y-%m-%dT%H:%M:%SZ") if since else None,
            "fields": [_field_meta(f) for f in fields]}  # fmt: skip

    def _body(session: Session) -> Iterator[bytes]:
        objects = (
            cols.record_object(fields, row, f"{ask.site_url}/fiches/{row['id']}")
            for row in rows.iter_rows(session, form, since=since)
        )
        deleted = (lambda: rows.removed_since(session, form, since)) if since else None
        yield from tabular.records_to_json(meta, objects, deleted)

    return Prepared(state, _body)


# --- map -------------------------------------------------------------------------------


def build_geojson(db: Session, ask: Ask) -> Prepared:
    """The form's public located records (RFC 7946); ``?bbox=`` and the map's filters apply."""
    form = form_services.get_form(db, ask.key)
    q = geodata.layer_query(db, [form], ask.args)
    state = rows.export_state(db, form, variant=_variant(ask, "geojson", q, zones_version(db)))
    # Geometry fields are the feature's geometry, not properties.
    skip = {d.key for d in form_services.form_fields(form) if d.type == "geometry"}
    zone_fields = [d for d in rows.public_fields(form) if d.type == "zone"]
    anonymous = Anonymous()

    def _values(record: Any, names: dict[str, str]) -> dict[str, Any]:
        """A record's public values, each zone followed by its names (``<key>_nom``)."""
        values = {k: v for k, v in access.public_values(record, anonymous).items() if k not in skip}
        for field in zone_fields:
            if field.key in values:
                values[f"{field.key}_nom"] = cols.zone_names_of(values[field.key], cols.zone_levels_of(field), names)
        return values

    def _features(session: Session) -> Iterator[list[dict[str, Any]]]:
        # The form again, in the body's own session (the request's is closed by now).
        names = rows.zone_name_map(session, zone_fields)
        for batch in geodata.iter_located_records(
            session, form_services.get_form(session, form.key), q, since=ask.since
        ):
            yield [
                located_record_to_geojson_feature(
                    record_id=record.id,
                    url=ask.record_url(record.id),
                    title=record.title,
                    values=_values(record, names),
                    updated_at=record.updated_at,
                    approximate=approximate,
                    geometry=geometry,
                )
                for record, geometry, approximate in batch
            ]

    return Prepared(state, lambda session: features_to_geojson(_features(session)))


# --- agenda ----------------------------------------------------------------------------


def build_ics(db: Session, ask: Ask) -> Prepared:
    """Every public event of a form with a schedule field (RFC 5545), past ones included; the agenda's filters apply.

    :raises NotFound: no such form, or it has no schedule field.
    """
    form = projection.get_event_form(db, ask.key)
    filters = occurrences.parse_filters(ask.args)
    filters.form = form.key
    return calendar.prepare_feed(db, filters, name=f"{ask.site_name} — {form.title}", since=ask.since, window=False)


# --- descriptions and changes ----------------------------------------------------------


def build_datapackage(db: Session, ask: Ask) -> Prepared:
    """The Data Package of a form's dataset, with the Table Schema of its CSV."""
    form = form_services.get_form(db, ask.key)
    state = rows.export_state(db, form, variant=_variant(ask, "datapackage"))
    return _whole(state, ask.to_json(tableschema.dataset_to_datapackage(ask.dataset())))


def build_table_schema(db: Session, ask: Ask) -> Prepared:
    """The Table Schema of a form's CSV, the one its Data Package carries."""
    form = form_services.get_form(db, ask.key)
    state = rows.export_state(db, form, variant=_variant(ask, "schema"))
    return _whole(state, ask.to_json(tableschema.columns_to_table_schema(ask.dataset().columns)))


def build_atom(db: Session, ask: Ask) -> Prepared:
    """The Atom feed of the latest public changes of a dataset (a form's records, or the pages)."""
    form = None if ask.key == PAGES_KEY else form_services.get_form(db, ask.key)
    state = rows.export_state(db, form, variant=_variant(ask, "atom"))
    items = rows.dataset_changes(db, ask.key, since=ask.since)
    body = ask.render("exports/feed.atom.xml", dataset=ask.dataset(), items=items)
    return _whole(state, body.encode("utf-8"))


def build_pages_zip(db: Session, ask: Ask) -> Prepared:
    """Every page as Markdown with front matter, in a ZIP archive."""
    state = rows.export_state(db, None, variant=_variant(ask, "zip"))
    license_url = ask.dataset().license.url
    site, since = ask.site_url, ask.since

    def _body(session: Session) -> Iterator[bytes]:
        yield from pages_to_zip(
            rows.iter_pages(session, since=since), page_url=lambda slug: f"{site}/pages/{slug}", license=license_url
        )

    return Prepared(state, _body)
